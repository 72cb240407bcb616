using System.Text;
using ChatBedrock.Application;
using ChatBedrock.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.Http.Tests;

/// <summary>A handler over the in-memory store and a scripted model.</summary>
internal sealed class HttpFixture : IDisposable
{
    private readonly ServiceProvider _services;

    public HttpFixture(Action<ChatHttpOptions>? configure = null, IModelStatus? modelStatus = null)
    {
        var services = new ServiceCollection();
        if (modelStatus is not null)
        {
            services.AddSingleton(modelStatus);
        }

        _services = services
            .AddLogging()
            .AddContinueConversation()
            .AddInMemoryConversationRepository()
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
}
