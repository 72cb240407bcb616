using System.Collections.Concurrent;
using System.Text;
using ChatBedrock.Application;
using ChatBedrock.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Http.Tests;

/// <summary>
/// A client that goes away (a closed tab, the page's Stop) is a cancellation, logged as one at Information;
/// only the deadline is a 504 ModelTimeout at Warning (issue 12: false alerts).
/// </summary>
public sealed class ClientGoneTests : IDisposable
{
    private readonly CapturingLogs _logs = new();
    private readonly ScriptedLanguageModel _model = new();
    private readonly ServiceProvider _services;
    private readonly ChatHttpHandler _handler;

    public ClientGoneTests()
    {
        _services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace))
            .AddConversationUseCases()
            .AddInMemoryConversationRepository()
            .AddSingleton<ILanguageModel>(_model)
            .AddChatHttp()
            .BuildServiceProvider();
        _handler = _services.GetRequiredService<ChatHttpHandler>();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ClientGoneWhileTheModelAnswers_IsLoggedAsACancellation_NotAsModelTimeout(bool stream)
    {
        using var client = new CancellationTokenSource();
        _model.DefaultAnswer = _ =>
        {
            client.Cancel(); // the client leaves while the model is answering
            return "too late";
        };

        var (response, _) = await SendAsync(stream, client.Token, clientAborted: client.Token);

        _logs.Entries.Should().NotContain(e => e.Level >= LogLevel.Warning);
        _logs.Entries.Should().NotContain(e => e.Message.Contains("ModelTimeout", StringComparison.Ordinal) || e.Message.Contains("504", StringComparison.Ordinal));
        _logs.Entries.Should().ContainSingle(e => e.Level == LogLevel.Information && e.Message == "POST / cancelled: the client went away");
        response.Text.Should().NotContain("ModelTimeout", "nobody is left to read an error");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DeadlineWhileTheModelAnswers_IsStillA504ModelTimeoutWarning(bool stream)
    {
        using var deadline = new CancellationTokenSource();
        _model.DefaultAnswer = _ =>
        {
            deadline.Cancel();
            return "too late";
        };

        var (_, error) = await SendAsync(stream, deadline.Token, clientAborted: CancellationToken.None);

        error!.Type.Should().Be("ModelTimeout");
        _logs.Entries.Should().Contain(e => e.Level == LogLevel.Warning && e.Message.Contains("ModelTimeout", StringComparison.Ordinal));
        _logs.Entries.Should().NotContain(e => e.Message.Contains("went away", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ClientGoneDuringAStreamedAnswer_KeepsWhatArrived_ShownAsInterruptedByTheMessagesRoute()
    {
        using var client = new CancellationTokenSource();
        _model.Hang("Hello", " wor");
        var response = new RecordingResponse
        {
            // The page's Stop: the connection closes as the second piece is written.
            BeforeWrite = chunk =>
            {
                if (chunk.Contains(" wor", StringComparison.Ordinal))
                {
                    client.Cancel();
                }
            },
        };

        await SendAsync(true, client.Token, clientAborted: client.Token, response);

        var sessionId = response.Events()[0].Data.GetProperty("session_id").GetString()!;
        var stored = await _services.GetRequiredService<IConversationRepository>().LoadAsync(Domain.SessionId.Parse(sessionId), null, TestContext.Current.CancellationToken);
        stored.Select(m => (m.Content, m.Interrupted)).Should().Equal(("Hi", false), ("Hello wor", true));
        _logs.Entries.Should().NotContain(e => e.Level >= LogLevel.Warning);

        var messages = new RecordingResponse();
        await _handler.HandleAsync(new ChatHttpRequest("GET", $"/sessions/{sessionId}/messages", null, null, default), messages, TestContext.Current.CancellationToken);
        var json = messages.Json.GetProperty("messages");
        json[1].GetProperty("content").GetString().Should().Be("Hello wor");
        json[1].GetProperty("interrupted").GetBoolean().Should().BeTrue();
        json[0].TryGetProperty("interrupted", out _).Should().BeFalse("only a stopped answer carries the mark");
    }

    [Fact]
    public async Task ClientGoneBeforeAnyText_StoresNothing()
    {
        using var client = new CancellationTokenSource();
        _model.DefaultAnswer = _ =>
        {
            client.Cancel(); // the client leaves before the model's first text
            return string.Empty;
        };

        await SendAsync(true, client.Token, clientAborted: client.Token);

        _logs.Entries.Should().NotContain(e => e.Message.StartsWith("Turn stored", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeadlineDuringAStreamedAnswer_WithTheClientThere_StoresNothing()
    {
        using var deadline = new CancellationTokenSource();
        _model.Hang("Hello");
        var response = new RecordingResponse { BeforeWrite = chunk => { if (chunk.Contains("Hello", StringComparison.Ordinal)) { deadline.Cancel(); } } };

        await SendAsync(true, deadline.Token, clientAborted: CancellationToken.None, response);

        _logs.Entries.Should().NotContain(e => e.Message.StartsWith("Turn stored", StringComparison.Ordinal));
        response.Events()[^1].Event.Should().Be("error");
    }

    public void Dispose() => _services.Dispose();

    private async Task<(RecordingResponse Response, ChatHttpError? Error)> SendAsync(
        bool stream, CancellationToken token, CancellationToken clientAborted, RecordingResponse? response = null)
    {
        var headers = new Dictionary<string, string> { ["content-type"] = "application/json" };
        if (stream)
        {
            headers["accept"] = "text/event-stream";
        }

        var request = new ChatHttpRequest("POST", "/", null, headers, Encoding.UTF8.GetBytes("""{"input_text": "Hi"}""")) { ClientAborted = clientAborted };
        response ??= new RecordingResponse();
        var error = await _handler.HandleAsync(request, response, token);
        return (response, error);
    }

    /// <summary>Keeps every log entry, at every level.</summary>
    private sealed class CapturingLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<(LogLevel Level, string Message)> _entries = new();

        public IReadOnlyCollection<(LogLevel Level, string Message)> Entries => _entries;

        public ILogger CreateLogger(string categoryName) => new Logger(_entries);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<(LogLevel, string)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}
