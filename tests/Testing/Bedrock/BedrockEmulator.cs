using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Testing.Bedrock;

/// <summary>Settings of a <see cref="BedrockEmulator"/>.</summary>
public sealed record BedrockEmulatorOptions
{
    /// <summary>The only region SigV4 credential scopes may name.</summary>
    public string Region { get; init; } = "us-east-1";

    public string AccessKeyId { get; init; } = "AKIAEMULATOR00000001";

    public string SecretAccessKey { get; init; } = "emulator/secret+key/" + Guid.NewGuid().ToString("N");

    /// <summary>When set, SigV4 requests must send and sign this X-Amz-Security-Token (temporary credentials).</summary>
    public string? SessionToken { get; init; }

    /// <summary>The Bedrock API key accepted as <c>Authorization: Bearer</c>.</summary>
    public string ApiKey { get; init; } = "ABSKemulator" + Guid.NewGuid().ToString("N");

    /// <summary>The highest maxTokens accepted, as a model's limit.</summary>
    public int MaxTokensLimit { get; init; } = 4096;

    /// <summary>The clock of the prompt cache's lifetimes (5 minutes, or 1 hour): a fake one lets a test let entries expire.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Models with prompt caching (model id prefix, without inference profile prefix) and their minimum tokens
    /// (here: words) per cache checkpoint; cache points for other models are rejected as Bedrock does.
    /// </summary>
    public IReadOnlyDictionary<string, int> PromptCacheModels { get; init; } = new Dictionary<string, int>
    {
        ["anthropic.claude-3-5-haiku-"] = 2048,
        ["anthropic.claude-3-7-sonnet-"] = 1024,
        ["anthropic.claude-sonnet-4-"] = 1024,
        ["anthropic.claude-haiku-4-5-"] = 4096,
        ["amazon.nova-"] = 1000,
    };

    /// <summary>The guardrails requests may name in guardrailConfig.</summary>
    public IReadOnlyList<BedrockEmulatorGuardrail> Guardrails { get; init; } = [];
}

/// <summary>
/// A local Bedrock Runtime on 127.0.0.1 (Kestrel, a free port) for tests: Converse and ConverseStream with
/// SigV4 (verified by its own implementation) or bearer authentication, request validation, real response
/// JSON and event-stream frames (CRCs, "p" padding), scripted answers and injected faults. Without a script
/// it answers "You said: …" one word per token, honouring maxTokens.
/// </summary>
public sealed class BedrockEmulator : IAsyncDisposable
{
    private const string Padding = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan SplitPause = TimeSpan.FromMilliseconds(15);

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<BedrockReply> _script = new();
    private readonly ConcurrentQueue<BedrockEmulatorRequest> _requests = new();
    private readonly ConcurrentQueue<string> _rejections = new();
    private readonly EmulatedPromptCache _cache;

    private BedrockEmulator(WebApplication app, BedrockEmulatorOptions options)
    {
        _app = app;
        Options = options;
        _cache = new EmulatedPromptCache(options);
    }

    public BedrockEmulatorOptions Options { get; }

    /// <summary>The base URL, e.g. http://127.0.0.1:41234/ (for AWS_ENDPOINT_URL_BEDROCK_RUNTIME).</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Every accepted request, in arrival order.</summary>
    public IReadOnlyCollection<BedrockEmulatorRequest> Requests => _requests;

    /// <summary>Why requests were rejected before being accepted (authentication, validation), in order.</summary>
    public IReadOnlyCollection<string> Rejections => _rejections;

