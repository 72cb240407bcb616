using System.Net;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using ChatBedrock.Testing.ExtensionsAI;
using Microsoft.Extensions.AI;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AIChatRole = Microsoft.Extensions.AI.ChatRole;
using ChatMessage = ChatBedrock.Domain.ChatMessage;

namespace ChatBedrock.Adapters.ExtensionsAI.Tests;

/// <summary>An IChatClient seen through ChatBedrock's model port: what it is asked, what comes back, how it fails.</summary>
public sealed class ChatClientLanguageModelTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ModelRequest Request(string? systemPrompt = "Be brief.") => new(
        systemPrompt,
        [ChatMessage.User("hi"), ChatMessage.Assistant("hello"), ChatMessage.User("how are you?")],
        new ModelSettings { MaxTokens = 77, Temperature = 0.25, TopP = 0.5, StopSequences = ["END"] });

    [Fact]
    public async Task Complete_SendsTheSystemPromptAsAFirstSystemMessageAndTheSettingsAsOptions()
    {
        var client = new ScriptedChatClient();

        await client.AsLanguageModel().CompleteAsync(Request(), Ct);

        var sent = client.Requests.Single();
        sent.Messages.Select(m => (m.Role, m.Text)).Should().Equal(
            (AIChatRole.System, "Be brief."), (AIChatRole.User, "hi"), (AIChatRole.Assistant, "hello"), (AIChatRole.User, "how are you?"));
        sent.Options!.MaxOutputTokens.Should().Be(77);
        sent.Options.Temperature.Should().Be(0.25f);
        sent.Options.TopP.Should().Be(0.5f);
        sent.Options.StopSequences.Should().Equal("END");
    }

    [Fact]
    public async Task Complete_WithoutSystemPrompt_SendsNoSystemMessage()
    {
        var client = new ScriptedChatClient();

        await client.AsLanguageModel().CompleteAsync(Request(systemPrompt: null), Ct);

        client.Requests.Single().Messages.Should().NotContain(m => m.Role == AIChatRole.System);
    }

    public static TheoryData<string?, string> FinishReasons() => new()
    {
        { null, StopReasons.EndTurn },
        { "stop", StopReasons.EndTurn },
        { "length", StopReasons.MaxTokens },
        { "content_filter", "content_filtered" },
        { "tool_calls", "tool_calls" },
        { "something_new", "something_new" },
    };

    [Theory]
    [MemberData(nameof(FinishReasons))]
    public async Task Complete_MapsTheFinishReason(string? finishReason, string stopReason)
    {
        var client = finishReason is null ? new ScriptedChatClient { ReportsFinishReason = false } : new ScriptedChatClient().AnswerWith(new ChatFinishReason(finishReason), "ok");

        var response = await client.AsLanguageModel().CompleteAsync(Request(), Ct);

        response.StopReason.Should().Be(stopReason);
    }

    [Theory]
    [MemberData(nameof(FinishReasons))]
    public async Task Stream_MapsTheFinishReason(string? finishReason, string stopReason)
    {
        var client = finishReason is null ? new ScriptedChatClient { ReportsFinishReason = false } : new ScriptedChatClient().AnswerWith(new ChatFinishReason(finishReason), "ok");

        var updates = await CollectAsync(client.AsLanguageModel().StreamAsync(Request(), Ct));

        updates.OfType<ModelStreamEnd>().Single().StopReason.Should().Be(stopReason);
    }

    [Fact]
    public async Task Complete_TakesUsageFromTheResponse()
    {
        var client = new ScriptedChatClient().Answer("four");

        var response = await client.AsLanguageModel().CompleteAsync(Request(), Ct);

        response.Usage.InputTokens.Should().BePositive();
        response.Usage.OutputTokens.Should().Be(TokenEstimator.Estimate("four"));
    }

    [Fact]
    public async Task Stream_AddsUpEveryUsageReportAndEndsExactlyOnce()
    {
        var client = new UpdatesChatClient(
            new ChatResponseUpdate(AIChatRole.Assistant, "a"),
            new ChatResponseUpdate(AIChatRole.Assistant, [new UsageContent(new UsageDetails { InputTokenCount = 10, OutputTokenCount = 1 })]) { FinishReason = ChatFinishReason.Stop },
            new ChatResponseUpdate(AIChatRole.Assistant, "b"),
            new ChatResponseUpdate(AIChatRole.Assistant, [new UsageContent(new UsageDetails { InputTokenCount = 5, OutputTokenCount = 2 })]) { FinishReason = ChatFinishReason.Length });

        var updates = await CollectAsync(client.AsLanguageModel().StreamAsync(Request(), Ct));

        updates.Should().Equal(new ModelTextDelta("a"), new ModelTextDelta("b"), new ModelStreamEnd(new ModelUsage(15, 3), StopReasons.MaxTokens));
    }

    [Fact]
    public async Task Stream_WithoutUsage_EndsWithZeros()
    {
        var client = new ScriptedChatClient { ReportsUsage = false }.Answer("x");

        var updates = await CollectAsync(client.AsLanguageModel().StreamAsync(Request(), Ct));

        updates.OfType<ModelStreamEnd>().Single().Usage.Should().Be(default(ModelUsage));
    }

    [Fact]
    public async Task Stream_SkipsUpdatesWithoutText()
    {
        var client = new UpdatesChatClient(
            new ChatResponseUpdate(AIChatRole.Assistant, [new TextReasoningContent("thinking")]),
            new ChatResponseUpdate(AIChatRole.Assistant, "answer"));

        var updates = await CollectAsync(client.AsLanguageModel().StreamAsync(Request(), Ct));

        updates.OfType<ModelTextDelta>().Should().Equal(new ModelTextDelta("answer"));
    }

    public static TheoryData<HttpStatusCode, ChatErrorCode> Statuses() => new()
    {
        { HttpStatusCode.TooManyRequests, ChatErrorCode.ModelThrottled },
        { HttpStatusCode.Unauthorized, ChatErrorCode.ModelAccessDenied },
        { HttpStatusCode.Forbidden, ChatErrorCode.ModelAccessDenied },
        { HttpStatusCode.NotFound, ChatErrorCode.ModelNotFound },
        { HttpStatusCode.BadRequest, ChatErrorCode.ModelInvalidRequest },
        { HttpStatusCode.InternalServerError, ChatErrorCode.ModelUnavailable },
        { HttpStatusCode.ServiceUnavailable, ChatErrorCode.ModelUnavailable },
        { HttpStatusCode.Conflict, ChatErrorCode.ModelUnavailable },
    };

    [Theory]
    [MemberData(nameof(Statuses))]
    public async Task Complete_ClassifiesAnHttpStatus(HttpStatusCode status, ChatErrorCode code)
    {
        var failure = new HttpRequestException("refused", null, status);
        var client = new ScriptedChatClient().Fail(failure);

        var act = () => client.AsLanguageModel().CompleteAsync(Request(), Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Should().Match<ChatException>(e => e.Code == code && e.InnerException == failure);
    }

    public static TheoryData<Exception, ChatErrorCode> Failures() => new()
    {
        { new TimeoutException(), ChatErrorCode.ModelTimeout },
        { new TaskCanceledException("HttpClient.Timeout", new TimeoutException()), ChatErrorCode.ModelTimeout },
        { new OperationCanceledException("a deadline of the client's own"), ChatErrorCode.ModelTimeout },
        { new InvalidOperationException("wrapped", new HttpRequestException("x", null, HttpStatusCode.TooManyRequests)), ChatErrorCode.ModelThrottled },
        { new HttpRequestException("connection refused"), ChatErrorCode.ModelUnavailable },
        { new InvalidOperationException("anything else"), ChatErrorCode.ModelUnavailable },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Stream_ClassifiesAFailureAfterTheFirstDelta(Exception failure, ChatErrorCode code)
    {
        var client = new ScriptedChatClient().Fail(failure, "partial");
        var seen = new List<ModelStreamUpdate>();

        var act = async () =>
        {
            await foreach (var update in client.AsLanguageModel().StreamAsync(Request(), Ct))
            {
                seen.Add(update);
            }
        };

        (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(code);
        seen.Should().Equal(new ModelTextDelta("partial"));
    }

    [Fact]
    public async Task Complete_LetsAChatExceptionPassUnchanged()
    {
        var failure = new ChatException(ChatErrorCode.ModelNotConfigured, "no credentials");
        var client = new ScriptedChatClient().Fail(failure);

        var act = () => client.AsLanguageModel().CompleteAsync(Request(), Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Should().BeSameAs(failure);
    }

    [Fact]
    public async Task Stream_CancelledByTheCaller_StaysACancellation()
    {
        var client = new ScriptedChatClient().Hang("first");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var act = async () =>
        {
            await foreach (var update in client.AsLanguageModel().StreamAsync(Request(), cts.Token))
            {
                await cts.CancelAsync();
            }
        };

        (await act.Should().ThrowAsync<OperationCanceledException>()).Which.Should().NotBeOfType<ChatException>();
    }

    [Fact]
    public void AsLanguageModel_OfABridgedModel_GivesTheModelBack()
    {
        var model = new Testing.ScriptedLanguageModel();

        model.AsChatClient().AsLanguageModel().Should().BeSameAs(model);
    }

    [Fact]
    public void AsChatClient_OfABridgedClient_GivesTheClientBack()
    {
        var client = new ScriptedChatClient();

        client.AsLanguageModel().AsChatClient().Should().BeSameAs(client);
    }

    internal static async Task<List<ModelStreamUpdate>> CollectAsync(IAsyncEnumerable<ModelStreamUpdate> stream)
    {
        var updates = new List<ModelStreamUpdate>();
        await foreach (var update in stream)
        {
            updates.Add(update);
        }

        return updates;
    }

    /// <summary>Streams exactly the given updates.</summary>
    private sealed class UpdatesChatClient(params ChatResponseUpdate[] updates) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            updates.ToAsyncEnumerable().ToChatResponseAsync(cancellationToken);

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            updates.ToAsyncEnumerable();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
