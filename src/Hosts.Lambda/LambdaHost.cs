using ChatBedrock.Hosting;
using ChatBedrock.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Hosts.Lambda;

/// <summary>
/// ChatBedrock as a Lambda custom runtime, composed: read the log level and the Runtime API address, build the
/// services from the <c>CHAT_*</c> settings and validate them (a failure goes to <c>/init/error</c> and the
/// process exits 1), then hand over to the <see cref="InvocationLoop"/>, which answers Function URL events
/// (<see cref="FunctionUrlInvocation"/>) and direct invocations (<see cref="DirectInvocation"/>).
/// </summary>
internal static partial class LambdaHost
{
    public const string ConfigurationInvalidType = "ConfigurationInvalid";
    public const string InitializationFailedType = "InitializationFailed";

    /// <summary>Runs the runtime until <paramref name="stoppingToken"/> fires or the Runtime API goes away; returns the exit code.</summary>
    public static async Task<int> RunAsync(LambdaHostOptions options, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var started = options.Time.GetTimestamp();
        LogLevel level;
        ChatConfigurationException? levelProblem = null;
        try
        {
            level = JsonLinesLoggerProvider.ParseLevel(options.Configuration["AWS_LAMBDA_LOG_LEVEL"]) ?? LogLevel.Information;
        }
        catch (ChatConfigurationException problem)
        {
            (level, levelProblem) = (LogLevel.Information, problem);
        }

        var logs = new JsonLinesLoggerProvider(options.Log, level, options.Time);
        using var bootLog = new LoggerFactory([logs]);
        var boot = bootLog.CreateLogger(typeof(LambdaHost).FullName!);

        RuntimeApiClient runtime;
        try
        {
            runtime = new RuntimeApiClient(options.Configuration["AWS_LAMBDA_RUNTIME_API"] ?? throw new ArgumentException("AWS_LAMBDA_RUNTIME_API is not set: this program runs inside AWS Lambda (or a Runtime API emulator)."));
        }
        catch (ArgumentException problem)
        {
            LogNoRuntimeApi(boot, problem.Message);
            return 2;
        }

        using (runtime)
        {
            ServiceProvider services;
            InvocationLoop loop;
            bool streaming;
            try
            {
                (services, loop, streaming) = Compose(runtime, logs, level, levelProblem, options);
            }
            catch (Exception problem)
            {
                var type = problem is ChatConfigurationException ? ConfigurationInvalidType : InitializationFailedType;
                LogInitFailed(boot, type, problem);
                try
                {
                    await runtime.ReportInitErrorAsync(new RuntimeError(type, problem.Message, []), stoppingToken).ConfigureAwait(false);
                }
                catch (Exception reportProblem) when (reportProblem is HttpRequestException or RuntimeApiException or OperationCanceledException)
                {
                    LogReportFailed(boot, reportProblem);
                }

                return 1;
            }

            await using (services.ConfigureAwait(false))
            {
                LogReady(boot, streaming ? "streaming" : "buffered", options.Time.GetElapsedTime(started).TotalMilliseconds);
                return await loop.RunAsync(stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The services, built from the settings and validated; throws what init must report.</summary>
    private static (ServiceProvider Services, InvocationLoop Loop, bool Streaming) Compose(
        RuntimeApiClient runtime, JsonLinesLoggerProvider logs, LogLevel level, ChatConfigurationException? levelProblem, LambdaHostOptions options)
    {
        if (levelProblem is not null)
        {
            throw levelProblem;
        }

        var settings = ChatBedrockSettings.Read(options.Configuration);
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.ClearProviders().SetMinimumLevel(level).AddProvider(logs));
        services.AddSingleton(options.Time);
        options.ConfigureServices?.Invoke(services);
        services.AddChatBedrock(settings);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        try
        {
            provider.ValidateChatBedrock();
            var handler = provider.GetRequiredService<ChatHttpHandler>();
            var loop = new InvocationLoop(
                runtime,
                new FunctionUrlInvocation(runtime, handler, settings.Streaming, provider.GetRequiredService<ILogger<FunctionUrlInvocation>>()),
                new DirectInvocation(runtime, handler),
                logs,
                options,
                provider.GetRequiredService<ILogger<InvocationLoop>>());
            return (provider, loop, settings.Streaming);
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    /// <summary>Logs that an error could not be reported to the Runtime API (at init, or for an invocation).</summary>
    [LoggerMessage(6, LogLevel.Error, "An error could not be reported to the Runtime API")]
    internal static partial void LogReportFailed(ILogger logger, Exception exception);

    [LoggerMessage(1, LogLevel.Information, "Ready in {InitMilliseconds} ms ({Mode} responses)")]
    private static partial void LogReady(ILogger logger, string mode, double initMilliseconds);

    [LoggerMessage(5, LogLevel.Critical, "Initialization failed ({ErrorType})")]
    private static partial void LogInitFailed(ILogger logger, string errorType, Exception exception);

    [LoggerMessage(7, LogLevel.Critical, "{Problem}")]
    private static partial void LogNoRuntimeApi(ILogger logger, string problem);
}
