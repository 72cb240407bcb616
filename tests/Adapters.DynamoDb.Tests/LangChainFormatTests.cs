using Amazon.DynamoDBv2.Model;
using ChatBedrock.Domain;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ChatBedrock.Adapters.DynamoDb.Tests;

/// <summary>
/// Compatibility with LangChain's <c>DynamoDBChatMessageHistory</c>, both ways: items as LangChain versions
/// wrote them (Python: langchain 0.0.x, langchain-core 0.1, 0.3 and 1.x field sets; LangChain.js:
/// @langchain/community 1.1) are read, and what we write is Python LangChain's shape plus the fields LangChain.js
/// reads, asserted on the raw attribute values. LangChainJsTests runs the real LangChain.js against the store.
/// </summary>
public sealed class LangChainFormatTests(DynamoDbFixture dynamo)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, (ChatRole Role, string Content)[]> LangChainItems() => new()
    {
        {
            "langchain-0.0.x.json",
            [(ChatRole.System, "あなたは親切なアシスタントです。"), (ChatRole.User, "こんにちは"), (ChatRole.Assistant, " こんにちは。今日はどのようなご用件でしょうか?")]
        },
        {
            "langchain-core-0.1.json",
            [(ChatRole.User, "新潟の名物は？"), (ChatRole.Assistant, "笹団子やへぎそばが有名です。"), (ChatRole.User, "ありがとう"), (ChatRole.Assistant, "どういたしまして。")]
        },
        {
            "langchain-core-0.3.json",
            [(ChatRole.User, "おはようございます"), (ChatRole.Assistant, "おはようございます！今日も一日頑張りましょう。")]
        },
        {
            // Content blocks keep their text only; the tool message is skipped.
            "langchain-core-1.x.json",
            [(ChatRole.User, "天気を調べて"), (ChatRole.Assistant, "調べます。"), (ChatRole.Assistant, "新潟は晴れ、18℃です。")]
        },
    };

    [Theory]
    [MemberData(nameof(LangChainItems))]
    public async Task Load_ItemWrittenByLangChain_ReadsItsMessages(string file, (ChatRole Role, string Content)[] expected)
    {
        var id = await PutFixtureAsync(file);

        var messages = await dynamo.Repository(DynamoDbStoreLayout.LangChain).LoadAsync(id, null, Ct);

        messages.Select(m => (m.Role, m.Content)).Should().Equal(expected);
        messages.Should().OnlyContain(m => m.Timestamp == null, "LangChain's format keeps no time");
    }

    [Fact]
    public async Task Load_ItemWrittenByLangChainJs_ReadsItsMessagesAndSkipsTheGenericOne()
    {
        var item = DynamoDbJson.ReadItemFile("langchainjs-community-1.1.json");
        var id = SessionId.Parse($"{item["id"].S}-{Guid.NewGuid():N}");
        item["id"] = new AttributeValue { S = id.Value };
        await dynamo.Client.PutItemAsync(new PutItemRequest { TableName = DynamoDbFixture.LangChainJsTable, Item = item }, Ct);

        var messages = await dynamo.Repository(
            DynamoDbStoreLayout.LangChain,
            o => (o.TableName, o.PartitionKeyName, o.HistoryAttributeName) = (DynamoDbFixture.LangChainJsTable, "id", "messages")).LoadAsync(id, null, Ct);

        messages.Select(m => (m.Role, m.Content)).Should().Equal(
            (ChatRole.System, "あなたは新潟の観光案内です。"),
            (ChatRole.User, "おすすめの日本酒は？"),
            (ChatRole.Assistant, "八海山や久保田が有名です。"),
            (ChatRole.User, "ありがとう"),
            (ChatRole.Assistant, "どういたしまして。"));
    }

    [Fact]
    public async Task AppendTurn_UnderAnotherHistoryAttributeName_WritesThere()
    {
        var id = SessionId.New();

        await dynamo.Repository(DynamoDbStoreLayout.LangChain, o => o.HistoryAttributeName = "Messages")
            .AppendTurnAsync(id, new ChatTurn(ChatMessage.User("q"), ChatMessage.Assistant("a")), Ct);

        var item = await dynamo.GetLangChainItemAsync(id);
        item.Keys.Should().BeEquivalentTo("SessionId", "Messages");
        item["Messages"].L.Should().HaveCount(2);
    }

    [Fact]
    public async Task Load_EntriesOfUnknownTypeOrWithoutContent_AreSkippedWithALogLine()
    {
        var id = SessionId.New();
        var human = LangChainMessages.Human("q");
        var chat = Entry("chat", new() { ["content"] = new AttributeValue { S = "from a ChatMessage" }, ["role"] = new AttributeValue { S = "critic" } });
        var noContent = Entry("ai", new() { ["additional_kwargs"] = new AttributeValue { M = [] } });
        var untyped = new AttributeValue { M = new() { ["data"] = new AttributeValue { M = new() { ["content"] = new AttributeValue { S = "?" } } } } };
        var notAMap = new AttributeValue { S = "stray" };
        await dynamo.PutLangChainHistoryAsync(id, [human, chat, noContent, untyped, notAMap, LangChainMessages.Ai("a")]);
        var logs = new FakeLoggerProvider();

        var messages = await dynamo.Repository(DynamoDbStoreLayout.LangChain, logs: logs).LoadAsync(id, null, Ct);

        messages.Select(m => m.Content).Should().Equal("q", "a");
        var skipped = logs.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Warning && r.Message.StartsWith("Skipped", StringComparison.Ordinal)).ToList();
        skipped.Should().HaveCount(4);
        skipped[0].Message.Should().Contain("'chat'").And.Contain(id.LogHandle).And.NotContain(id.Value);
    }

    [Fact]
    public async Task AppendTurn_WritesLangChainsItemShapeFieldByField()
    {
        var id = SessionId.New();

        await dynamo.Repository(DynamoDbStoreLayout.LangChain).AppendTurnAsync(id, new ChatTurn(ChatMessage.User("質問"), ChatMessage.Assistant("回答")), Ct);

        var item = await dynamo.GetLangChainItemAsync(id);
        item.Keys.Should().BeEquivalentTo("SessionId", "History");
        item["SessionId"].S.Should().Be(id.Value);
        var history = item["History"].L;
        history.Should().HaveCount(2);

        var (humanType, human) = Unpack(history[0]);
        humanType.Should().Be("human");
        human.Keys.Should().BeEquivalentTo("content", "additional_kwargs", "response_metadata", "type", "name", "id", "example");
        human["content"].S.Should().Be("質問");
        human["type"].S.Should().Be("human");
        AssertLangChainDefaults(human);

        var (aiType, ai) = Unpack(history[1]);
        aiType.Should().Be("ai");
        ai.Keys.Should().BeEquivalentTo(
            "content", "additional_kwargs", "response_metadata", "type", "name", "id", "example", "tool_calls", "invalid_tool_calls", "usage_metadata");
        ai["content"].S.Should().Be("回答");
        ai["type"].S.Should().Be("ai");
        AssertLangChainDefaults(ai);
        ai["tool_calls"].L.Should().BeEmpty();
        ai["invalid_tool_calls"].L.Should().BeEmpty();
        ai["usage_metadata"].NULL.Should().BeTrue();
    }

    [Fact]
    public async Task AppendTurn_WithUsage_WritesLangChainsUsageMetadataAndResponseMetadata()
    {
        var id = SessionId.New();
        var usage = new MessageUsage(100, 20, CacheReadTokens: 2000, CacheWriteTokens: 50, ModelId: "anthropic.claude-3-haiku-20240307-v1:0");

        await dynamo.Repository(DynamoDbStoreLayout.LangChain).AppendTurnAsync(id, new ChatTurn(ChatMessage.User("q"), ChatMessage.Assistant("a") with { Usage = usage }), Ct);

        var (_, ai) = Unpack((await dynamo.GetLangChainItemAsync(id))["History"].L[1]);
        var metadata = ai["usage_metadata"].M;
        // LangChain's input_tokens is the whole prompt; the cache's share is in input_token_details.
        metadata["input_tokens"].N.Should().Be("2150");
        metadata["output_tokens"].N.Should().Be("20");
        metadata["total_tokens"].N.Should().Be("2170");
        metadata["input_token_details"].M["cache_read"].N.Should().Be("2000");
        metadata["input_token_details"].M["cache_creation"].N.Should().Be("50");
        ai["response_metadata"].M["model_id"].S.Should().Be(usage.ModelId);
        ai["response_metadata"].M["model_name"].S.Should().Be(usage.ModelId);
        (await dynamo.Repository(DynamoDbStoreLayout.LangChain).LoadAsync(id, null, Ct))[1].Usage.Should().Be(usage);
    }

    [Fact]
    public async Task AppendTurn_OfAnInterruptedAnswerWithUsage_KeepsTheStopReasonAndTheModelInOneResponseMetadata()
    {
        var id = SessionId.New();
        var usage = new MessageUsage(10, 5, ModelId: "m1");

        await dynamo.Repository(DynamoDbStoreLayout.LangChain).AppendTurnAsync(
            id, new ChatTurn(ChatMessage.User("q"), ChatMessage.Assistant("cut") with { Interrupted = true, Usage = usage }), Ct);

        var (_, ai) = Unpack((await dynamo.GetLangChainItemAsync(id))["History"].L[1]);
        ai["response_metadata"].M[LangChainMessages.StopReasonField].S.Should().Be(LangChainMessages.Interrupted);
        ai["response_metadata"].M["model_id"].S.Should().Be("m1");
        var loaded = (await dynamo.Repository(DynamoDbStoreLayout.LangChain).LoadAsync(id, null, Ct))[1];
        (loaded.Interrupted, loaded.Usage).Should().Be((true, usage));
    }

    [Fact]
    public async Task AppendTurn_WithAnIdempotencyKey_KeepsItBesideTypeAndData_WherePythonDoesNotLook()
    {
        var fixture = DynamoDbJson.ReadItemFile("langchain-core-0.3.json")["History"].L;
        var id = SessionId.New();

        await dynamo.Repository(DynamoDbStoreLayout.LangChain).AppendTurnAsync(id, new ChatTurn(ChatMessage.User("q") with { RequestId = "k" }, ChatMessage.Assistant("a")), Ct);

        var human = (await dynamo.GetLangChainItemAsync(id))["History"].L[0].M;
        human[LangChainMessages.RequestIdField].S.Should().Be("k");
        human["data"].M.Keys.Should().BeEquivalentTo(fixture[0].M["data"].M.Keys, "HumanMessage(**data) gets no unknown argument");
        human["additional_kwargs"].S.Should().Be("{}", "LangChain.js passes additional_kwargs on to models");
    }

    [Fact]
    public async Task AppendTurn_WritesTheFieldsLangChainCore03Writes()
    {
        var fixture = DynamoDbJson.ReadItemFile("langchain-core-0.3.json")["History"].L;
        var id = SessionId.New();

        await dynamo.Repository(DynamoDbStoreLayout.LangChain).AppendTurnAsync(id, new ChatTurn(ChatMessage.User("q"), ChatMessage.Assistant("a")), Ct);

        var written = (await dynamo.GetLangChainItemAsync(id))["History"].L;
        for (var i = 0; i < 2; i++)
        {
            written[i].M.Keys.Should().Contain(fixture[i].M.Keys, "Python LangChain reads type and data");
            var ours = written[i].M["data"].M;
            var theirs = fixture[i].M["data"].M;
            ours.Keys.Should().BeEquivalentTo(theirs.Keys);
            foreach (var field in theirs.Keys)
            {
                // Optional fields the model fills in (the run id, token counts) are None, so NULL, when unknown.
                var expected = field is "name" or "id" or "usage_metadata" ? "NULL" : Kind(theirs[field]);
                Kind(ours[field]).Should().Be(expected, $"field {field} of entry {i} keeps LangChain's attribute type");
            }
        }
    }

    [Fact]
    public async Task AppendTurn_ToAnItemWrittenByLangChain_KeepsItsEntriesAndAttributes()
    {
        var id = await PutFixtureAsync("langchain-core-0.3.json");
        var before = await dynamo.GetLangChainItemAsync(id);

        await dynamo.Repository(DynamoDbStoreLayout.LangChain).AppendTurnAsync(id, new ChatTurn(ChatMessage.User("q"), ChatMessage.Assistant("a")), Ct);

        var after = await dynamo.GetLangChainItemAsync(id);
        after["History"].L.Take(2).Select(DynamoDbJson.Text).Should().Equal(before["History"].L.Select(DynamoDbJson.Text));
        after["History"].L.Skip(2).Select(e => LangChainMessages.Read(e, out _)!.Content).Should().Equal("q", "a");
        after["expireAt"].N.Should().Be(before["expireAt"].N, "an attribute we do not manage is left alone");
    }

    [Fact]
    public async Task AppendTurn_WritesTheFieldsLangChainJsWrites()
    {
        var fixture = DynamoDbJson.ReadItemFile("langchainjs-community-1.1.json")["messages"].L;
        var id = SessionId.New();

        await dynamo.Repository(DynamoDbStoreLayout.LangChain).AppendTurnAsync(id, new ChatTurn(ChatMessage.User("q"), ChatMessage.Assistant("a")), Ct);

        var written = (await dynamo.GetLangChainItemAsync(id))["History"].L;
        foreach (var (entry, theirs) in written.Zip([fixture[1], fixture[2]]))
        {
            foreach (var field in theirs.M.Keys)
            {
                Kind(entry.M[field]).Should().Be(Kind(theirs.M[field]), $"LangChain.js reads {field} as {Kind(theirs.M[field])}");
            }

            entry.M["type"].S.Should().Be(theirs.M["type"].S);
        }
    }

    private static void AssertLangChainDefaults(Dictionary<string, AttributeValue> data)
    {
        data["additional_kwargs"].M.Should().NotBeNull().And.BeEmpty();
        data["response_metadata"].M.Should().NotBeNull().And.BeEmpty();
        data["name"].NULL.Should().BeTrue();
        data["id"].NULL.Should().BeTrue();
        data["example"].BOOL.Should().BeFalse();
    }

    private static string Kind(AttributeValue value) =>
        value.S is not null ? "S" : value.N is not null ? "N" : value.BOOL is not null ? "BOOL" : value.L is not null ? "L" : value.M is not null ? "M" : "NULL";

    /// <summary>Python's <c>{type, data}</c>, plus LangChain.js's <c>text</c> (the content) and <c>additional_kwargs</c> (JSON text), as it writes them.</summary>
    private static (string Type, Dictionary<string, AttributeValue> Data) Unpack(AttributeValue entry)
    {
        entry.M.Keys.Should().BeEquivalentTo("type", "data", "text", "additional_kwargs");
        entry.M["text"].S.Should().Be(entry.M["data"].M["content"].S);
        entry.M["additional_kwargs"].S.Should().Be("{}");
        return (entry.M["type"].S, entry.M["data"].M);
    }

    private static AttributeValue Entry(string type, Dictionary<string, AttributeValue> data) =>
        new() { M = new() { ["type"] = new AttributeValue { S = type }, ["data"] = new AttributeValue { M = data } } };

    private async Task<SessionId> PutFixtureAsync(string file)
    {
        var item = DynamoDbJson.ReadItemFile(file);
        var id = SessionId.Parse($"{item["SessionId"].S}-{Guid.NewGuid():N}");
        item["SessionId"] = new AttributeValue { S = id.Value };
        await dynamo.PutLangChainItemAsync(item);
        return id;
    }
}
