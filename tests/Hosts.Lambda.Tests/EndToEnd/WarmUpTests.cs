using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ChatBedrock.Testing.Lambda;

namespace ChatBedrock.Hosts.Lambda.Tests.EndToEnd;

/// <summary>
/// The store's and the model's warm-ups (<see cref="Application.IWarmUp"/>): they open their connections while the
/// first <c>/next</c> waits, never before it is sent, and a failing one costs the invocations nothing.
/// </summary>
public sealed class WarmUpTests(AwsBackends aws)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task TheStoreAndTheModel_AreContactedOnlyOnceTheFirstNextIsSent_AndBeforeAnyEvent()
    {
        await using var dynamoDb = new RecordingEndpoint();
        await using var bedrock = new RecordingEndpoint();
        await using var host = LambdaHostFixture.StartWithRealAdapters(new()
        {
            ["AWS_ENDPOINT_URL_DYNAMODB"] = dynamoDb.Endpoint,
            ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] = bedrock.Endpoint,
        });

        // No event is queued: whatever reaches the endpoints now is warming up.
        var dynamoDbFirst = await dynamoDb.FirstConnection.WaitAsync(Patience, TestContext.Current.CancellationToken);
        var bedrockFirst = await bedrock.FirstConnection.WaitAsync(Patience, TestContext.Current.CancellationToken);

        var firstNext = host.Runtime.FirstNextTimestamp;
        firstNext.Should().NotBe(0, "the Runtime API saw the first /next");
        dynamoDbFirst.Should().BeGreaterThan(firstNext, "DynamoDB is first contacted after the first /next arrived");
        bedrockFirst.Should().BeGreaterThan(firstNext, "Bedrock is first contacted after the first /next arrived");
        (await bedrock.FirstRequestLine).Should().Be("HEAD / HTTP/1.1");
        (await dynamoDb.FirstRequestLine).Should().Be("POST / HTTP/1.1");
    }

    [Fact]
    public async Task WithDynaliteAndTheEmulator_BothWarmUpsSucceed_AndTheFirstTurnIsAnswered()
    {
        await using var bedrock = await aws.TestBed.StartBedrockAsync(TestContext.Current.CancellationToken);
        var environment = aws.TestBed.Environment(bedrock);
        environment["AWS_LAMBDA_LOG_LEVEL"] = "DEBUG";
        await using var host = LambdaHostFixture.StartWithRealAdapters(environment);

        await WaitForAsync(() => host.Log.Lines.Count(l => l.Contains("Warm-up", StringComparison.Ordinal)) >= 2);
        var call = await host.InvokeAsync("""{"input_text": "hello"}""");

        host.Log.Lines.Where(l => l.Contains("Warm-up", StringComparison.Ordinal)).Should()
            .Contain(l => l.Contains("Warm-up DynamoDbWarmUp done", StringComparison.Ordinal))
            .And.Contain(l => l.Contains("Warm-up BedrockWarmUp done", StringComparison.Ordinal));
        bedrock.Rejections.Should().ContainSingle().Which.Should().Contain("HEAD /", "the warm-up's HEAD is no operation, and nothing else was refused");
        call.IsError.Should().BeFalse(call.Text);
        bedrock.Requests.Should().ContainSingle("the warm-up calls no model");
    }

    [Fact]
    public async Task WhenTheFirstEventIsWaiting_AsOnAnOnDemandColdStart_ItIsAnsweredWithOneModelCall()
    {
        await using var bedrock = await aws.TestBed.StartBedrockAsync(TestContext.Current.CancellationToken);
        await using var host = LambdaHostFixture.StartWithRealAdapters(aws.TestBed.Environment(bedrock), queueFirst: """{"input_text": "hello"}""");

        var call = await host.FirstQueued!.AnswerAsync();

        call.IsError.Should().BeFalse(call.Text);
        bedrock.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task WhenTheEndpointsRefuseConnections_TheWarmUpsFailQuietly_AndTheHostKeepsServing()
    {
        var closed = ClosedPort();
        await using var host = LambdaHostFixture.StartWithRealAdapters(new()
        {
            ["AWS_ENDPOINT_URL_DYNAMODB"] = closed,
            ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] = closed,
            ["AWS_LAMBDA_LOG_LEVEL"] = "DEBUG",
        });

        await WaitForAsync(() => host.Log.Lines.Count(l => l.Contains("Warm-up", StringComparison.Ordinal)) >= 2);
        var call = await host.InvokeAsync(LambdaHostFixture.FunctionUrlEvent("GET", "/status"));

        call.IsError.Should().BeFalse(call.Text);
        host.Log.Entries.Where(e => e.GetProperty("message").GetString()!.StartsWith("Warm-up", StringComparison.Ordinal))
            .Should().HaveCount(2).And.AllSatisfy(e => e.GetProperty("level").GetString().Should().Be("DEBUG"));
        host.Run.IsCompleted.Should().BeFalse();
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            Stopwatch.GetElapsedTime(started).Should().BeLessThan(Patience, "the warm-ups end");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    private static string ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/";
    }

    /// <summary>A stand-in endpoint on loopback: notes when its first connection was accepted and its first request line, answers 404.</summary>
    private sealed class RecordingEndpoint : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly TaskCompletionSource<long> _firstConnection = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<string> _firstRequestLine = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentBag<TcpClient> _clients = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;

        public RecordingEndpoint()
        {
            _listener.Start();
            _accepting = AcceptAsync();
        }

        public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";

        /// <summary>When the first connection was accepted (<see cref="Stopwatch.GetTimestamp"/>).</summary>
        public Task<long> FirstConnection => _firstConnection.Task;

        public Task<string> FirstRequestLine => _firstRequestLine.Task;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            foreach (var client in _clients)
            {
                client.Dispose();
            }

            await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _firstConnection.TrySetResult(Stopwatch.GetTimestamp());
                _clients.Add(client);
                _ = AnswerAsync(client);
            }
        }

        private async Task AnswerAsync(TcpClient client)
        {
            try
            {
                var stream = client.GetStream();
                var received = new StringBuilder();
                var buffer = new byte[4096];
                while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await stream.ReadAsync(buffer, _stop.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    received.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }

                _firstRequestLine.TrySetResult(received.ToString().Split("\r\n")[0]);
                await stream.WriteAsync("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), _stop.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
            }
            finally
            {
                client.Dispose();
            }
        }
    }
}
