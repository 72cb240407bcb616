using System.Text.Json;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Http.Endpoints;

/// <summary>
/// <c>POST /sessions/import</c> with an exported chat (<c>{"format": "chatbedrock.chat", "version": 1, "messages":
/// [{"role", "content", "interrupted"?}]}</c>, the shape of <c>GET /sessions/{id}/messages</c> plus the format):
/// 201 with the new session's id. Other properties (the exported <c>session_id</c>, a title) are ignored.
/// </summary>
internal sealed class SessionImportEndpoint(ImportConversation import, IOptions<ChatHttpOptions> options) : IChatEndpoint
{
    /// <summary>The export format this version writes and reads.</summary>
    public const string Format = "chatbedrock.chat";

    public const int Version = 1;

    private readonly int _maxBodyBytes = options.Value.MaxRequestBodyBytes;

    public async Task<ChatHttpError?> HandleAsync(ChatEndpointContext context)
    {
        SessionId sessionId;
        try
        {
            var body = Read(context.Request);
            var messages = body.Messages!.Select(m => new ImportedMessage(m?.Role, m?.Content, m?.Interrupted == true)).ToList();
            sessionId = await import.ExecuteAsync(messages, context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            return await context.WriteErrorAsync(exception).ConfigureAwait(false);
        }

        return await context.WriteJsonAsync(201, ChatJsonContext.Serialize(new StartEventBody(sessionId.Value), c => c.StartEventBody)).ConfigureAwait(false);
    }

    private ImportBody Read(ChatHttpRequest request)
    {
        if (request.Body.Length > _maxBodyBytes)
        {
            throw new ChatException(ChatErrorCode.RequestTooLarge, $"The request body is larger than {_maxBodyBytes} bytes.");
        }

        ImportBody? body;
        try
        {
            body = JsonSerializer.Deserialize(request.Body.Span, ChatJsonContext.Wire.ImportBody);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw Invalid("The request body is not an exported chat: valid JSON with a messages list is expected.");
        }

        if (body?.Messages is null)
        {
            throw Invalid("The request body must be an exported chat with a messages list.");
        }

        if (body.Format is { } format && format != Format || body.Version is { } version && version != Version)
        {
            throw Invalid($"This is not a chat export this version reads (format {Format}, version {Version}).");
        }

        return body;
    }

    private static ChatException Invalid(string message) => new(ChatErrorCode.RequestInvalid, message);
}
