using Amazon.Runtime;
using BenchmarkDotNet.Attributes;
using ChatBedrock.Adapters.Bedrock;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using ChatBedrock.Testing.Bedrock;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatBedrock.Bedrock.Benchmarks;

/// <summary>
/// The adapter's own cost, with the network replaced by an in-memory HTTP handler that answers with real
/// event-stream frames at once: everything measured is the adapter's work (request JSON, SigV4 signing,
/// HttpClient pipeline, frame decoding, JSON of the events, the async iterator).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[MaxColumn]
public class StreamingBenchmarks
{
    private const int ManyDeltas = 100;

    private static readonly ModelRequest Request = new(
        "You are terse.", [ChatMessage.User("こんにちは"), ChatMessage.Assistant("はい"), ChatMessage.User("Say something.")],
        new ModelSettings { MaxTokens = 1000, Temperature = 0.5 });

    private ServiceProvider _oneDelta = null!;
    private ServiceProvider _manyDeltas = null!;
    private byte[] _manyDeltasBody = null!;

    [GlobalSetup]
    public void Setup()
    {
        _oneDelta = Provider(Body(1));
        _manyDeltasBody = Body(ManyDeltas);
        _manyDeltas = Provider(_manyDeltasBody);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _oneDelta.Dispose();
        _manyDeltas.Dispose();
    }

    /// <summary>From the call to the first delta in the caller's hands (the stream's bytes are already there).</summary>
    [Benchmark(Baseline = true)]
    public async Task<string> FirstDelta()
    {
        await using var updates = _oneDelta.GetRequiredService<ILanguageModel>().StreamAsync(Request, CancellationToken.None).GetAsyncEnumerator();
        await updates.MoveNextAsync();
        return ((ModelTextDelta)updates.Current).Text;
    }

    /// <summary>A whole answer of 100 deltas; minus <see cref="FirstDelta"/>, divided by 99, is the cost of one more delta.</summary>
    [Benchmark]
    public async Task<int> HundredDeltas()
    {
        var count = 0;
        await foreach (var update in _manyDeltas.GetRequiredService<ILanguageModel>().StreamAsync(Request, CancellationToken.None))
        {
            count++;
        }

        return count;
    }

    /// <summary>Only decoding: frames to deltas, per delta.</summary>
    [Benchmark(OperationsPerInvoke = ManyDeltas)]
    public async Task<int> DecodePerDelta()
    {
        var session = new ConverseStreamSession(new HttpResponseMessage(), new MemoryStream(_manyDeltasBody, writable: false), "model", "us-east-1", NullLogger.Instance);
        await using (session)
        {
            var count = 0;
            while (await session.ReadAsync(CancellationToken.None) is not null)
            {
                count++;
            }

            return count;
        }
    }

    private static byte[] Body(int deltas)
    {
        var frames = new List<byte[]> { EventStreamFrames.Event("messageStart", """{"role":"assistant","p":"abcdefghijklmnop"}""") };
        for (var i = 0; i < deltas; i++)
        {
            frames.Add(EventStreamFrames.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":" word"},"p":"abcdefghijklmnopqrstu"}"""));
        }

        frames.Add(EventStreamFrames.Event("contentBlockStop", """{"contentBlockIndex":0,"p":"abcd"}"""));
        frames.Add(EventStreamFrames.Event("messageStop", """{"stopReason":"end_turn","p":"abcdefgh"}"""));
        frames.Add(EventStreamFrames.Event("metadata", """{"usage":{"inputTokens":20,"outputTokens":100,"totalTokens":120},"metrics":{"latencyMs":900},"p":"ab"}"""));
        return frames.SelectMany(f => f).ToArray();
    }

    private static ServiceProvider Provider(byte[] body)
    {
        var services = new ServiceCollection()
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddSingleton(new BedrockEnvironment
            {
                Variable = _ => null,
                ProfileRegion = () => null,
                DefaultCredentials = _ => Task.FromResult<AWSCredentials>(new BasicAWSCredentials("AKIDBENCHMARK", "secret")),
            })
            .AddBedrockLanguageModel(o => { o.Region = "us-east-1"; o.Endpoint = "http://bedrock.invalid/"; });
        services.AddHttpClient(BedrockRuntimeClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new CannedHandler(body));
        return services.BuildServiceProvider();
    }

    private sealed class CannedHandler(byte[] body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StreamContent(new MemoryStream(body, writable: false)) });
    }
}