    public static async Task<BedrockEmulator> StartAsync(BedrockEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var emulator = new BedrockEmulator(app, options ?? new BedrockEmulatorOptions());
        app.Run(emulator.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        emulator.Endpoint = new Uri(address.TrimEnd('/') + "/");
        return emulator;
    }

    /// <summary>The next <paramref name="times"/> requests get <paramref name="reply"/>.</summary>
    public BedrockEmulator Enqueue(BedrockReply reply, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            _script.Enqueue(reply);
        }

        return this;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        var token = aborted.Token;
        var body = await ReadBodyAsync(context.Request, token).ConfigureAwait(false);
        var rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        var segments = rawTarget.Split('?')[0].Split('/');
        if (context.Request.Method != "POST" || segments is not ["", "model", { Length: > 0 } encodedModelId, "converse" or "converse-stream"])
        {
            await RejectAsync(context, 404, "UnknownOperationException", $"No operation at {context.Request.Method} {rawTarget}.", token).ConfigureAwait(false);
            return;
        }

        var operation = segments[3];
        var (authentication, problem) = Authenticate(context.Request, rawTarget, body);
        if (problem is not null)
        {
            await RejectAsync(context, 403, problem.Value.Type, problem.Value.Message, token).ConfigureAwait(false);
            return;
        }

        JsonElement json;
        try
        {
            json = JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException e)
        {
            await RejectAsync(context, 400, "ValidationException", $"Malformed input request: {e.Message}", token).ConfigureAwait(false);
            return;
        }

        var modelId = Uri.UnescapeDataString(encodedModelId);
        if (Validate(json, operation == "converse-stream", modelId) is { } invalid)
        {
            await RejectAsync(context, 400, "ValidationException", invalid, token).ConfigureAwait(false);
            return;
        }

        var credential = SigV4Verifier.ParseAuthorization(context.Request.Headers.Authorization);
        _requests.Enqueue(new BedrockEmulatorRequest(operation, modelId, rawTarget, authentication,
            credential?.Region, Header(context.Request, "x-amz-security-token"), json));

        var reply = _script.TryDequeue(out var scripted) ? scripted : DefaultReply(json);
        if (EmulatedGuardrail.Find(json, Options.Guardrails) is { } guardrail && reply.ErrorType is null)
        {
            // An intervention answers with the guardrail's message instead of (input) or in place of (output) the model's.
            reply = EmulatedGuardrail.BlocksInput(json, guardrail) ? Blocked(reply, guardrail.BlockedInputMessaging)
                : EmulatedGuardrail.Triggers(string.Concat(reply.Deltas), guardrail) ? Blocked(reply, guardrail.BlockedOutputsMessaging)
                : reply;
        }

        await Task.Delay(reply.LatencyBeforeFirstByte, token).ConfigureAwait(false);
        if (reply.HangBeforeResponse)
        {
            await Task.Delay(Timeout.Infinite, token).ConfigureAwait(false);
        }

        if (reply.ErrorType is not null)
        {
            if (reply.RetryAfter is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await WriteErrorAsync(context, reply.ErrorStatus ?? 400, reply.ErrorType, reply.ErrorMessage ?? "", token).ConfigureAwait(false);
            return;
        }

        var (deltas, stopReason) = Truncate(reply, json.GetProperty("inferenceConfig").GetProperty("maxTokens").GetInt32());
        var cache = _cache.Account(json, modelId);
        var usage = Usage(Math.Max(0, (reply.InputTokens ?? Math.Max(1, CountWords(json))) - (cache?.Read ?? 0) - (cache?.Written ?? 0)), deltas.Count, cache);
        if (operation == "converse")
        {
            await WriteConverseAsync(context, deltas, stopReason, usage, token).ConfigureAwait(false);
        }
        else
        {
            await WriteConverseStreamAsync(context, reply, deltas, stopReason, usage, token).ConfigureAwait(false);
        }
    }

    private static BedrockReply Blocked(BedrockReply reply, string message) => reply with
    {
        Deltas = message.Split(' ').Select((w, i) => i == 0 ? w : " " + w).ToArray(),
        StopReason = "guardrail_intervened",
    };

    private (string Authentication, (string Type, string Message)? Problem) Authenticate(HttpRequest request, string rawTarget, byte[] body)
    {
        string authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return ("Bearer", authorization["Bearer ".Length..] == Options.ApiKey
                ? null
                : ("UnrecognizedClientException", "The API key is invalid."));
        }

        var credential = SigV4Verifier.ParseAuthorization(authorization);
        if (credential is null)
        {
            return ("SigV4", ("MissingAuthenticationTokenException", "Missing Authentication Token"));
        }

        if (credential.AccessKeyId != Options.AccessKeyId)
        {
            return ("SigV4", ("UnrecognizedClientException", "The security token included in the request is invalid."));
        }

        var amzDate = Header(request, "x-amz-date");
        if (SigV4Verifier.ParseAmzDate(amzDate) is not { } signedAt || !credential.SignedHeaders.Contains("x-amz-date")
            || !credential.SignedHeaders.Contains("host") || amzDate![..8] != credential.Date)
        {
            return ("SigV4", ("IncompleteSignatureException", "The request must sign host and X-Amz-Date, and the scope date must match."));
        }

        if ((DateTimeOffset.UtcNow - signedAt).Duration() > MaxClockSkew)
        {
            return ("SigV4", ("InvalidSignatureException", $"Signature expired: {amzDate} is more than 15 minutes from now."));
        }

        if (credential.Region != Options.Region || credential.Service != "bedrock")
        {
            return ("SigV4", ("InvalidSignatureException",
                $"Credential should be scoped to a valid region and service: expected {Options.Region}/bedrock, got {credential.Region}/{credential.Service}."));
        }

        var sessionToken = Header(request, "x-amz-security-token");
        if (sessionToken != Options.SessionToken || (sessionToken is not null && !credential.SignedHeaders.Contains("x-amz-security-token")))
        {
            return ("SigV4", ("UnrecognizedClientException", "The security token included in the request is invalid."));
        }

        var canonical = SigV4Verifier.CanonicalRequest(request.Method, rawTarget, credential.SignedHeaders, name => Header(request, name), body);
        var expected = SigV4Verifier.Sign(Options.SecretAccessKey, amzDate, credential.Region, credential.Service, canonical);
        return ("SigV4", expected == credential.Signature
            ? null
            : ("InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."));
    }

