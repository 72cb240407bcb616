using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ChatBedrock.Adapters.LlamaSharp;
using ChatBedrock.Domain;
using ChatBedrock.Hosts.Local.Models;
using ChatBedrock.Testing.Bedrock;
using ChatBedrock.Testing.LlamaSharp;

namespace ChatBedrock.Hosts.Local.Tests;

/// <summary>
/// <c>--model-provider</c> and <c>--model</c> against the real adapters: Bedrock through the local emulator,
/// the local model through llama.cpp on a tiny GGUF model the test writes, downloaded from a local server.
/// </summary>
public sealed class ModelProviderTests : IDisposable
{
    /// <summary>What the tiny model answers; its UTF-8 bytes all differ, as <see cref="TinyGgufOptions.Recites"/> needs.</summary>
    private const string Recited = "ok 世界";

    private readonly string _folder = Directory.CreateTempSubdirectory("chatbedrock-local-models-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Auto_WithoutAwsCredentials_ChoosesTheLocalModel()
    {
        var model = WriteTinyModel();

        await using var host = await RunningHost.StartAsync(["--model", model]);
        var status = (await host.StatusAsync()).GetProperty("model");

        status.GetProperty("provider").GetString().Should().Be("local");
        status.GetProperty("model_id").GetString().Should().Be("tiny.gguf");
        status.GetProperty("ready").GetBoolean().Should().BeTrue();
        host.Log.Should().Contain(l => l.Contains("Model: local tiny.gguf (chosen by auto: bedrock is not configured: No AWS region", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Local_WithTheTinyModel_AnswersThroughTheHttpSurface()
    {
        await using var host = await RunningHost.StartAsync(["--model-provider", "local", "--model", WriteTinyModel()]);

        var buffered = await (await host.PostAsync("""{"input_text": "hello"}""")).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var streamed = await (await host.PostAsync($$"""{"input_text": "again", "session_id": "{{buffered.GetProperty("session_id").GetString()}}"}""", stream: true)).Content.ReadAsStringAsync(Ct);

        buffered.GetProperty("output_text").GetString().Should().Be(Recited);
        buffered.GetProperty("usage").GetProperty("output_tokens").GetInt32().Should().BePositive();
        streamed.Should().StartWith("event: start").And.Contain("event: delta").And.Contain($$"""event: done""").And.Contain(Recited);
    }

    [Fact]
    public async Task Local_WithAMissingModelFile_StartsAndSaysWhatToDo()
    {
        var missing = Path.Combine(_folder, "missing.gguf");

        await using var host = await RunningHost.StartAsync(["--model-provider", "local", "--model", missing]);
        var status = (await host.StatusAsync()).GetProperty("model");
        var turn = await host.PostAsync("""{"input_text": "hello"}""");

        status.GetProperty("ready").GetBoolean().Should().BeFalse();
        status.GetProperty("message").GetString().Should().Contain(missing).And.Contain("--model");
        await ShouldBeNotConfiguredAsync(turn, status.GetProperty("message").GetString()!);
    }

    [Fact]
    public async Task Local_WithoutAModel_DownloadsTheDefaultWhileServing_ThenAnswers()
    {
        var bytes = TinyModelBytes();
        await using var server = await ModelFileServer.StartAsync(bytes);
        using var progress = new StringWriter();
        var download = new ModelFile(server.Url, "tiny-default.gguf", bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)));

        await using var host = await RunningHost.StartAsync(providers: [new BedrockModelProvider(), new LocalModelProvider(download, _folder, progress)]);
        var ready = await host.WaitForStatusAsync(s => s.GetProperty("model").GetProperty("ready").GetBoolean());
        var reply = await (await host.PostAsync("""{"input_text": "hello"}""")).Content.ReadFromJsonAsync<JsonElement>(Ct);

        ready.GetProperty("model").GetProperty("model_id").GetString().Should().Be("tiny-default.gguf");
        File.Exists(Path.Combine(_folder, "tiny-default.gguf")).Should().BeTrue();
        progress.ToString().Should().Contain("Downloading tiny-default.gguf").And.Contain("100");
        reply.GetProperty("output_text").GetString().Should().Be(Recited);
    }

    [Fact]
    public async Task Local_WhenTheDownloadFails_StillServesAndSaysWhatToDo()
    {
        var bytes = TinyModelBytes();
        await using var server = await ModelFileServer.StartAsync(bytes);
        server.Status = HttpStatusCode.ServiceUnavailable;
        var download = new ModelFile(server.Url, "tiny-default.gguf", bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)));

        await using var host = await RunningHost.StartAsync(providers: [new BedrockModelProvider(), new LocalModelProvider(download, _folder, TextWriter.Null)]);
        var status = await host.WaitForStatusAsync(s => s.GetProperty("model").GetProperty("message").GetString()!.Contains("503", StringComparison.Ordinal));
        var message = status.GetProperty("model").GetProperty("message").GetString()!;
        var page = await host.Client.GetAsync("/", Ct);

        message.Should().Contain("--model <path of a GGUF chat model>").And.Contain("--model-provider bedrock");
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        await ShouldBeNotConfiguredAsync(await host.PostAsync("""{"input_text": "hello"}"""), message);
        host.Log.Should().Contain(l => l.Contains("The host keeps running", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bedrock_WithoutAwsCredentials_StartsAndSaysWhatToConfigure()
    {
        await using var host = await RunningHost.StartAsync(["--model-provider", "bedrock"]);
        var status = (await host.StatusAsync()).GetProperty("model");
        var message = status.GetProperty("message").GetString()!;

        status.GetProperty("provider").GetString().Should().Be("bedrock");
        status.GetProperty("model_id").GetString().Should().Be("anthropic.claude-3-haiku-20240307-v1:0");
        status.GetProperty("ready").GetBoolean().Should().BeFalse();
        message.Should().Contain("AWS_REGION").And.Contain("--model-provider local");
        await ShouldBeNotConfiguredAsync(await host.PostAsync("""{"input_text": "hello"}""", stream: true), message);
        host.Log.Should().Contain(l => l.Contains("The model cannot answer yet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Auto_WithBedrockCredentials_ChoosesBedrock_AndAnswersThroughIt()
    {
        await using var bedrock = await BedrockEmulator.StartAsync(cancellationToken: Ct);

        await using var host = await RunningHost.StartAsync(settings: new()
        {
            ["CHAT_MODEL_REGION"] = bedrock.Options.Region,
            ["Bedrock:Endpoint"] = bedrock.Endpoint.ToString(),
            ["Bedrock:ApiKey"] = bedrock.Options.ApiKey,
        });
        var status = (await host.StatusAsync()).GetProperty("model");
        var reply = await (await host.PostAsync("""{"input_text": "hello there"}""")).Content.ReadFromJsonAsync<JsonElement>(Ct);

        status.GetProperty("provider").GetString().Should().Be("bedrock");
        status.GetProperty("ready").GetBoolean().Should().BeTrue();
        reply.GetProperty("output_text").GetString().Should().Be("You said: hello there");
        host.Log.Should().Contain(l => l.Contains("Model: bedrock anthropic.claude-3-haiku-20240307-v1:0 (chosen by auto: Bedrock model", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task ShouldBeNotConfiguredAsync(HttpResponseMessage turn, string message)
    {
        turn.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        var error = (await turn.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error");
        error.GetProperty("type").GetString().Should().Be(nameof(ChatErrorCode.ModelNotConfigured));
        error.GetProperty("message").GetString().Should().Be(message);
    }

    private static byte[] TinyModelBytes()
    {
        var path = Path.GetTempFileName();
        try
        {
            TinyGguf.Write(path, new TinyGgufOptions { Recites = Recited });
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private string WriteTinyModel()
    {
        var path = Path.Combine(_folder, "tiny.gguf");
        TinyGguf.Write(path, new TinyGgufOptions { Recites = Recited });
        return path;
    }
}
