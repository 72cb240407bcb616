using ChatBedrock.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ChatBedrock.Http.AspNetCore;

/// <summary>
/// Serves a request through the shared HTTP surface: the request becomes a <see cref="ChatHttpRequest"/>
/// (raw path and query as sent, the body up to one byte past the limit so the surface can answer 413), and
/// the answer is written straight to the server, each chunk flushed so Server-Sent Events arrive as they happen.
/// </summary>
internal sealed class AspNetCoreChatEndpoint(ChatHttpHandler handler)
{
    private const int ReadChunkBytes = 16 * 1024;

    public async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var response = new AspNetCoreResponse(context.Response);
        try
        {
            ChatHttpRequest request;
            try
            {
                request = await ReadAsync(context, handler.MaxRequestBodyBytes + 1, cancellationToken).ConfigureAwait(false);
            }
            catch (BadHttpRequestException problem)
            {
                // e.g. a malformed chunked body: answered through the surface's error mapping like any bad request,
                // with what was read (the headers carry Origin, so the answer keeps its CORS headers).
                var malformed = new ChatException(ChatErrorCode.RequestInvalid, "The request body could not be read.", problem);
                await handler.HandleUnreadableAsync(context.Request.Method, Target(context).Path, Headers(context), malformed, response, cancellationToken).ConfigureAwait(false);
                return;
            }

            await handler.HandleAsync(request, response, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away (the page's Stop button, a closed tab): nobody is left to answer.
        }
    }

    private static async Task<ChatHttpRequest> ReadAsync(HttpContext context, int maxBodyBytes, CancellationToken cancellationToken)
    {
        var (path, query) = Target(context);
        var body = await ReadBodyAsync(context.Request.Body, maxBodyBytes, cancellationToken).ConfigureAwait(false);
        return new ChatHttpRequest(context.Request.Method, path, query, Headers(context), body) { ClientAborted = context.RequestAborted };
    }

    private static IEnumerable<KeyValuePair<string, string>> Headers(HttpContext context) =>
        context.Request.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString()));

    /// <summary>The path and query as the client sent them (still percent-encoded), as the surface expects.</summary>
    private static (string Path, string Query) Target(HttpContext context)
    {
        if (context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw && raw[0] == '/')
        {
            var question = raw.IndexOf('?', StringComparison.Ordinal);
            return question < 0 ? (raw, string.Empty) : (raw[..question], raw[(question + 1)..]);
        }

        // Absolute-form ("http://host/path") or "*": ASP.NET Core's decoded path, encoded again.
        var request = context.Request;
        return ((request.PathBase + request.Path).ToUriComponent(), request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty);
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(Stream body, int maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[ReadChunkBytes];
        int read;
        while (buffer.Length < maxBytes
            && (read = await body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, maxBytes - buffer.Length)), cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private sealed class AspNetCoreResponse(HttpResponse response) : IChatHttpResponse
    {
        public ValueTask StartAsync(int statusCode, IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
        {
            response.StatusCode = statusCode;
            foreach (var (name, value) in headers)
            {
                response.Headers.Append(name, value);
            }

            return new ValueTask(response.StartAsync(cancellationToken));
        }

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken) =>
            // PipeWriter.WriteAsync flushes: the client sees the chunk at once.
            await response.BodyWriter.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
    }
}