    private string? Validate(JsonElement json, bool streaming, string modelId)
    {
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("messages", out var messages)
            || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            return "messages must be a non-empty array.";
        }

        var expectedRole = "user";
        foreach (var message in messages.EnumerateArray())
        {
            var role = message.TryGetProperty("role", out var r) ? r.GetString() : null;
            if (role != expectedRole)
            {
                return "A conversation must start with a user message and alternate between user and assistant roles. Try again with a conversation that alternates.";
            }

            expectedRole = role == "user" ? "assistant" : "user";
            if (!message.TryGetProperty("content", out var content) || content.GetArrayLength() == 0
                || content.EnumerateArray().Any(c => c.EnumerateObject().Count() != 1
                    || (!c.TryGetProperty("cachePoint", out _) && string.IsNullOrWhiteSpace(BlockText(c)))))
            {
                return "The text field in the ContentBlock object is blank. Add text to the text field, and try again.";
            }
        }

        if ((_cache.Validate(json, modelId) ?? EmulatedGuardrail.Validate(json, streaming, Options.Guardrails)) is { } unsupported)
        {
            return unsupported;
        }

        // API reference PerformanceConfiguration (latency: standard | optimized) and ServiceTier (type: priority | default | flex | reserved).
        if (json.TryGetProperty("performanceConfig", out var performance)
            && (!performance.TryGetProperty("latency", out var latency) || latency.GetString() is not ("standard" or "optimized")))
        {
            return "performanceConfig.latency must be one of standard, optimized.";
        }

        if (json.TryGetProperty("serviceTier", out var tier)
            && (!tier.TryGetProperty("type", out var type) || type.GetString() is not ("priority" or "default" or "flex" or "reserved")))
        {
            return "serviceTier.type must be one of priority, default, flex, reserved.";
        }

        if (!json.TryGetProperty("inferenceConfig", out var config) || !config.TryGetProperty("maxTokens", out var maxTokens)
            || maxTokens.GetInt32() < 1 || maxTokens.GetInt32() > Options.MaxTokensLimit)
        {
            return $"The maximum tokens you requested exceeds the model limit of {Options.MaxTokensLimit}, or is missing.";
        }

        if (config.TryGetProperty("temperature", out var temperature) && temperature.GetDouble() is < 0 or > 1)
        {
            return "temperature: must be between 0 and 1.";
        }

