using System.Text;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using ChatBedrock.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.Http.Tests;

/// <summary><c>GET /sessions/{id}/usage</c>.</summary>
public sealed class SessionUsageRouteTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection()
        .AddLogging()
        .AddInMemoryConversationRepository()
        .AddSingleton<ILanguageModel>(new ScriptedLanguageModel())
        .AddConversationUseCases(o => o.Prices = "haiku=0.25/1.25/0.025/0.3")
        .AddChatHttp()
        .BuildServiceProvider();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetUsage_TotalsTheChatAndEstimatesItsCostPerModel()
    {
        var repository = _services.GetRequiredService<IConversationRepository>();
        var id = SessionId.Parse("chat 1");
        await repository.AppendTurnAsync(id, Turn(new MessageUsage(1000, 2000, 4000, 1000, "anthropic.claude-3-haiku-20240307-v1:0")), Ct);
        await repository.AppendTurnAsync(id, Turn(new MessageUsage(1000, 0, ModelId: "anthropic.claude-3-haiku-20240307-v1:0")), Ct);
        await repository.SaveSummaryAsync(id, new ConversationSummary("要約", 2, new MessageUsage(100, 10, ModelId: "anthropic.claude-3-haiku-20240307-v1:0")), Ct);

        var response = await GetAsync("/sessions/chat%201/usage");

        response.StatusCode.Should().Be(200);
        var json = response.Json;
        json.GetProperty("session_id").GetString().Should().Be("chat 1");
        json.GetProperty("answers").GetInt32().Should().Be(2);
        var usage = json.GetProperty("usage");
        usage.GetProperty("input_tokens").GetInt32().Should().Be(2100);
        usage.GetProperty("output_tokens").GetInt32().Should().Be(2010);
        usage.GetProperty("cache_read_tokens").GetInt32().Should().Be(4000);
        usage.GetProperty("cache_write_tokens").GetInt32().Should().Be(1000);
        usage.GetProperty("total_tokens").GetInt32().Should().Be(9110);
        // 2.1 × 0.25 + 2.01 × 1.25 + 4 × 0.025 + 1 × 0.3
        usage.GetProperty("estimated_cost").GetDecimal().Should().Be(3.4375m);
        json.GetProperty("models").EnumerateArray().Should().ContainSingle()
            .Which.GetProperty("model_id").GetString().Should().Be("anthropic.claude-3-haiku-20240307-v1:0");
        json.GetProperty("summary").GetProperty("text").GetString().Should().Be("要約");
        json.GetProperty("summary").GetProperty("covered_messages").GetInt32().Should().Be(2);
        response.Text.Should().Contain("要約", "Japanese stays readable as in every other body");
    }

    [Fact]
    public async Task GetUsage_AfterATurn_CountsItsAnswerWithoutASummary()
    {
        var post = await SendAsync("POST", "/", """{"input_text": "hello", "session_id": "s"}""");
        post.StatusCode.Should().Be(200);

        var json = (await GetAsync("/sessions/s/usage")).Json;

        json.GetProperty("usage").GetProperty("output_tokens").GetInt32().Should().BePositive();
        json.GetProperty("usage").TryGetProperty("estimated_cost", out _).Should().BeFalse("the price table has no price for the scripted model");
        json.TryGetProperty("summary", out _).Should().BeFalse();
    }

    [Fact]
    public async Task GetUsage_OfAnUnknownSession_Is404()
    {
        (await GetAsync("/sessions/nobody/usage")).StatusCode.Should().Be(404);
    }

    public void Dispose() => _services.Dispose();

    private Task<RecordingResponse> GetAsync(string path) => SendAsync("GET", path, null);

    private async Task<RecordingResponse> SendAsync(string method, string path, string? body)
    {
        var request = new ChatHttpRequest(method, path, null, new Dictionary<string, string> { ["accept"] = "application/json", ["content-type"] = "application/json" }, body is null ? default : Encoding.UTF8.GetBytes(body));
        var response = new RecordingResponse();
        await _services.GetRequiredService<ChatHttpHandler>().HandleAsync(request, response, Ct);
        return response;
    }

    private static ChatTurn Turn(MessageUsage usage) => new(ChatMessage.User("q"), ChatMessage.Assistant("a") with { Usage = usage });
}
