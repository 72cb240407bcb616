using System.Text;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using ChatBedrock.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.Http.Tests;

/// <summary>A handler over the in-memory store (named <c>store</c> in <c>GET /status</c>) and a scripted model.</summary>
internal sealed class HttpFixture : IDisposable
{
    private readonly ServiceProvider _services;

    public HttpFixture(Action<ChatHttpOptions>? configure = null, string store = "memory", TimeProvider? time = null)
    {
        _services = new ServiceCollection()
            .AddSingleton(time ?? TimeProvider.System)
            .AddLogging()
            .AddConversationUseCases()
            .AddSingleton<IConversationRepository>(new NamedRepository(store))
            .AddSingleton<ILanguageModel>(Model)
            .AddChatHttp(configure)
            .BuildServiceProvider();
        Handler = _services.GetRequiredService<ChatHttpHandler>();
        Repository = _services.GetRequiredService<IConversationRepository>();
    }

    public ScriptedLanguageModel Model { get; } = new();

    public ChatHttpHandler Handler { get; }

    public IConversationRepository Repository { get; }

    public async Task<(RecordingResponse Response, ChatHttpError? Error)> SendAsync(
        string method, string path, string? query = null, string? body = null, Dictionary<string, string>? headers = null,
        CancellationToken? cancellationToken = null, RecordingResponse? response = null)
    {
        if (body is not null && !(headers ?? []).Keys.Any(k => k.Equals("content-type", StringComparison.OrdinalIgnoreCase)))
        {
            // A turn's body is JSON and says so; tests of other content types pass their own header.
            headers = new(headers ?? [], StringComparer.OrdinalIgnoreCase) { ["content-type"] = "application/json" };
        }

        var request = new ChatHttpRequest(method, path, query, headers, body is null ? default : Encoding.UTF8.GetBytes(body));
        response ??= new RecordingResponse();
        var error = await Handler.HandleAsync(request, response, cancellationToken ?? TestContext.Current.CancellationToken);
        response.StatusCode.Should().NotBeNull("every request gets an answer");
        return (response, error);
    }

    public Task<(RecordingResponse Response, ChatHttpError? Error)> PostAsync(string body, Dictionary<string, string>? headers = null) =>
        SendAsync("POST", "/", body: body, headers: headers);

    public Task<(RecordingResponse Response, ChatHttpError? Error)> StreamAsync(string body) =>
        SendAsync("POST", "/", body: body, headers: new() { ["Accept"] = "text/event-stream" });

    public void Dispose() => _services.Dispose();

    /// <summary>The in-memory store under another name, as a real store would report itself.</summary>
    private sealed class NamedRepository(string name) : IConversationRepository
    {
        private readonly IConversationRepository _inner = new ServiceCollection().AddInMemoryConversationRepository()
            .BuildServiceProvider().GetRequiredService<IConversationRepository>();

        public string Name => name;

        public Task<IReadOnlyList<ChatMessage>> LoadAsync(SessionId sessionId, int? newestLimit, CancellationToken cancellationToken) =>
            _inner.LoadAsync(sessionId, newestLimit, cancellationToken);

        public Task<ConversationPage> LoadPageAsync(SessionId sessionId, int limit, string? cursor, CancellationToken cancellationToken) =>
            _inner.LoadPageAsync(sessionId, limit, cursor, cancellationToken);

        public Task AppendTurnAsync(SessionId sessionId, ChatTurn turn, CancellationToken cancellationToken) =>
            _inner.AppendTurnAsync(sessionId, turn, cancellationToken);

        public Task<bool> ReplaceLastTurnAsync(SessionId sessionId, ChatTurn expectedLast, ChatTurn replacement, CancellationToken cancellationToken) =>
            _inner.ReplaceLastTurnAsync(sessionId, expectedLast, replacement, cancellationToken);

        public Task DeleteAsync(SessionId sessionId, CancellationToken cancellationToken) => _inner.DeleteAsync(sessionId, cancellationToken);
    }
}