        if (config.TryGetProperty("stopSequences", out var stops) && stops.GetArrayLength() > 4)
        {
            return "stopSequences: at most 4 are allowed.";
        }

        return json.TryGetProperty("additionalModelRequestFields", out var extra) && extra.ValueKind != JsonValueKind.Object
            ? "additionalModelRequestFields must be an object."
            : null;
    }

    /// <summary>The text of a text or guardContent block; null for others (cache points).</summary>
    internal static string? BlockText(JsonElement block) =>
        block.TryGetProperty("text", out var text) ? text.GetString()
        : block.TryGetProperty("guardContent", out var guarded) && guarded.TryGetProperty("text", out var inner) && inner.TryGetProperty("text", out var t) ? t.GetString()
        : null;

    /// <summary>The emulator's tokens: words.</summary>
    internal static int Words(string? text) => (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    private static BedrockReply DefaultReply(JsonElement json)
    {
        var last = json.GetProperty("messages").EnumerateArray().Last().GetProperty("content").EnumerateArray()
            .Select(BlockText).OfType<string>();
        var words = ("You said: " + string.Join(' ', last)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return BedrockReply.Text(words.Select((w, i) => i == 0 ? w : " " + w).ToArray());
    }

    private static (IReadOnlyList<string> Deltas, string StopReason) Truncate(BedrockReply reply, int maxTokens) =>
        reply.Deltas.Count > maxTokens ? (reply.Deltas.Take(maxTokens).ToList(), "max_tokens") : (reply.Deltas, reply.StopReason);

    private static int CountWords(JsonElement json)
    {
        var texts = json.GetProperty("messages").EnumerateArray().SelectMany(m => m.GetProperty("content").EnumerateArray());
        if (json.TryGetProperty("system", out var system))
        {
            texts = texts.Concat(system.EnumerateArray());
        }

        return texts.Sum(c => Words(BlockText(c)));
    }

    private static async Task WriteConverseAsync(HttpContext context, IReadOnlyList<string> deltas, string stopReason, JsonObject usage, CancellationToken token)
    {
        var body = new JsonObject
        {
            ["output"] = new JsonObject { ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = new JsonArray(new JsonObject { ["text"] = string.Concat(deltas) }) } },
            ["stopReason"] = stopReason,
            ["usage"] = usage,
            ["metrics"] = new JsonObject { ["latencyMs"] = 42 },
        };
        context.Response.ContentType = "application/json";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await context.Response.WriteAsync(body.ToJsonString(), token).ConfigureAwait(false);
    }

    private static async Task WriteConverseStreamAsync(
        HttpContext context, BedrockReply reply, IReadOnlyList<string> deltas, string stopReason, JsonObject usage, CancellationToken token)
    {
        var response = context.Response;
        response.ContentType = "application/vnd.amazon.eventstream";
        response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await response.StartAsync(token).ConfigureAwait(false);

        await WriteFrameAsync(Event("messageStart", new JsonObject { ["role"] = "assistant" })).ConfigureAwait(false);
        if (reply.IncludeUnknownEvents)
        {
            await WriteFrameAsync(Event("contentBlockStart", new JsonObject { ["contentBlockIndex"] = 0, ["start"] = new JsonObject() })).ConfigureAwait(false);
            await WriteFrameAsync(Event("someFutureEvent", new JsonObject { ["surprise"] = true })).ConfigureAwait(false);
            await WriteFrameAsync(EventStreamFrames.Encode(
                [(":event-type", "contentBlockDelta"), (":content-type", "application/json"), (":message-type", "event")],
                Encoding.UTF8.GetBytes("""{"contentBlockIndex":0,"delta":{"text":""},"futureField":{"nested":[1,2]}}"""),
                EventStreamFrames.OtherTypedHeaders())).ConfigureAwait(false);
        }

        for (var i = 0; i < deltas.Count; i++)
        {
            if (i > 0)
            {
                await Task.Delay(reply.DelayBetweenDeltas, token).ConfigureAwait(false);
            }

            await WriteFrameAsync(Delta(deltas[i])).ConfigureAwait(false);
            if (i == 0 && reply.ResumeAfterFirstDelta is { } resume)
            {
                await resume.WaitAsync(token).ConfigureAwait(false);
            }
        }

        if (reply.StreamExceptionType is { } exceptionType)
        {
            await WriteFrameAsync(EventStreamFrames.Exception(exceptionType, $"The model stream failed ({exceptionType}).")).ConfigureAwait(false);
            return;
        }

        if (reply.CorruptFrameAfterDeltas)
        {
            var corrupt = Delta("corrupt");
            corrupt[^1] ^= 0xFF;
            await WriteFrameAsync(corrupt).ConfigureAwait(false);
            return;
        }

        if (reply.HangAfterDeltas)
        {
            await Task.Delay(Timeout.Infinite, token).ConfigureAwait(false);
        }

        if (reply.EndAbruptlyAfterDeltas)
        {
            return;
        }

        await WriteFrameAsync(Event("contentBlockStop", new JsonObject { ["contentBlockIndex"] = 0 })).ConfigureAwait(false);
        await WriteFrameAsync(Event("messageStop", new JsonObject { ["stopReason"] = stopReason })).ConfigureAwait(false);
        await WriteFrameAsync(Event("metadata", new JsonObject { ["usage"] = usage, ["metrics"] = new JsonObject { ["latencyMs"] = 42 } })).ConfigureAwait(false);

        async Task WriteFrameAsync(byte[] frame)
        {
            if (!reply.SplitFrames)
            {
                await response.Body.WriteAsync(frame, token).ConfigureAwait(false);
                await response.Body.FlushAsync(token).ConfigureAwait(false);
                return;
            }

            // Inside the prelude, then inside the payload: a reader must reassemble both.
            int[] cuts = [0, 5, Math.Max(6, frame.Length - 7), frame.Length];
            for (var i = 0; i < cuts.Length - 1; i++)
            {
                await response.Body.WriteAsync(frame.AsMemory(cuts[i], cuts[i + 1] - cuts[i]), token).ConfigureAwait(false);
                await response.Body.FlushAsync(token).ConfigureAwait(false);
                await Task.Delay(SplitPause, token).ConfigureAwait(false);
            }
        }
    }

    private static byte[] Delta(string text) =>
        Event("contentBlockDelta", new JsonObject { ["contentBlockIndex"] = 0, ["delta"] = new JsonObject { ["text"] = text } });

    /// <summary>An event frame whose JSON ends with AWS's random-length "p" padding field.</summary>
    private static byte[] Event(string type, JsonObject payload)
    {
#pragma warning disable CA5394 // Padding length needs no cryptographic randomness.
        payload["p"] = Padding[..Random.Shared.Next(1, Padding.Length)];
#pragma warning restore CA5394
        return EventStreamFrames.Event(type, payload.ToJsonString());
    }

    /// <summary>API reference TokenUsage: with cache points, inputTokens excludes the cache read and write tokens, totalTokens includes them.</summary>
    private static JsonObject Usage(int input, int output, (int Read, int Written)? cache)
    {
        var usage = new JsonObject { ["inputTokens"] = input, ["outputTokens"] = output, ["totalTokens"] = input + output + (cache?.Read ?? 0) + (cache?.Written ?? 0) };
        if (cache is { } c)
        {
            usage["cacheReadInputTokens"] = c.Read;
            usage["cacheWriteInputTokens"] = c.Written;
        }

        return usage;
    }

    private async Task RejectAsync(HttpContext context, int status, string type, string message, CancellationToken token)
    {
        _rejections.Enqueue($"{type}: {message}");
        await WriteErrorAsync(context, status, type, message, token).ConfigureAwait(false);
    }

    private static async Task WriteErrorAsync(HttpContext context, int status, string type, string message, CancellationToken token)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["x-amzn-ErrorType"] = $"{type}:http://internal.amazon.com/coral/com.amazon.bedrock/";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await context.Response.WriteAsync(new JsonObject { ["message"] = message }.ToJsonString(), token).ConfigureAwait(false);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken token)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, token).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static string? Header(HttpRequest request, string name) =>
        name == "host" ? request.Host.Value : request.Headers.TryGetValue(name, out var values) ? string.Join(',', values.ToArray()) : null;
}
