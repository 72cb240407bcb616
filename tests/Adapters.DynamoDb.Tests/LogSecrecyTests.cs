using Amazon.DynamoDBv2;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using ChatBedrock.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ChatBedrock.Adapters.DynamoDb.Tests;

/// <summary>
/// A session id is the only key to a conversation, and message text is the user's: neither may reach a log
/// at Information or above (issue 12). A full run of the use case on each layout, logged at Trace, through
/// new and continued turns (buffered and streamed), a read, a trim at the item limit, skipped entries, a
/// model error, a store error and a delete; then every entry at Information or above is searched for both.
/// </summary>
public sealed class LogSecrecyTests(DynamoDbFixture dynamo)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DynamoDbStoreLayout.LangChain)]
    [InlineData(DynamoDbStoreLayout.Turns)]
    public async Task FullRun_LogsNoSessionIdAndNoMessageTextAtInformationOrAbove(DynamoDbStoreLayout layout)
    {
        var logs = new FakeLoggerProvider();
        var model = new ScriptedLanguageModel();
        model.DefaultAnswer = r => $"answer-to-{r.Messages[^1].Content.Split(':')[0]}";
        await using var services = Services(layout, model, logs, table: null);
        var chat = services.GetRequiredService<ContinueConversation>();
        var repository = services.GetRequiredService<IConversationRepository>();
        var secrets = new List<string>();
        string Secret(string text)
        {
            secrets.Add(text);
            return text;
        }

        var first = await chat.ExecuteAsync(new ConversationRequest(Secret($"question-{Guid.NewGuid():N}"), null), Ct);
        var id = Secret(first.SessionId.Value);
        secrets.Add(first.OutputText);
        for (var i = 0; i < 30; i++)
        {
            // About 15 KB a turn, so the LangChain item reaches its 400 KB limit and is trimmed.
            var input = Secret($"question-{i}-{Guid.NewGuid():N}");
            secrets.Add($"answer-to-{input}");
            var request = new ConversationRequest(input + ":" + new string('q', 15_000), id);
            if (i % 2 == 0)
            {
                await chat.ExecuteAsync(request, Ct);
            }
            else
            {
                await foreach (var _ in chat.StreamAsync(request, Ct))
                {
                }
            }
        }

        await repository.LoadAsync(SessionId.Parse(id), null, Ct);
        model.Fail(new ChatException(ChatErrorCode.ModelUnavailable, "The model broke."));
        var failing = Secret($"question-that-fails-{Guid.NewGuid():N}");
        await FluentActions.Awaiting(() => chat.ExecuteAsync(new ConversationRequest(failing, id), Ct)).Should().ThrowAsync<ChatException>();
        if (layout == DynamoDbStoreLayout.LangChain)
        {
            var other = SessionId.New();
            await dynamo.PutLangChainHistoryAsync(other, [LangChainMessages.Human(Secret($"stored-{Guid.NewGuid():N}")), LangChainMessages.Ai("x")]);
            await dynamo.PutLangChainItemAsync(new()
            {
                ["SessionId"] = new() { S = Secret(other.Value) },
                ["History"] = new() { L = [new() { M = new() { ["type"] = new() { S = "chat" }, ["data"] = new() { M = new() { ["content"] = new() { S = Secret($"skipped-{Guid.NewGuid():N}") } } } } }] },
            });
            await repository.LoadAsync(other, null, Ct);
        }

        await using (var missing = Services(layout, model, logs, table: "NoSuchTable"))
        {
            var store = Secret($"question-no-store-{Guid.NewGuid():N}");
            await FluentActions.Awaiting(() => missing.GetRequiredService<ContinueConversation>().ExecuteAsync(new ConversationRequest(store, id), Ct))
                .Should().ThrowAsync<ChatException>();
        }

        await repository.DeleteAsync(SessionId.Parse(id), Ct);

        var entries = logs.Collector.GetSnapshot();
        entries.Should().Contain(e => e.Level == LogLevel.Information && e.Message.StartsWith("Turn stored", StringComparison.Ordinal), "the run was logged");
        entries.Should().Contain(e => e.Level == LogLevel.Warning, "failures were logged");
        if (layout == DynamoDbStoreLayout.LangChain)
        {
            entries.Should().Contain(e => e.Message.Contains("400 KB", StringComparison.Ordinal), "the item was trimmed");
        }

        entries.Should().Contain(e => e.Level <= LogLevel.Debug && e.Message.Contains(id, StringComparison.Ordinal), "the capture sees what Debug may say");
        var loud = entries.Where(e => e.Level >= LogLevel.Information).Select(Text).ToList();
        foreach (var secret in secrets)
        {
            loud.Should().NotContain(text => text.Contains(secret, StringComparison.Ordinal), $"'{secret[..Math.Min(secret.Length, 30)]}' is a session id or message text");
        }
    }

    private static string Text(FakeLogRecord entry) =>
        string.Join('\n', [entry.Message, .. (entry.StructuredState ?? []).Select(p => p.Value ?? string.Empty), entry.Exception?.ToString() ?? string.Empty]);

    private ServiceProvider Services(DynamoDbStoreLayout layout, ScriptedLanguageModel model, FakeLoggerProvider logs, string? table) =>
        new ServiceCollection()
            .AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace))
            .AddSingleton<IAmazonDynamoDB>(dynamo.Client)
            .AddSingleton<ILanguageModel>(model)
            .AddConversationUseCases()
            .AddDynamoDbConversationRepository(o =>
            {
                o.Layout = layout;
                o.TableName = table ?? (layout == DynamoDbStoreLayout.Turns ? DynamoDbFixture.TurnsTable : DynamoDbFixture.LangChainTable);
            })
            .BuildServiceProvider();
}
