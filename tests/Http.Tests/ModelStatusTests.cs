using ChatBedrock.Application;
using ChatBedrock.Domain;

namespace ChatBedrock.Http.Tests;

public sealed class ModelStatusTests : IDisposable
{
    private const string WhatToDo = "No usable AWS credentials were found for Bedrock. Set AWS_PROFILE.";
    private readonly HttpFixture _http = new(store: "sqlite");

    public ModelStatusTests() => _http.Model.Status = new ModelStatus("local", "model.gguf");

    [Fact]
    public async Task Status_IsReadFromTheModelStatusAtEveryRequest()
    {
        var (before, _) = await _http.SendAsync("GET", "/status");
        _http.Model.Status = new ModelStatus("bedrock", "anthropic.claude-3-haiku-20240307-v1:0", Ready: false, WhatToDo);
        var (after, _) = await _http.SendAsync("GET", "/status");

        before.Json.GetProperty("model").GetProperty("ready").GetBoolean().Should().BeTrue();
        before.Json.GetProperty("model").TryGetProperty("message", out _).Should().BeFalse("a ready model needs no advice");
        var model = after.Json.GetProperty("model");
        model.GetProperty("provider").GetString().Should().Be("bedrock");
        model.GetProperty("ready").GetBoolean().Should().BeFalse();
        model.GetProperty("message").GetString().Should().Be(WhatToDo);
        after.Json.GetProperty("store").GetString().Should().Be("sqlite");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_WhileTheModelIsNotReady_Is503ModelNotConfiguredWithWhatToDo(bool stream)
    {
        _http.Model.Status = new ModelStatus("local", "model.gguf", Ready: false, WhatToDo);

        var (response, error) = stream ? await _http.StreamAsync("""{"input_text": "hello"}""") : await _http.PostAsync("""{"input_text": "hello"}""");

        response.StatusCode.Should().Be(503);
        response.Header("content-type").Should().StartWith("application/json");
        response.Json.GetProperty("error").GetProperty("type").GetString().Should().Be(nameof(ChatErrorCode.ModelNotConfigured));
        response.Json.GetProperty("error").GetProperty("message").GetString().Should().Be(WhatToDo);
        error!.Type.Should().Be(nameof(ChatErrorCode.ModelNotConfigured));
        _http.Model.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Get_WhileTheModelIsNotReady_StillServesThePageAndHistory()
    {
        _http.Model.Status = new ModelStatus("local", "model.gguf", Ready: false, WhatToDo);

        var (page, _) = await _http.SendAsync("GET", "/");
        var (history, _) = await _http.SendAsync("GET", "/sessions/someone/messages");

        page.StatusCode.Should().Be(200);
        history.StatusCode.Should().Be(404);
    }

    [Fact]
    public async Task Post_OnceTheModelBecomesReady_Answers()
    {
        _http.Model.Status = new ModelStatus("local", "model.gguf", Ready: false, WhatToDo);
        var (refused, _) = await _http.PostAsync("""{"input_text": "hello"}""");
        _http.Model.Status = new ModelStatus("local", "model.gguf");

        var (answered, _) = await _http.PostAsync("""{"input_text": "hello"}""");

        refused.StatusCode.Should().Be(503);
        answered.StatusCode.Should().Be(200);
        answered.Json.GetProperty("output_text").GetString().Should().Be("echo: hello");
    }

    public void Dispose() => _http.Dispose();
}
