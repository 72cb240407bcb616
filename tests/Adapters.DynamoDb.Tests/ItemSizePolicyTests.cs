using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace ChatBedrock.Adapters.DynamoDb.Tests;

/// <summary>DynamoDB refuses items over 400 KB; a long conversation must never start failing because of it.</summary>
public sealed class ItemSizePolicyTests(DynamoDbFixture dynamo)
{
    private const int TurnCount = 25;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // About 40 KB a turn (each text is stored twice, once for each LangChain language), so the item passes 400 KB
    // after ten turns. ASCII, so dynalite measures it as DynamoDB does.
    private static ChatTurn BigTurn(int i) => new(ChatMessage.User($"q{i}:" + new string('q', 10_000)), ChatMessage.Assistant($"a{i}:" + new string('a', 10_000)));

    [Fact]
    public async Task AppendTurn_PastTheItemLimit_DropsTheOldestWholeTurnsAndKeepsTheSystemMessage()
    {
        var id = SessionId.New();
        await dynamo.PutLangChainHistoryAsync(id, [LangChainMessages.Human("before the system message?"), SystemEntry("You are terse."), LangChainMessages.Ai("ok")]);
        var logs = new FakeLoggerProvider();
        var repository = dynamo.Repository(DynamoDbStoreLayout.LangChain, logs: logs);

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
        var trimmed = logs.Collector.GetSnapshot().Where(r => r.Message.Contains("dropped its", StringComparison.Ordinal)).ToList();
        trimmed.Should().NotBeEmpty().And.OnlyContain(r => r.Message.Contains(id.LogHandle, StringComparison.Ordinal) && !r.Message.Contains(id.Value, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AppendTurn_WhenATrimOfSeveralRequestsIsCutShort_HasRemovedOnlyTheOldestMessages()
    {
        // About 800 small messages near the limit (each text stored twice): the trim drops more than one REMOVE request holds.
        var id = SessionId.New();
        var history = new List<AttributeValue>();
        var item = new Dictionary<string, AttributeValue> { ["SessionId"] = new AttributeValue { S = id.Value }, ["History"] = new AttributeValue { L = history } };
        for (var i = 0; ItemSize.Of(item) < ItemSize.Limit - 5_000; i++)
        {
            history.Add(i % 2 == 0 ? LangChainMessages.Human($"q{i}:" + new string('q', 200)) : LangChainMessages.Ai($"a{i}:" + new string('a', 200)));
        }

        await dynamo.PutLangChainItemAsync(item);
        using var client = new CrashingClient(dynamo.Endpoint, crashOnRemoval: 2);
        await using var provider = new ServiceCollection().AddSingleton<IAmazonDynamoDB>(client).AddDynamoDbConversationRepository().BuildServiceProvider();
        var repository = provider.GetRequiredService<IConversationRepository>();

        await Assert.ThrowsAsync<ChatException>(() => repository.AppendTurnAsync(id, new(ChatMessage.User(new string('x', 5_000)), ChatMessage.Assistant("y")), Ct));

        static string Label(AttributeValue entry) => entry.M["data"].M["content"].S.Split(':')[0];
        var left = (await dynamo.GetLangChainItemAsync(id))["History"].L.Select(Label).ToList();
        left.Should().HaveCountLessThan(history.Count, "the first REMOVE went through");
        left.Should().Equal(history.Skip(history.Count - left.Count).Select(Label), "what is left is the newest part, without a hole");
    }

    [Fact]
    public async Task AppendTurn_TenConcurrentAtTheItemLimit_AllSucceedAndKeepPairsWhole()
    {
        var id = SessionId.New();
        var repository = dynamo.Repository(DynamoDbStoreLayout.LangChain);
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
    [InlineData(DynamoDbStoreLayout.LangChain)]
    [InlineData(DynamoDbStoreLayout.Turns)]
    public async Task AppendTurn_WhenTheTurnAloneExceedsTheItemLimit_FailsWithInputTooLongAndStoresNothing(DynamoDbStoreLayout layout)
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

    /// <summary>A client that fails like a crash on its n-th REMOVE request.</summary>
    private sealed class CrashingClient(Uri endpoint, int crashOnRemoval)
        : AmazonDynamoDBClient(new BasicAWSCredentials("test", "test"), new AmazonDynamoDBConfig { ServiceURL = endpoint.ToString(), AuthenticationRegion = DynamoDbFixture.Region, MaxErrorRetry = 0 })
    {
        private int _removals;

        public override Task<UpdateItemResponse> UpdateItemAsync(UpdateItemRequest request, CancellationToken cancellationToken = default) =>
            request.UpdateExpression.StartsWith("REMOVE", StringComparison.Ordinal) && Interlocked.Increment(ref _removals) == crashOnRemoval
                ? throw new AmazonDynamoDBException("The process died.") { ErrorCode = "InternalServerError", StatusCode = System.Net.HttpStatusCode.InternalServerError }
                : base.UpdateItemAsync(request, cancellationToken);
    }
}
