using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChatBedrock.Hosts.Lambda.Tests.EndToEnd;
using ChatBedrock.Testing.Bedrock;
using ChatBedrock.Testing.Lambda;

namespace ChatBedrock.Hosts.Lambda.Tests;

/// <summary>The published Native AOT <c>bootstrap</c> itself, as a process, against the fake Runtime API, dynalite and the Bedrock emulator.</summary>
public sealed partial class PublishedBootstrapTests(AwsBackends aws)
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Bootstrap_NeedsNoGlibcSymbolNewerThanAmazonLinux2023s()
    {
        var path = await PublishedBootstrap.PathAsync();
        var objdump = Process.Start(new ProcessStartInfo("objdump", ["-T", path]) { RedirectStandardOutput = true })!;
        var symbols = await objdump.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await objdump.WaitForExitAsync(TestContext.Current.CancellationToken);

        var versions = GlibcVersion().Matches(symbols).Select(m => Version.Parse(m.Groups[1].Value)).ToList();

        versions.Should().NotBeEmpty();
        versions.Max().Should().BeLessThanOrEqualTo(new Version(2, 34));
    }

    [Fact]
    public async Task DeploymentZip_HoldsBootstrapAloneAndExecutable()
    {
        await PublishedBootstrap.PathAsync();

        using var zip = ZipFile.OpenRead(Path.Combine(PublishedBootstrap.RepositoryRoot, "artifacts", "lambda", "bootstrap.zip"));

        zip.Entries.Select(e => e.FullName).Should().Equal("bootstrap");
        ((zip.Entries[0].ExternalAttributes >> 16) & 0b001_001_001).Should().Be(0b001_001_001, "Lambda runs bootstrap, so everyone may execute it");
    }

    [Fact]
    public async Task Bootstrap_WithAnInvalidSetting_ReportsAnInitErrorNamingIt_AndExits1()
    {
        await using var runtime = new FakeRuntimeApi();

        var (exitCode, output) = await PublishedBootstrap.RunAsync(
            new() { ["AWS_LAMBDA_RUNTIME_API"] = runtime.Address, ["CHAT_TEMPERATURE"] = "hot" }, TestContext.Current.CancellationToken);
        var initError = await runtime.InitError.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        exitCode.Should().Be(1, output);
        initError.Headers["Lambda-Runtime-Function-Error-Type"].Should().Be("ConfigurationInvalid");
        JsonDocument.Parse(initError.Body).RootElement.GetProperty("errorMessage").GetString().Should().Contain("CHAT_TEMPERATURE");
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().AllSatisfy(line => JsonDocument.Parse(line));
    }

    [Fact]
    public async Task Bootstrap_AnswersTheSeedsCallsBuffered_StoringTheConversationInDynamoDb()
    {
        await using var bedrock = await aws.TestBed.StartBedrockAsync(TestContext.Current.CancellationToken);
        await using var runtime = new FakeRuntimeApi();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        await PublishedBootstrap.PathAsync(); // publishing (once, ~1 min) must not count against the answer timeout
        var run = PublishedBootstrap.RunAsync(Environment(runtime, bedrock, streaming: false), stop.Token);
        var session = RealAdapterHost.NewSessionId();

        var get = await runtime.Invoke(LambdaHostFixture.FunctionUrlEvent("GET", rawQuery: $"input_text=%E3%81%93%E3%82%93%E3%81%AB%E3%81%A1%E3%81%AF&session_id={session}")).AnswerAsync(AnswerTimeout);
        var direct = await runtime.Invoke($$"""{"input_text": "また来ました", "session_id": "{{session}}"}""").AnswerAsync(AnswerTimeout);
        var history = await runtime.Invoke(LambdaHostFixture.FunctionUrlEvent("GET", $"/sessions/{session}/messages")).AnswerAsync(AnswerTimeout);
        var invalid = await runtime.Invoke("""{"input_text": 42}""").AnswerAsync(AnswerTimeout);
        await stop.CancelAsync();
        var (_, output) = await run;

        var getBody = JsonDocument.Parse(FunctionUrlBufferedTests.Payload(get).GetProperty("body").GetString()!).RootElement;
        getBody.GetProperty("output_text").GetString().Should().Be("You said: こんにちは");
        direct.IsError.Should().BeFalse(direct.Text);
        JsonDocument.Parse(direct.Body).RootElement.GetProperty("output_text").GetString().Should().Be("You said: また来ました");
        JsonDocument.Parse(FunctionUrlBufferedTests.Payload(history).GetProperty("body").GetString()!).RootElement
            .GetProperty("messages").GetArrayLength().Should().Be(4);
        invalid.Headers["Lambda-Runtime-Function-Error-Type"].Should().Be("RequestInvalid");
        bedrock.Requests.Last().Body.GetProperty("messages").GetArrayLength().Should().Be(3, "the second call continued the first");
        (await aws.TestBed.ItemsAsync(LambdaTestBed.LangChainTable, session, TestContext.Current.CancellationToken)).Should().ContainSingle();
        ShouldBeJsonLogWithoutMessageText(output, "こんにちは", "また来ました");
    }

    [Fact]
    public async Task Bootstrap_StreamsTheAnswer_AndReportsAFailureAfterTheFirstByteInTheTrailers()
    {
        await using var bedrock = await aws.TestBed.StartBedrockAsync(TestContext.Current.CancellationToken);
        bedrock.Enqueue(BedrockReply.Text("Hel", "lo"));
        bedrock.Enqueue(BedrockReply.Text("partial") with { StreamExceptionType = "throttlingException" });
        await using var runtime = new FakeRuntimeApi();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        await PublishedBootstrap.PathAsync(); // publishing (once, ~1 min) must not count against the answer timeout
        var run = PublishedBootstrap.RunAsync(Environment(runtime, bedrock, streaming: true), stop.Token);
        var session = RealAdapterHost.NewSessionId();
        var eventStream = new Dictionary<string, string> { ["accept"] = "text/event-stream" };

        var streamed = await runtime.Invoke(LambdaHostFixture.FunctionUrlEvent("POST", body: $$"""{"input_text": "Hi", "session_id": "{{session}}"}""", headers: eventStream)).AnswerAsync(AnswerTimeout);
        var failed = await runtime.Invoke(LambdaHostFixture.FunctionUrlEvent("POST", body: $$"""{"input_text": "again", "session_id": "{{session}}"}""", headers: eventStream)).AnswerAsync(AnswerTimeout);
        await stop.CancelAsync();
        var (_, output) = await run;

        streamed.Headers["Lambda-Runtime-Function-Response-Mode"].Should().Be("streaming");
        FunctionUrlStreamingTests.Prelude(streamed.Chunks[0]).GetProperty("statusCode").GetInt32().Should().Be(200);
        streamed.Chunks.Skip(1).Select(c => Encoding.UTF8.GetString(c).Split('\n')[0])
            .Should().Equal("event: start", "event: delta", "event: delta", "event: done");
        streamed.Trailers.Should().BeEmpty();
        Encoding.UTF8.GetString(failed.Chunks[^1]).Should().StartWith("event: error\n").And.Contain("\"type\":\"ModelThrottled\"");
        failed.Trailers["Lambda-Runtime-Function-Error-Type"].Should().Be("ModelThrottled");
        (await aws.TestBed.ItemsAsync(LambdaTestBed.LangChainTable, session, TestContext.Current.CancellationToken))
            .Should().ContainSingle().Which["History"].L.Should().HaveCount(2, "only the completed turn is stored");
        ShouldBeJsonLogWithoutMessageText(output, "Hello", "partial");
    }

    private Dictionary<string, string?> Environment(FakeRuntimeApi runtime, BedrockEmulator bedrock, bool streaming)
    {
        var environment = aws.TestBed.Environment(bedrock, streaming: streaming);
        environment["AWS_LAMBDA_RUNTIME_API"] = runtime.Address;
        return environment;
    }

    private static void ShouldBeJsonLogWithoutMessageText(string output, params string[] texts)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Should().NotBeEmpty();
        lines.Should().AllSatisfy(line => JsonDocument.Parse(line));
        lines.Should().Contain(line => line.Contains("\"requestId\"", StringComparison.Ordinal));
        foreach (var text in texts)
        {
            lines.Should().NotContain(line => line.Contains(text, StringComparison.Ordinal));
        }
    }

    [GeneratedRegex(@"GLIBC_(\d+\.\d+(?:\.\d+)?)")]
    private static partial Regex GlibcVersion();
}
