using Amazon.DynamoDBv2.Model;
using ChatBedrock.Domain;

namespace ChatBedrock.Adapters.DynamoDb.Tests;

/// <summary>What the turns layout adds to the conformance suite: its item shape and its bounded reads.</summary>
public sealed class TurnsLayoutTests(DynamoDbFixture dynamo)
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 9, 30, 15, 250, TimeSpan.FromHours(9));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AppendTurn_WritesOneNumberedItemPerTurn()
    {
        var repository = dynamo.Repository(DynamoDbStoreLayout.Turns);
        var id = SessionId.New();

        await repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User("質問", At), ChatMessage.Assistant("回答", At.AddSeconds(2))), Ct);
        await repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User("q2"), ChatMessage.Assistant("a2")), Ct);

        var items = await dynamo.GetTurnItemsAsync(id);
        items.Select(i => i["Turn"].N).Should().Equal("1", "2");
        items[0].Keys.Should().BeEquivalentTo("SessionId", "Turn", "User", "Assistant", "UserAt", "AssistantAt");
        items[0]["User"].S.Should().Be("質問");
        items[0]["Assistant"].S.Should().Be("回答");
        items[0]["UserAt"].S.Should().Be("2026-11-24T00:30:15.2500000Z");
        items[1].Keys.Should().BeEquivalentTo("SessionId", "Turn", "User", "Assistant");
    }

    [Fact]
    public async Task Load_RoundTripsTimestamps()
    {
        var repository = dynamo.Repository(DynamoDbStoreLayout.Turns);
        var id = SessionId.New();

        await repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User("q", At), ChatMessage.Assistant("a", At.AddSeconds(2))), Ct);

        var messages = await repository.LoadAsync(id, null, Ct);
        messages.Select(m => m.Timestamp).Should().Equal(At, At.AddSeconds(2));
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(4, 4)]
    [InlineData(5, 6)]
    [InlineData(40, 20)]
    public async Task Load_WithNewestLimit_ReadsOnlyTheWholeTurnsNeeded(int newestLimit, int expected)
    {
        var repository = dynamo.Repository(DynamoDbStoreLayout.Turns);
        var id = SessionId.New();
        for (var i = 0; i < 10; i++)
        {
            await repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User($"q{i}"), ChatMessage.Assistant($"a{i}")), Ct);
        }

        var messages = await repository.LoadAsync(id, newestLimit, Ct);

        messages.Should().HaveCount(expected);
        messages[^1].Content.Should().Be("a9");
        messages[0].Role.Should().Be(ChatRole.User);
    }

    [Fact]
    public async Task Delete_SessionWithManyTurns_RemovesEveryItemAndTheCounter()
    {
        var repository = dynamo.Repository(DynamoDbStoreLayout.Turns);
        var id = SessionId.New();
        for (var i = 0; i < 30; i++)
        {
            await repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User($"q{i}"), ChatMessage.Assistant($"a{i}")), Ct);
        }

        await repository.DeleteAsync(id, Ct);

        (await dynamo.GetSessionItemsAsync(id)).Should().BeEmpty();
    }

    [Fact]
    public async Task AppendTurn_WithCustomKeyNames_UsesThem()
    {
        await DynamoDbFixture.CreateTurnsTableAsync(dynamo.Client, "CustomKeys", "Conversation", "Seq");
        var repository = dynamo.Repository(DynamoDbStoreLayout.Turns, o => (o.TableName, o.PartitionKeyName, o.SortKeyName) = ("CustomKeys", "Conversation", "Seq"));
        var id = SessionId.New();

        await repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User("q"), ChatMessage.Assistant("a")), Ct);

        (await repository.LoadAsync(id, null, Ct)).Select(m => m.Content).Should().Equal("q", "a");
    }
}
