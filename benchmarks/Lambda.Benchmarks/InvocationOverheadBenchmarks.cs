using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using ChatBedrock.Hosts.Lambda;
using ChatBedrock.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.Lambda.Benchmarks;

/// <summary>
/// What the host adds to one invocation, model and store excluded (both answer at once): reading the event,
/// routing, the use case's bookkeeping, the JSON answer and the payload-2.0 response. The Runtime API's own
/// HTTP round trips are not included (they are Lambda's, on loopback).
/// </summary>
[MemoryDiagnoser]
public class InvocationOverheadBenchmarks
{
    private ServiceProvider _services = null!;
    private ChatHttpHandler _handler = null!;
    private byte[] _functionUrlEvent = null!;
    private byte[] _directEvent = null!;

    [GlobalSetup]
    public void Setup()
    {
        _services = new ServiceCollection()
            .AddLogging()
            .AddConversationUseCases()
            .AddSingleton<IConversationRepository, InstantRepository>()
            .AddSingleton<ILanguageModel, InstantModel>()
            .AddChatHttp()
            .BuildServiceProvider();
        _handler = _services.GetRequiredService<ChatHttpHandler>();
        _functionUrlEvent = FunctionUrlEvents.Chat();
        _directEvent = Encoding.UTF8.GetBytes("""{"input_text": "おはようございます。今日の新潟の天気はどうですか？"}""");
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true)]
    public async Task<byte[]> FunctionUrlGet()
    {
        var request = LambdaEvents.IsHttpEvent(_functionUrlEvent) ? LambdaEvents.FromFunctionUrl(_functionUrlEvent) : throw new InvalidOperationException();
        var response = new BufferedResponse();
        await _handler.HandleAsync(request, response, CancellationToken.None);
        return JsonSerializer.SerializeToUtf8Bytes(response.ToFunctionUrlResponse(), LambdaJsonContext.Default.FunctionUrlResponse);
    }

    [Benchmark]
    public async Task<byte[]> DirectInvocation()
    {
        var request = LambdaEvents.IsHttpEvent(_directEvent) ? throw new InvalidOperationException() : LambdaEvents.FromDirectInvocation(_directEvent);
        var response = new BufferedResponse();
        await _handler.HandleAsync(request, response, CancellationToken.None);
        return response.Body;
    }

    private sealed class InstantModel : ILanguageModel
    {
        private static readonly ModelResponse Answer = new("おはようございます。新潟は晴れです。", new ModelUsage(20, 12), StopReasons.EndTurn);

        private static readonly ModelStatus Status = new("instant", "instant");

        public Task<ModelResponse> CompleteAsync(ModelRequest request, CancellationToken cancellationToken) => Task.FromResult(Answer);

        public ValueTask<ModelStatus> GetStatusAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Status);

        public async IAsyncEnumerable<ModelStreamUpdate> StreamAsync(ModelRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.CompletedTask;
            yield return new ModelTextDelta(Answer.Text);
            yield return new ModelStreamEnd(Answer.Usage, Answer.StopReason);
        }
    }

    private sealed class InstantRepository : IConversationRepository
    {
        public string Name => "instant";

        public Task<IReadOnlyList<ChatMessage>> LoadAsync(SessionId sessionId, int? newestLimit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<ChatMessage>>([]);

        public Task AppendTurnAsync(SessionId sessionId, ChatTurn turn, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<bool> ReplaceLastTurnAsync(SessionId sessionId, ChatTurn expectedLast, ChatTurn replacement, CancellationToken cancellationToken) =>
            Task.FromResult(false);

        public Task DeleteAsync(SessionId sessionId, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
