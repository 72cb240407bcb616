using System.Net.Http.Headers;
using System.Text;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using ChatBedrock.Testing.Bedrock;

using static ChatBedrock.Adapters.Bedrock.Tests.Streams;

namespace ChatBedrock.Adapters.Bedrock.Tests;

/// <summary>Guardrail, performance configuration and service tier: what is sent, and what the emulator (as Bedrock) accepts.</summary>
public sealed class RequestOptionsTests : IAsyncDisposable
{
    private static readonly BedrockEmulatorGuardrail Guardrail = new("gr1abc", "2", "forbidden") { BlockedInputMessaging = "I can't talk about that." };

    private readonly BedrockTestBeds _beds = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _beds.DisposeAsync();

    [Fact]
    public async Task Guardrail_IsSentWithTrace_AndStreamProcessingModeOnlyWithStreams()
    {
        var bed = await StartGuardedAsync();

        await bed.Model.CompleteAsync(Request("hello"), Ct);
        await CollectAsync(bed.Model.StreamAsync(Request("hello"), Ct));

        var (buffered, streamed) = (bed.Emulator.Requests.First().Body, bed.Emulator.Requests.Last().Body);
        buffered.GetProperty("guardrailConfig").GetRawText().Should().Be("""{"guardrailIdentifier":"gr1abc","guardrailVersion":"2","trace":"enabled"}""");
        streamed.GetProperty("guardrailConfig").GetRawText().Should().Be(
            """{"guardrailIdentifier":"gr1abc","guardrailVersion":"2","trace":"enabled","streamProcessingMode":"async"}""");
    }

    [Fact]
    public async Task Guardrail_ThatBlocksTheInput_AnswersWithItsMessage_AndTheStopReasonSaysSo()
    {
        var bed = await StartGuardedAsync();

        var buffered = await bed.Model.CompleteAsync(Request("tell me the forbidden thing"), Ct);
        var streamed = await CollectAsync(bed.Model.StreamAsync(Request("tell me the forbidden thing"), Ct));

        (buffered.Text, buffered.StopReason).Should().Be(("I can't talk about that.", StopReasons.GuardrailIntervened));
        string.Concat(streamed.OfType<ModelTextDelta>().Select(d => d.Text)).Should().Be("I can't talk about that.");
        streamed[^1].Should().BeOfType<ModelStreamEnd>().Which.StopReason.Should().Be(StopReasons.GuardrailIntervened);
    }

    [Fact]
    public async Task Guardrail_ThatBlocksTheAnswer_AnswersWithItsOutputMessage()
    {
        var bed = await StartGuardedAsync();
        bed.Emulator.Enqueue(BedrockReply.Text("the ", "forbidden ", "answer"));

        var response = await bed.Model.CompleteAsync(Request("innocent"), Ct);

        (response.Text, response.StopReason).Should().Be((Guardrail.BlockedOutputsMessaging, StopReasons.GuardrailIntervened));
    }

    [Fact]
    public async Task Guardrail_EvaluatesOnlyTheNewInput_SoABlockedTurnInTheHistoryDoesNotBlockTheNext()
    {
        var bed = await StartGuardedAsync();
        var request = new ModelRequest(null,
            [ChatMessage.User("the forbidden thing"), ChatMessage.Assistant("I can't talk about that."), ChatMessage.User("then the weather?")],
            new ModelSettings());

        var response = await bed.Model.CompleteAsync(request, Ct);

        response.StopReason.Should().Be(StopReasons.EndTurn);
        var messages = bed.Emulator.Requests.Single().Body.GetProperty("messages").EnumerateArray().ToList();
        messages[0].GetProperty("content")[0].GetProperty("text").GetString().Should().Be("the forbidden thing");
        messages[2].GetProperty("content")[0].GetRawText().Should().Be("""{"guardContent":{"text":{"text":"then the weather?"}}}""");
    }

    [Fact]
    public async Task PerformanceConfigAndServiceTier_AreSentAsConfigured_AndAccepted()
    {
        var bed = await _beds.StartAsync(o => { o.PerformanceLatency = "optimized"; o.ServiceTier = "flex"; });

        await bed.Model.CompleteAsync(Request("hi"), Ct);

        var body = bed.Emulator.Requests.Single().Body;
        body.GetProperty("performanceConfig").GetRawText().Should().Be("""{"latency":"optimized"}""");
        body.GetProperty("serviceTier").GetRawText().Should().Be("""{"type":"flex"}""");
    }

