using System.Globalization;
using Amazon.DynamoDBv2.Model;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using ChatBedrock.Testing.Dynalite;

namespace ChatBedrock.Adapters.DynamoDb.Tests;

/// <summary>
/// The turns layout's counter item: concurrent turns on one session cost almost no refused writes, nothing
/// is lost or stored twice, and sessions written before the counter (or that lost it) go on after their
/// newest turn. Refused writes are counted at the client, never timed.
/// </summary>
public sealed class TurnsCounterTests(DynamoDbFixture dynamo)
{
    private const int Concurrent = 50;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FiftyConcurrentTurnsOnOneSession_StoreEachTurnWholeOnce_WithAtMostTwoRefusedWritesPerTurn(bool sessionExists)
    {
        using var client = new ConditionalWriteCountingClient(dynamo.Endpoint);
        var repository = dynamo.Repository(DynamoDbStoreLayout.Turns, client: client);
        var id = SessionId.New();
        var before = 0;
        if (sessionExists)
        {
            await repository.AppendTurnAsync(id, Turn("first"), Ct);
            before = 1;
        }

        client.Reset();
        await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(i => repository.AppendTurnAsync(id, Turn($"t{i}"), Ct)));

        client.FailedConditionalWrites.Should().BeLessThanOrEqualTo(2 * Concurrent);
        await ShouldHoldWholeTurnsOnceAsync(repository, id, before + Concurrent);
    }

    [Fact]
    public async Task FiftyConcurrentTurnsOnASessionWithACounter_AreRefusedNoWrite()
    {
        using var client = new ConditionalWriteCountingClient(dynamo.Endpoint);
        var repository = dynamo.Repository(DynamoDbStoreLayout.Turns, client: client);
        var id = SessionId.New();
        await repository.AppendTurnAsync(id, Turn("first"), Ct);

        client.Reset();
        await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(i => repository.AppendTurnAsync(id, Turn($"t{i}"), Ct)));

        client.FailedConditionalWrites.Should().Be(0);
        client.Writes.Should().Be(2 * Concurrent, "one counter update and one put per turn");
    }

    [Fact]
    public async Task SessionWrittenWithoutACounter_GoesOnAfterItsNewestTurn()
    {
        var repository = dynamo.Repository(DynamoDbStoreLayout.Turns);
        var id = SessionId.New();
        await dynamo.PutTurnItemsAsync(id, 1, 2, 3);

        await repository.AppendTurnAsync(id, Turn("new"), Ct);

        (await dynamo.GetTurnItemsAsync(id)).Select(i => i["Turn"].N).Should().Equal("1", "2", "3", "4");
        (await repository.LoadAsync(id, 2, Ct)).Select(m => m.Content).Should().Equal("q-new", "a-new");
        (await Counter(id)).Should().Be(4);
    }

    [Fact]
    public async Task SessionWhoseOldestTurnsExpired_AndWithoutACounter_GoesOnAfterItsNewestTurn()
    {
        var repository = dynamo.Repository(DynamoDbStoreLayout.Turns);
        var id = SessionId.New();
        await dynamo.PutTurnItemsAsync(id, 5, 6, 7); // turn 1 is free: taking it would put the new turn first

        await repository.AppendTurnAsync(id, Turn("new"), Ct);

        (await dynamo.GetTurnItemsAsync(id)).Select(i => i["Turn"].N).Should().Equal("5", "6", "7", "8");
    }

    [Fact]
    public async Task FiftyConcurrentTurnsOnASessionWithoutACounter_StoreEachTurnWholeOnce_WithAtMostTwoRefusedWritesPerTurn()
    {
        using var client = new ConditionalWriteCountingClient(dynamo.Endpoint);
        var repository = dynamo.Repository(DynamoDbStoreLayout.Turns, client: client);
        var id = SessionId.New();
        await dynamo.PutTurnItemsAsync(id, [.. Enumerable.Range(1, 10)]);

        await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(i => repository.AppendTurnAsync(id, Turn($"t{i}"), Ct)));

        client.FailedConditionalWrites.Should().BeLessThanOrEqualTo(2 * Concurrent);
        var numbers = (await dynamo.GetTurnItemsAsync(id)).Select(i => int.Parse(i["Turn"].N, CultureInfo.InvariantCulture)).ToList();
        numbers.Take(10).Should().Equal(Enumerable.Range(1, 10), "the old turns stay where they were");
        numbers.Skip(10).Should().HaveCount(Concurrent).And.OnlyContain(n => n > 10);
        await ShouldHoldWholeTurnsOnceAsync(repository, id, 10 + Concurrent);
    }

    [Fact]
    public async Task NumberTakenButNeverWritten_LeavesAGapThatReadersDoNotSee()
    {
        var repository = dynamo.Repository(DynamoDbStoreLayout.Turns);
        var id = SessionId.New();
        await repository.AppendTurnAsync(id, Turn("1"), Ct);
        await AdvanceCounterAsync(id); // a writer that crashed between the counter and its put
        await repository.AppendTurnAsync(id, Turn("2"), Ct);

        (await dynamo.GetTurnItemsAsync(id)).Select(i => i["Turn"].N).Should().Equal("1", "3");
        (await repository.LoadAsync(id, null, Ct)).Select(m => m.Content).Should().Equal("q-1", "a-1", "q-2", "a-2");
        (await repository.LoadAsync(id, 2, Ct)).Select(m => m.Content).Should().Equal("q-2", "a-2");
    }

    [Fact]
    public async Task CounterItem_IsNeverReadAsATurn()
    {
        var repository = dynamo.Repository(DynamoDbStoreLayout.Turns);
        var id = SessionId.New();
        await repository.AppendTurnAsync(id, Turn("only"), Ct);

        (await dynamo.GetSessionItemsAsync(id)).Should().HaveCount(2, "the turn and its session's counter");
        (await repository.LoadAsync(id, null, Ct)).Select(m => m.Content).Should().Equal("q-only", "a-only");
        (await repository.LoadAsync(id, 40, Ct)).Select(m => m.Content).Should().Equal("q-only", "a-only");
    }

    [Fact]
    public async Task TurnAfterDelete_StartsAgainAtOne()
    {
        var repository = dynamo.Repository(DynamoDbStoreLayout.Turns);
        var id = SessionId.New();
        await repository.AppendTurnAsync(id, Turn("1"), Ct);
        await repository.AppendTurnAsync(id, Turn("2"), Ct);

        await repository.DeleteAsync(id, Ct);
        await repository.AppendTurnAsync(id, Turn("again"), Ct);

        (await dynamo.GetTurnItemsAsync(id)).Select(i => i["Turn"].N).Should().Equal("1");
        (await Counter(id)).Should().Be(1);
    }

    private static ChatTurn Turn(string tag) => new(ChatMessage.User($"q-{tag}"), ChatMessage.Assistant($"a-{tag}"));

    private static async Task ShouldHoldWholeTurnsOnceAsync(IConversationRepository repository, SessionId id, int turns)
    {
        var messages = await repository.LoadAsync(id, null, Ct);
        var pairs = messages.Chunk(2).ToList();
        pairs.Should().HaveCount(turns).And.OnlyContain(p => IsWholeTurn(p), "every turn is stored whole");
        pairs.Select(p => p[0].Content).Should().OnlyHaveUniqueItems("no turn is stored twice");
    }

    private static bool IsWholeTurn(ChatMessage[] pair) =>
        pair.Length == 2 && pair[0].Role == ChatRole.User && pair[1].Role == ChatRole.Assistant && pair[0].Content[2..] == pair[1].Content[2..];

    private async Task<long> Counter(SessionId id) =>
        long.Parse((await dynamo.GetSessionItemsAsync(id))[0]["LastTurn"].N, CultureInfo.InvariantCulture);

    private async Task AdvanceCounterAsync(SessionId id) =>
        await dynamo.Client.UpdateItemAsync(
            new UpdateItemRequest
            {
                TableName = DynamoDbFixture.TurnsTable,
                Key = new() { ["SessionId"] = new AttributeValue { S = id.Value }, ["Turn"] = new AttributeValue { N = "0" } },
                UpdateExpression = "ADD LastTurn :one",
                ExpressionAttributeValues = new() { [":one"] = new AttributeValue { N = "1" } },
            },
            Ct);
}
