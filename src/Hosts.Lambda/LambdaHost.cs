using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ChatBedrock.Domain;
using ChatBedrock.Hosting;
using ChatBedrock.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Hosts.Lambda;

/// <summary>What <see cref="LambdaHost.RunAsync"/> needs beyond the environment; tests replace the defaults.</summary>
internal sealed record LambdaHostOptions
{
    /// <summary>The environment: <c>AWS_LAMBDA_RUNTIME_API</c>, the <c>CHAT_*</c> settings, <c>AWS_LAMBDA_LOG_LEVEL</c>.</summary>
    public required IConfiguration Configuration { get; init; }

    /// <summary>
    /// Where the JSON log lines go. By default standard output through a 64 KiB buffer flushed once per line:
    /// <c>Console.Out</c> would split a line into 256-byte writes, and a process frozen or ended between two
    /// of them leaves a line that is not JSON.
    /// </summary>
    public TextWriter Log { get; init; } = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 64 * 1024);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How long before Lambda's deadline the model call is cancelled, leaving time to answer 504.</summary>
    public TimeSpan DeadlineMargin { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Registers services before the configured ones, which then give way to them (a test's fake model).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}

/// <summary>
/// ChatBedrock as a Lambda custom runtime: initialise once (a failure goes to <c>/init/error</c> and the
/// process exits 1), then take events from the Runtime API one at a time, forever. Function URL events go
/// through the shared HTTP surface and are answered buffered, or streamed when <c>CHAT_STREAMING=true</c>;
/// direct invocations (the seed's <c>{"input_text", "session_id"}</c>) are answered with the JSON reply or
/// an invocation error. No failure of one invocation ends the loop.
/// </summary>
internal sealed partial class LambdaHost : IAsyncDisposable
{
    public const string ConfigurationInvalidType = "ConfigurationInvalid";
    public const string InitializationFailedType = "InitializationFailed";

    private readonly RuntimeApiClient _runtime;
    private readonly ServiceProvider _services;
    private readonly ChatHttpHandler _handler;
    private readonly JsonLinesLoggerProvider _logs;
    private readonly ILogger<LambdaHost> _logger;
    private readonly LambdaHostOptions _options;
    private readonly bool _streaming;

    private LambdaHost(RuntimeApiClient runtime, ServiceProvider services, JsonLinesLoggerProvider logs, LambdaHostOptions options, bool streaming)
    {
        _runtime = runtime;
        _services = services;
        _logs = logs;
        _options = options;
        _streaming = streaming;
        _handler = services.GetRequiredService<ChatHttpHandler>();
        _logger = services.GetRequiredService<ILogger<LambdaHost>>();
    }

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
        var boot = bootLog.CreateLogger<LambdaHost>();

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
            LambdaHost host;
            try
            {
                host = Create(runtime, logs, level, levelProblem, options);
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

            await using (host.ConfigureAwait(false))
            {
                host.LogReady(host._streaming ? "streaming" : "buffered", options.Time.GetElapsedTime(started).TotalMilliseconds);
                return await host.LoopAsync(stoppingToken).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync().ConfigureAwait(false);

    private static LambdaHost Create(
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
            return new LambdaHost(runtime, provider, logs, options, settings.Streaming);
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    private async Task<int> LoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Invocation invocation;
            try
            {
                invocation = await _runtime.NextAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception problem) when (problem is HttpRequestException or RuntimeApiException)
            {
                // Without the Runtime API no event can come: exit, and Lambda starts a new environment.
                LogNextFailed(problem);
                return 1;
            }

            await InvokeAsync(invocation, stoppingToken).ConfigureAwait(false);
        }

        return 0;
    }

    private async Task InvokeAsync(Invocation invocation, CancellationToken stoppingToken)
    {
        _logs.RequestId = invocation.RequestId;
        Environment.SetEnvironmentVariable("_X_AMZN_TRACE_ID", invocation.TraceId);
        var started = _options.Time.GetTimestamp();
        using var deadline = DeadlineSource(invocation, stoppingToken);
        var answered = false;
        try
        {
            var isHttp = LambdaEvents.IsHttpEvent(invocation.Payload);
            answered = isHttp
                ? await AnswerHttpEventAsync(invocation, deadline.Token).ConfigureAwait(false)
                : await AnswerDirectInvocationAsync(invocation, deadline.Token).ConfigureAwait(false);
            LogInvoked(isHttp ? "function-url" : "direct", _options.Time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception problem)
        {
            LogInvocationFailed(problem);
            if (!answered)
            {
                // A cancellation the deadline caused is a timeout, not an internal error.
                await ReportAsync(invocation.RequestId, ChatHttpError.From(problem, deadline.Token)).ConfigureAwait(false);
            }
        }
        finally
        {
            _logs.RequestId = null;
        }
    }

    /// <returns>True once something reached the client (an invocation error can no longer be reported).</returns>
    private async Task<bool> AnswerHttpEventAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        ChatHttpRequest? request = null;
        ChatException? malformed = null;
        try
        {
            request = LambdaEvents.FromFunctionUrl(invocation.Payload);
        }
        catch (ChatException problem)
        {
            malformed = problem;
        }

        if (!_streaming)
        {
            var buffered = new BufferedResponse();
            await HandleAsync(request, malformed, invocation, buffered, cancellationToken).ConfigureAwait(false);
            var payload = JsonSerializer.SerializeToUtf8Bytes(buffered.ToFunctionUrlResponse(), LambdaJsonContext.Default.FunctionUrlResponse);
            await _runtime.RespondAsync(invocation.RequestId, payload, CancellationToken.None).ConfigureAwait(false);
            return true;
        }

        var stream = _runtime.StreamResponse(invocation.RequestId);
        await using (stream.ConfigureAwait(false))
        {
            ChatHttpError? error;
            try
            {
                error = await HandleAsync(request, malformed, invocation, stream, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception problem) when (stream.StatusCode is not null)
            {
                // The status is gone already: the failure can only travel in the trailers.
                LogInvocationFailed(problem);
                await stream.CompleteAsync(Trailer(ChatHttpError.From(problem, cancellationToken)), CancellationToken.None).ConfigureAwait(false);
                return true;
            }

            // An error after a 2xx start (an event stream's error event) is reported in the trailers too.
            var failedMidStream = error is not null && stream.StatusCode is >= 200 and < 300;
            await stream.CompleteAsync(failedMidStream ? Trailer(error!) : null, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
    }

    private async Task<bool> AnswerDirectInvocationAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var response = new BufferedResponse();
        var error = await _handler.HandleAsync(LambdaEvents.FromDirectInvocation(invocation.Payload), response, cancellationToken).ConfigureAwait(false);
        if (error is null)
        {
            await _runtime.RespondAsync(invocation.RequestId, response.Body, CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            await _runtime.ReportInvocationErrorAsync(invocation.RequestId, Trailer(error), CancellationToken.None).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Answers the request, or, for an event that could not be read, its error with what could be read of it (its Origin too).</summary>
    private async Task<ChatHttpError?> HandleAsync(ChatHttpRequest? request, ChatException? malformed, Invocation invocation, IChatHttpResponse response, CancellationToken cancellationToken)
    {
        if (request is not null)
        {
            return await _handler.HandleAsync(request, response, cancellationToken).ConfigureAwait(false);
        }

        var (method, path, headers) = LambdaEvents.ReadableParts(invocation.Payload);
        return await _handler.HandleUnreadableAsync(method, path, headers, malformed!, response, cancellationToken).ConfigureAwait(false);
    }

    private async Task ReportAsync(string requestId, ChatHttpError error)
    {
        try
        {
            await _runtime.ReportInvocationErrorAsync(requestId, Trailer(error), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception problem) when (problem is HttpRequestException or RuntimeApiException)
        {
            LogReportFailed(_logger, problem);
        }
    }

    private static RuntimeError Trailer(ChatHttpError error) => new(error.Type, error.Message, []);

    private CancellationTokenSource DeadlineSource(Invocation invocation, CancellationToken stoppingToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        if (invocation.Deadline is { } deadline)
        {
            var remaining = deadline - _options.Time.GetUtcNow() - _options.DeadlineMargin;
            source.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        }

        return source;
    }

    [LoggerMessage(1, LogLevel.Information, "Ready in {InitMilliseconds} ms ({Mode} responses)")]
    private partial void LogReady(string mode, double initMilliseconds);

    [LoggerMessage(2, LogLevel.Information, "Invocation ({Kind}) done in {ElapsedMilliseconds} ms")]
    private partial void LogInvoked(string kind, double elapsedMilliseconds);

    [LoggerMessage(3, LogLevel.Error, "Invocation failed in the host")]
    private partial void LogInvocationFailed(Exception exception);

    [LoggerMessage(4, LogLevel.Critical, "The Runtime API's next event could not be read; exiting")]
    private partial void LogNextFailed(Exception exception);

    [LoggerMessage(5, LogLevel.Critical, "Initialization failed ({ErrorType})")]
    private static partial void LogInitFailed(ILogger logger, string errorType, Exception exception);

    [LoggerMessage(6, LogLevel.Error, "An error could not be reported to the Runtime API")]
    private static partial void LogReportFailed(ILogger logger, Exception exception);

    [LoggerMessage(7, LogLevel.Critical, "{Problem}")]
    private static partial void LogNoRuntimeApi(ILogger logger, string problem);
}
