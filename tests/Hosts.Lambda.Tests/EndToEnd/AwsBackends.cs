using ChatBedrock.Testing.Lambda;

[assembly: AssemblyFixture(typeof(ChatBedrock.Hosts.Lambda.Tests.EndToEnd.AwsBackends))]

namespace ChatBedrock.Hosts.Lambda.Tests.EndToEnd;

/// <summary>
/// One <see cref="LambdaTestBed"/> (dynalite and its tables) for the whole test assembly; tests keep apart by
/// fresh session ids and their own Bedrock emulator. The AWS SDK reads credentials from the process
/// environment, so in-process hosts get the test bed's there, set once for the assembly.
/// </summary>
public sealed class AwsBackends : IAsyncLifetime
{
    public LambdaTestBed TestBed { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        TestBed = await LambdaTestBed.StartAsync(TestContext.Current.CancellationToken);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", LambdaTestBed.AccessKeyId);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", TestBed.SecretAccessKey);

        // A developer's own session token or Bedrock API key would otherwise win over the test bed's credentials.
        Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", null);
        Environment.SetEnvironmentVariable("AWS_BEARER_TOKEN_BEDROCK", null);
    }

    public ValueTask DisposeAsync() => TestBed?.DisposeAsync() ?? ValueTask.CompletedTask;
}
