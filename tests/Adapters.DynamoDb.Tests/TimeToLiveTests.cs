using Amazon.DynamoDBv2.Model;
using ChatBedrock.Domain;
using Microsoft.Extensions.Time.Testing;

namespace ChatBedrock.Adapters.DynamoDb.Tests;

/// <summary>The expiry attribute DynamoDB's TTL deletes by: epoch seconds, written with each turn.</summary>
public sealed class TimeToLiveTests(DynamoDbFixture dynamo)
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ChatTurn Turn(string text) => new(ChatMessage.User(text), ChatMessage.Assistant(text));

    [Fact]
    public async Task AppendTurn_LangChainLayoutWithLifetime_WritesAndRefreshesExpireAt()
    {
        var time = new FakeTimeProvider(Start);
        var repository = dynamo.Repository(DynamoDbStoreLayout.LangChain, o => o.TimeToLive = TimeSpan.FromDays(7), time);
        var id = SessionId.New();

        await repository.AppendTurnAsync(id, Turn("first"), Ct);
        var first = (await dynamo.GetLangChainItemAsync(id))["expireAt"].N;
        time.Advance(TimeSpan.FromHours(1));
        await repository.AppendTurnAsync(id, Turn("second"), Ct);
        var second = (await dynamo.GetLangChainItemAsync(id))["expireAt"].N;

        first.Should().Be(Start.AddDays(7).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        second.Should().Be(Start.AddDays(7).AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task AppendTurn_WithCustomAttributeName_WritesThatAttribute()
    {
        var repository = dynamo.Repository(
            DynamoDbStoreLayout.LangChain,
            o => (o.TimeToLive, o.TimeToLiveAttributeName) = (TimeSpan.FromMinutes(30), "ttl"),
            new FakeTimeProvider(Start));
        var id = SessionId.New();

        await repository.AppendTurnAsync(id, Turn("q"), Ct);

        var item = await dynamo.GetLangChainItemAsync(id);
        item.Should().NotContainKey("expireAt");
        item["ttl"].N.Should().Be(Start.AddMinutes(30).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task AppendTurn_TurnsLayoutWithLifetime_GivesEachTurnItsOwnExpiry()
    {
        var time = new FakeTimeProvider(Start);
        var repository = dynamo.Repository(DynamoDbStoreLayout.Turns, o => o.TimeToLive = TimeSpan.FromDays(1), time);
        var id = SessionId.New();

        await repository.AppendTurnAsync(id, Turn("first"), Ct);
        time.Advance(TimeSpan.FromMinutes(5));
        await repository.AppendTurnAsync(id, Turn("second"), Ct);

        (await dynamo.GetTurnItemsAsync(id)).Select(i => long.Parse(i["expireAt"].N, System.Globalization.CultureInfo.InvariantCulture))
            .Should().Equal(Start.AddDays(1).ToUnixTimeSeconds(), Start.AddDays(1).AddMinutes(5).ToUnixTimeSeconds());
    }

    [Theory]
    [InlineData(DynamoDbStoreLayout.LangChain)]
    [InlineData(DynamoDbStoreLayout.Turns)]
    public async Task AppendTurn_WithoutLifetime_WritesNoExpiry(DynamoDbStoreLayout layout)
    {
        var repository = dynamo.Repository(layout);
        var id = SessionId.New();

        await repository.AppendTurnAsync(id, Turn("q"), Ct);

        var items = layout == DynamoDbStoreLayout.LangChain ? [await dynamo.GetLangChainItemAsync(id)] : await dynamo.GetTurnItemsAsync(id);
        items.Should().ContainSingle().Which.Should().NotContainKey("expireAt");
    }
}