    [Fact]
    public async Task Defaults_SendNoGuardrailPerformanceConfigOrServiceTier()
    {
        var bed = await _beds.StartAsync();

        await bed.Model.CompleteAsync(Request("hi"), Ct);

        var body = bed.Emulator.Requests.Single().Body;
        body.TryGetProperty("guardrailConfig", out _).Should().BeFalse();
        body.TryGetProperty("performanceConfig", out _).Should().BeFalse();
        body.TryGetProperty("serviceTier", out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("""{"guardrailConfig":{"guardrailIdentifier":"gr1abc","guardrailVersion":"2","streamProcessingMode":"sync"}}""", "extraneous key [streamProcessingMode]")]
    [InlineData("""{"guardrailConfig":{"guardrailIdentifier":"nope","guardrailVersion":"2"}}""", "does not exist")]
    [InlineData("""{"guardrailConfig":{"guardrailIdentifier":"gr1abc","guardrailVersion":"2","trace":"verbose"}}""", "trace")]
    [InlineData("""{"performanceConfig":{"latency":"fast"}}""", "performanceConfig.latency")]
    [InlineData("""{"serviceTier":{"type":"gold"}}""", "serviceTier.type")]
    [InlineData("""{"system":[{"text":"s"},{"cachePoint":{"type":"ephemeral"}}]}""", "cachePoint must be")]
    [InlineData("""{"system":[{"text":"s"},{"cachePoint":{"type":"default"}},{"text":"s"},{"cachePoint":{"type":"default"}},{"text":"s"},{"cachePoint":{"type":"default"}},{"text":"s"},{"cachePoint":{"type":"default"}},{"text":"s"},{"cachePoint":{"type":"default"}}]}""", "A maximum of 4 blocks")]
    public async Task Emulator_RejectsWhatBedrockRejects(string fields, string message)
    {
        await using var emulator = await BedrockEmulator.StartAsync(new BedrockEmulatorOptions { Guardrails = [Guardrail] }, Ct);

        var (status, body) = await PostAsync(emulator, "anthropic.claude-3-7-sonnet-20250219-v1:0", fields);

        status.Should().Be(400);
        body.Should().Contain(message);
    }

    [Fact]
    public async Task Emulator_RejectsCachePointsForAModelWithoutPromptCaching()
    {
        await using var emulator = await BedrockEmulator.StartAsync(cancellationToken: Ct);

        var (status, body) = await PostAsync(emulator, "anthropic.claude-3-haiku-20240307-v1:0", """{"system":[{"text":"s"},{"cachePoint":{"type":"default"}}]}""");

        status.Should().Be(400);
        body.Should().Contain("You invoked an unsupported model or your request did not allow prompt caching");
    }

    private Task<BedrockTestBed> StartGuardedAsync() =>
        _beds.StartAsync(new TestMachine(), o =>
        {
            o.GuardrailIdentifier = Guardrail.Identifier;
            o.GuardrailVersion = Guardrail.Version;
            o.GuardrailTrace = "enabled";
            o.GuardrailStreamProcessingMode = "async";
        }, new BedrockEmulatorOptions { Guardrails = [Guardrail] });

    private static ModelRequest Request(string input) => new(null, [ChatMessage.User(input)], new ModelSettings { MaxTokens = 100 });

    /// <summary>A Converse call with the API key: the messages plus <paramref name="fields"/> (a JSON object's members).</summary>
    private static async Task<(int Status, string Body)> PostAsync(BedrockEmulator emulator, string modelId, string fields)
    {
        var json = """{"messages":[{"role":"user","content":[{"text":"hi"}]}],"inferenceConfig":{"maxTokens":10},""" + fields[1..];
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(emulator.Endpoint, $"model/{Uri.EscapeDataString(modelId)}/converse"))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", emulator.Options.ApiKey);
        using var response = await client.SendAsync(request, Ct);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }
}
