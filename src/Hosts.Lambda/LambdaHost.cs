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
        using var metrics = EmbeddedMetrics.Start(logs, options.Time);
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
            bool streaming;
            try
            {
                (services, streaming) = Validate(logs, level, levelProblem, options);
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
                // The host's own loggers come from the boot factory: the container's logging (about 1 ms of first resolution
                // in AOT) is first needed by the composition, after the first /next.
                using var warmUps = new WarmUps(bootLog.CreateLogger<WarmUps>(), options.Time);
                var warmingUp = warmUps.RunAfterAsync(runtime.FirstNextSent, runtime.FirstEventReceived, services);
                var handlers = ComposeAfterFirstNextAsync(runtime, services, streaming);
                var loop = new InvocationLoop(runtime, handlers, logs, options, bootLog.CreateLogger<InvocationLoop>());
                LogReady(boot, streaming ? "streaming" : "buffered", options.Time.GetElapsedTime(started).TotalMilliseconds);
                var exitCode = await loop.RunAsync(stoppingToken).ConfigureAwait(false);
                if (runtime.FirstNextSent.IsCompleted)
                {
                    // Not disposing the services while they are being resolved or used.
                    warmUps.Cancel();
                    await Task.WhenAll(Task.WhenAny(handlers), warmingUp).ConfigureAwait(false);
                }

                return exitCode;
            }
        }
    }

    /// <summary>
    /// What must be known before the first <c>/next</c>: the settings read and every option validated, so a bad
    /// setting is still an init error naming it. Cheap: the container is built without constructing any service.
    /// </summary>
    private static (ServiceProvider Services, bool Streaming) Validate(
        JsonLinesLoggerProvider logs, LogLevel level, ChatConfigurationException? levelProblem, LambdaHostOptions options)
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

        // ValidateOnBuild would build every service's call site now (most of init, docs/benchmarks.md); the
        // graph is proven by a test instead (CompositionTests).
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        try
        {
            provider.ValidateChatBedrock();
            return (provider, settings.Streaming);
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Builds what answers events — the HTTP surface, the use case, the store's and the model's clients — once the
    /// first <c>/next</c> is on the wire, so none of it delays it: on a cold start it runs while the event travels.
    /// </summary>
    private static async Task<InvocationHandlers> ComposeAfterFirstNextAsync(RuntimeApiClient runtime, ServiceProvider services, bool streaming)
    {
        await runtime.FirstNextSent.ConfigureAwait(false);
        var handler = services.GetRequiredService<ChatHttpHandler>();
        return new InvocationHandlers(
            new FunctionUrlInvocation(runtime, handler, streaming, services.GetRequiredService<ILogger<FunctionUrlInvocation>>()),
            new DirectInvocation(runtime, handler));
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
