using Amazon.DynamoDBv2.Model;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ChatBedrock.Adapters.DynamoDb.Tests;

/// <summary>
/// ChatBedrock and the real LangChain.js <c>DynamoDBChatMessageHistory</c> (npm <c>@langchain/community</c>) on
/// the same sessions: each reads every message the other wrote, and nothing ChatBedrock does leaves a session
/// LangChain.js cannot read. Run on a table with LangChain.js's default names (<c>id</c>, <c>messages</c>) and on
/// the Python hands-on's table (<c>SessionId</c>, <c>History</c>), which LangChain.js can be pointed at.
/// </summary>
public sealed class LangChainJsTests(DynamoDbFixture dynamo)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Tables => [DynamoDbFixture.LangChainJsTable, DynamoDbFixture.LangChainTable];

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task SessionWrittenByLangChainJs_ChatBedrockReadsEveryMessage(string table)
    {
        var (js, repository) = On(table);
        var id = SessionId.New();
        await js.AddAsync(id, new("system", "簡潔に答えて"), new("human", "新潟の名物は？"), new("ai", "笹団子です。"), new("human", "ありがとう"), new("ai", "どういたしまして。"));

        var messages = await repository.LoadAsync(id, null, Ct);

        messages.Should().Equal(
            ChatMessage.System("簡潔に答えて"),
            ChatMessage.User("新潟の名物は？"),
            ChatMessage.Assistant("笹団子です。"),
            ChatMessage.User("ありがとう"),
            ChatMessage.Assistant("どういたしまして。"));
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task TurnAppendedByChatBedrock_LangChainJsStillReadsEveryMessage(string table)
    {
        var (js, repository) = On(table);
        var id = SessionId.New();
        await js.AddAsync(id, new("human", "q1"), new("ai", "a1"), new("human", "q2"), new("ai", "a2"));

        await repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User("質問"), ChatMessage.Assistant("回答")), Ct);

        (await js.ReadAsync(id)).Should().Equal(
            new JsMessage("human", "q1"), new("ai", "a1"), new("human", "q2"), new("ai", "a2"), new("human", "質問"), new("ai", "回答"));
        (await repository.LoadAsync(id, null, Ct)).Select(m => m.Content).Should().Equal("q1", "a1", "q2", "a2", "質問", "回答");
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task TurnWithUsageAndASummary_LangChainJsStillReadsAndContinuesIt(string table)
    {
        var (js, repository) = On(table);
        var id = SessionId.New();
        var usage = new MessageUsage(100, 20, 2000, 50, "anthropic.claude-3-haiku-20240307-v1:0");
        await repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User("q1"), ChatMessage.Assistant("a1") with { Usage = usage }), Ct);
        await repository.SaveSummaryAsync(id, new ConversationSummary("要約", 2, usage), Ct);

        (await js.ReadAsync(id)).Should().Equal(new JsMessage("human", "q1"), new("ai", "a1"));
        await js.AddAsync(id, new("human", "q2"), new("ai", "a2"));

        var messages = await repository.LoadAsync(id, null, Ct);
        messages.Select(m => (m.Content, m.Usage)).Should().Equal(("q1", null), ("a1", usage), ("q2", null), ("a2", null));
        (await repository.LoadSummaryAsync(id, Ct))!.Text.Should().Be("要約", "LangChain.js appends to the list and leaves other attributes alone");
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task TurnWithAnIdempotencyKey_LangChainJsReadsIt_AndChatBedrockKeepsTheKey(string table)
    {
        var (js, repository) = On(table);
        var id = SessionId.New();
        await repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User("q1") with { RequestId = "key-1" }, ChatMessage.Assistant("a1")), Ct);

        (await js.ReadAsync(id)).Should().Equal(new JsMessage("human", "q1"), new("ai", "a1"));
        await js.AddAsync(id, new("human", "q2"), new("ai", "a2"));

        (await repository.LoadAsync(id, null, Ct)).Select(m => (m.Content, m.RequestId)).Should().Equal(
            ("q1", "key-1"), ("a1", null), ("q2", null), ("a2", null));
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task SessionStartedByChatBedrock_LangChainJsReadsAndContinuesIt(string table)
    {
        var (js, repository) = On(table);
        var id = SessionId.New();
        await repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User("q1"), ChatMessage.Assistant("a1")), Ct);

        (await js.ReadAsync(id)).Should().Equal(new JsMessage("human", "q1"), new("ai", "a1"));
        await js.AddAsync(id, new("human", "q2"), new("ai", "a2"));

        (await repository.LoadAsync(id, null, Ct)).Select(m => (m.Role, m.Content)).Should().Equal(
            (ChatRole.User, "q1"), (ChatRole.Assistant, "a1"), (ChatRole.User, "q2"), (ChatRole.Assistant, "a2"));
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task InterruptedAndReplacedTurns_LangChainJsStillReadsEveryMessage(string table)
    {
        var (js, repository) = On(table);
        var id = SessionId.New();
        await js.AddAsync(id, new("human", "q1"), new("ai", "a1"));
        await repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User("q2"), ChatMessage.Assistant("途中") with { Interrupted = true }), Ct);

        (await js.ReadAsync(id)).Should().Equal(new JsMessage("human", "q1"), new("ai", "a1"), new("human", "q2"), new("ai", "途中"));
        (await repository.LoadAsync(id, null, Ct))[^1].Interrupted.Should().BeTrue();

        (await repository.ReplaceLastTurnAsync(id, new ChatTurn(ChatMessage.User("q2"), ChatMessage.Assistant("途中")),
            new ChatTurn(ChatMessage.User("q2 edited"), ChatMessage.Assistant("全部")), Ct)).Should().BeTrue();

        (await js.ReadAsync(id)).Should().Equal(new JsMessage("human", "q1"), new("ai", "a1"), new("human", "q2 edited"), new("ai", "全部"));
        await js.AddAsync(id, new("human", "q3"), new("ai", "a3"));
        (await repository.LoadAsync(id, null, Ct)).Select(m => (m.Content, m.Interrupted)).Should().Equal(
            ("q1", false), ("a1", false), ("q2 edited", false), ("全部", false), ("q3", false), ("a3", false));
    }

    [Fact]
    public async Task MessageChatBedrockCannotShow_IsSkippedWithAWarningAndKeptForLangChainJs()
    {
        var logs = new FakeLoggerProvider();
        var (js, repository) = On(DynamoDbFixture.LangChainJsTable, logs);
        var id = SessionId.New();
        await js.AddAsync(id, new("human", "q1"), new("generic", "もっと短く", "critic"), new("ai", "a1"));

        var shown = await repository.LoadAsync(id, null, Ct);
        await repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User("q2"), ChatMessage.Assistant("a2")), Ct);

        shown.Select(m => m.Content).Should().Equal("q1", "a1");
        logs.Collector.GetSnapshot().Should().Contain(r => r.Level == LogLevel.Warning && r.Message.Contains("'generic'", StringComparison.Ordinal));
        (await js.ReadAsync(id)).Should().Equal(
            new JsMessage("human", "q1"), new("generic", "もっと短く", "critic"), new("ai", "a1"), new("human", "q2"), new("ai", "a2"));
    }

    [Fact]
    public async Task Delete_RemovesTheWholeSessionForLangChainJs_AndWarnsOfWhatChatBedrockNeverShowed()
    {
        var logs = new FakeLoggerProvider();
        var (js, repository) = On(DynamoDbFixture.LangChainJsTable, logs);
        var id = SessionId.New();
        await js.AddAsync(id, new("human", "q1"), new("generic", "秘密のメモ", "note"), new("ai", "a1"));

        await repository.DeleteAsync(id, Ct);

        (await js.ReadAsync(id)).Should().BeEmpty();
        var warning = logs.Collector.GetSnapshot().Should().ContainSingle(r => r.Level == LogLevel.Warning && r.Message.StartsWith("Deleted", StringComparison.Ordinal)).Subject;
        warning.Message.Should().Contain("3 stored messages").And.Contain("1 of them").And.Contain("(generic)");
        warning.Message.Should().NotContain(id.Value, "session ids are logged at Debug only").And.NotContain("秘密", "message text is never logged above Debug");
    }

    [Fact]
    public async Task Delete_OfASessionOfShownMessagesOnly_WarnsOfNothing()
    {
        var logs = new FakeLoggerProvider();
        var (js, repository) = On(DynamoDbFixture.LangChainJsTable, logs);
        var id = SessionId.New();
        await js.AddAsync(id, new("human", "q1"), new("ai", "a1"));

        await repository.DeleteAsync(id, Ct);

        (await js.ReadAsync(id)).Should().BeEmpty();
        logs.Collector.GetSnapshot().Should().NotContain(r => r.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task ClearByLangChainJs_EmptiesTheSessionForChatBedrock()
    {
        var (js, repository) = On(DynamoDbFixture.LangChainJsTable);
        var id = SessionId.New();
        await repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User("q"), ChatMessage.Assistant("a")), Ct);

        await js.ClearAsync(id);

        (await repository.LoadAsync(id, null, Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task TrimAtTheItemLimit_OfALangChainJsSession_LeavesASessionLangChainJsReads()
    {
        var logs = new FakeLoggerProvider();
        var (js, repository) = On(DynamoDbFixture.LangChainJsTable, logs);
        var id = SessionId.New();
        await js.AddAsync(id, new("system", "簡潔に"), new("human", "q"), new("generic", "note", "critic"), new("ai", "a"));

        // About 40 KB a turn (each text is stored twice, once per LangChain language): past 400 KB after ten.
        for (var i = 0; i < 14; i++)
        {
            await repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User($"q{i}:" + new string('q', 10_000)), ChatMessage.Assistant($"a{i}:" + new string('a', 10_000))), Ct);
        }

        var read = await js.ReadAsync(id);
        read[0].Should().Be(new JsMessage("system", "簡潔に"), "system messages are never dropped");
        read.Skip(1).Select(m => m.Type).Should().NotContain("generic").And.HaveCountGreaterThan(4);
        read[^1].Content.Should().StartWith("a13:");
        logs.Collector.GetSnapshot().Should().Contain(r => r.Message.Contains("dropped its", StringComparison.Ordinal) && r.Message.Contains("of types ChatBedrock does not show (generic)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LangChainJs_CannotReadAnEntryWithoutText_WhichIsWhyChatBedrocksEntriesCarryIt()
    {
        // What ChatBedrock wrote before it wrote LangChain.js's fields: Python's entry alone.
        var (js, _) = On(DynamoDbFixture.LangChainJsTable);
        var id = SessionId.New();
        var pythonOnly = LangChainMessages.Human("q");
        pythonOnly.M.Remove("text");
        pythonOnly.M.Remove("additional_kwargs");
        await dynamo.Client.PutItemAsync(
            new PutItemRequest
            {
                TableName = DynamoDbFixture.LangChainJsTable,
                Item = new() { ["id"] = new AttributeValue { S = id.Value }, ["messages"] = new AttributeValue { L = [pythonOnly, LangChainMessages.Ai("a")] } },
            },
            Ct);

        var (messages, error) = await js.TryReadAsync(id);

        messages.Should().BeNull();
        error.Should().StartWith("Error getting messages");
    }

    private (LangChainJs Js, IConversationRepository Repository) On(string table, ILoggerProvider? logs = null)
    {
        var (key, attribute) = table == DynamoDbFixture.LangChainJsTable ? ("id", "messages") : ("SessionId", "History");
        var repository = dynamo.Repository(DynamoDbStoreLayout.LangChain, o => (o.TableName, o.PartitionKeyName, o.HistoryAttributeName) = (table, key, attribute), logs: logs);
        return (new LangChainJs(dynamo.Endpoint, table, key, attribute), repository);
    }
}
