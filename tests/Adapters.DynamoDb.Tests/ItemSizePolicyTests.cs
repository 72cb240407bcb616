using Amazon.DynamoDBv2.Model;
using ChatBedrock.Domain;
using Microsoft.Extensions.Logging.Testing;

namespace ChatBedrock.Adapters.DynamoDb.Tests;

/// <summary>DynamoDB refuses items over 400 KB; a long conversation must never start failing because of it.</summary>
public sealed class ItemSizePolicyTests(DynamoDbFixture dynamo)
{
    private const int TurnCount = 25;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // About 40 KB a turn, so the item passes 400 KB after ten turns. ASCII, so dynalite measures it as DynamoDB does.
    private static ChatTurn BigTurn(int i) => new(ChatMessage.User($"q{i}:" + new string('q', 20_000)), ChatMessage.Assistant($"a{i}:" + new string('a', 20_000)));

    [Fact]
    public async Task AppendTurn_PastTheItemLimit_DropsTheOldestWholeTurnsAndKeepsTheSystemMessage()
    {
        var id = SessionId.New();
        await dynamo.PutLangChainHistoryAsync(id, [LangChainMessages.Human("before the system message?"), SystemEntry("You are terse."), LangChainMessages.Ai("ok")]);
        var logs = new FakeLoggerProvider();
        var repository = dynamo.Repository(DynamoDbHistoryLayout.LangChain, logs: logs);

        for (var i = 0; i < TurnCount; i++)
        {
            await repository.AppendTurnAsync(id, BigTurn(i), Ct);
        }

        var messages = await repository.LoadAsync(id, null, Ct);
        messages[0].Should().Be(ChatMessage.System("You are terse."));
        var turns = messages.Skip(1).Chunk(2).ToList();
        turns.Should().OnlyContain(t => IsWholeTurn(t));
        var kept = turns.Select(t => int.Parse(Tag(t[0]), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        kept.Should().Equal(Enumerable.Range(TurnCount - kept.Count, kept.Count), "only the oldest turns are dropped, newest kept in order");
        kept.Should().HaveCountGreaterThan(5);
        ItemSize.Of(await dynamo.GetLangChainItemAsync(id)).Should().BeLessThan(ItemSize.Limit);
        logs.Collector.GetSnapshot().Should().Contain(r => r.Message.Contains("dropped its", StringComparison.Ordinal) && r.Message.Contains(id.Value, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AppendTurn_TenConcurrentAtTheItemLimit_AllSucceedAndKeepPairsWhole()
    {
        var id = SessionId.New();
        var repository = dynamo.Repository(DynamoDbHistoryLayout.LangChain);
        for (var i = 0; i < 9; i++)
        {
            await repository.AppendTurnAsync(id, BigTurn(i), Ct);
        }

        await Task.WhenAll(Enumerable.Range(100, 10).Select(i => Task.Run(() => repository.AppendTurnAsync(id, BigTurn(i), Ct), Ct)));

        var messages = await repository.LoadAsync(id, null, Ct);
        messages.Chunk(2).Should().OnlyContain(t => IsWholeTurn(t));
        Tag(messages[^1]).Should().StartWith("10", "the newest turn is one of the concurrent ones");
        ItemSize.Of(await dynamo.GetLangChainItemAsync(id)).Should().BeLessThan(ItemSize.Limit);
    }

    [Theory]
    [InlineData(DynamoDbHistoryLayout.LangChain)]
    [InlineData(DynamoDbHistoryLayout.Turns)]
    public async Task AppendTurn_WhenTheTurnAloneExceedsTheItemLimit_FailsWithInputTooLongAndStoresNothing(DynamoDbHistoryLayout layout)
    {
        var id = SessionId.New();
        var repository = dynamo.Repository(layout);

        var act = () => repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User(new string('x', ItemSize.Limit)), ChatMessage.Assistant("a")), Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.InputTooLong);
        (await repository.LoadAsync(id, null, Ct)).Should().BeEmpty();
    }

    /// <summary>"q7:…" or "a7:…" → "7".</summary>
    private static string Tag(ChatMessage message) => message.Content[1..message.Content.IndexOf(':', StringComparison.Ordinal)];

    private static bool IsWholeTurn(ChatMessage[] turn) =>
        turn.Length == 2 && turn[0].Role == ChatRole.User && turn[1].Role == ChatRole.Assistant && Tag(turn[0]) == Tag(turn[1]);

    private static AttributeValue SystemEntry(string content) => new()
    {
        M = new()
        {
            ["type"] = new AttributeValue { S = "system" },
            ["data"] = new AttributeValue { M = new() { ["content"] = new AttributeValue { S = content }, ["type"] = new AttributeValue { S = "system" } } },
        },
    };
}
