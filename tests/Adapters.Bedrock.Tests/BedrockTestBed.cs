using Amazon.Runtime;
using ChatBedrock.Application;
using ChatBedrock.Testing.Bedrock;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace ChatBedrock.Adapters.Bedrock.Tests;

/// <summary>
/// A <see cref="BedrockEmulator"/> and a service provider whose Bedrock model talks to it, on a described
/// machine (environment variables, profile region, default credentials) rather than the real one.
/// </summary>
internal sealed class BedrockTestBed : IAsyncDisposable
{
    private BedrockTestBed(BedrockEmulator emulator, ServiceProvider services, FakeLogCollector logs)
    {
        Emulator = emulator;
        Services = services;
        Logs = logs;
    }

    public BedrockEmulator Emulator { get; }

    public ServiceProvider Services { get; }

    public FakeLogCollector Logs { get; }

    public ILanguageModel Model => Services.GetRequiredService<ILanguageModel>();

    /// <summary>How often the default credential chain was asked.</summary>
    public int CredentialResolutions { get; private set; }

    public static Task<BedrockTestBed> StartAsync(Action<BedrockModelOptions>? configure = null) => StartAsync(new TestMachine(), configure);

    public static async Task<BedrockTestBed> StartAsync(TestMachine machine, Action<BedrockModelOptions>? configure = null, BedrockEmulatorOptions? emulatorOptions = null)
    {
        var emulator = await BedrockEmulator.StartAsync(emulatorOptions, TestContext.Current.CancellationToken);
        BedrockTestBed? bed = null;
        var environment = new BedrockEnvironment
        {
            Variable = name => machine.Variables.GetValueOrDefault(name),
            ProfileRegion = () => machine.ProfileRegion,
            DefaultCredentials = _ =>
            {
                bed!.CredentialResolutions++;
                return machine.Credentials is { } credentials
                    ? Task.FromResult(credentials(emulator.Options))
                    : Task.FromException<AWSCredentials>(new AmazonClientException("Failed to resolve AWS credentials."));
            },
        };

        var services = new ServiceCollection()
            .AddFakeLogging()
            .AddSingleton(environment);
        machine.ConfigureServices?.Invoke(services);
        services.AddBedrockLanguageModel(o =>
        {
            o.Endpoint = emulator.Endpoint.ToString();
            o.Region = emulator.Options.Region;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(5);
            o.RequestTimeout = TimeSpan.FromSeconds(20);
            configure?.Invoke(o);
        });
        var provider = services.BuildServiceProvider();
        bed = new BedrockTestBed(emulator, provider, provider.GetFakeLogCollector());
        return bed;
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}

/// <summary>What the machine the adapter runs on says about AWS; by default the emulator's own credentials and nothing else.</summary>
internal sealed record TestMachine
{
    public Dictionary<string, string> Variables { get; init; } = [];

    public string? ProfileRegion { get; init; }

    /// <summary>What the default credential chain finds; null means it finds nothing.</summary>
    public Func<BedrockEmulatorOptions, AWSCredentials>? Credentials { get; init; } = EmulatorCredentials;

    public Action<IServiceCollection>? ConfigureServices { get; init; }

    public static AWSCredentials EmulatorCredentials(BedrockEmulatorOptions emulator) => emulator.SessionToken is null
        ? new BasicAWSCredentials(emulator.AccessKeyId, emulator.SecretAccessKey)
        : new SessionAWSCredentials(emulator.AccessKeyId, emulator.SecretAccessKey, emulator.SessionToken);
}
