using System.Collections.Concurrent;
using ChatBedrock.Domain;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.Application.Tests;

/// <summary>An in-memory store that also records what was asked of it, and can be made to fail.</summary>
internal sealed class RecordingRepository : IConversationRepository
{
    private readonly IConversationRepository _inner = new ServiceCollection().AddInMemoryConversationRepository()
        .BuildServiceProvider().GetRequiredService<IConversationRepository>();

    public string Name => "recording";

    public ConcurrentQueue<int?> LoadLimits { get; } = new();

    public int Appends;

    public Exception? FailAppendWith { get; set; }

    public Task<IReadOnlyList<ChatMessage>> LoadAsync(SessionId sessionId, int? newestLimit, CancellationToken cancellationToken)
    {
        LoadLimits.Enqueue(newestLimit);
        return _inner.LoadAsync(sessionId, newestLimit, cancellationToken);
    }

    public ConcurrentQueue<(int Limit, string? Cursor)> PageRequests { get; } = new();

    public Task<ConversationPage> LoadPageAsync(SessionId sessionId, int limit, string? cursor, CancellationToken cancellationToken)
    {
        PageRequests.Enqueue((limit, cursor));
        return _inner.LoadPageAsync(sessionId, limit, cursor, cancellationToken);
    }

    public Task AppendTurnAsync(SessionId sessionId, ChatTurn turn, CancellationToken cancellationToken)
    {
        if (FailAppendWith is not null)
        {
            throw FailAppendWith;
        }

        Interlocked.Increment(ref Appends);
        return _inner.AppendTurnAsync(sessionId, turn, cancellationToken);
    }

    public Task<bool> ReplaceLastTurnAsync(SessionId sessionId, ChatTurn expectedLast, ChatTurn replacement, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Replaces);
        return _inner.ReplaceLastTurnAsync(sessionId, expectedLast, replacement, cancellationToken);
    }

    public int Replaces;

    public Task DeleteAsync(SessionId sessionId, CancellationToken cancellationToken) => _inner.DeleteAsync(sessionId, cancellationToken);

    public async Task SeedAsync(SessionId id, int pairs, int padTo = 0)
    {
        for (var i = 0; i < pairs; i++)
        {
            await _inner.AppendTurnAsync(id, new ChatTurn(ChatMessage.User($"q{i}".PadRight(padTo, '.')), ChatMessage.Assistant($"a{i}".PadRight(padTo, '.'))), CancellationToken.None);
        }
    }
}
