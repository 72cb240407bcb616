using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using ChatBedrock.Adapters.Bedrock;
using ChatBedrock.Testing.Bedrock;
using ChatBedrock.Testing.Lambda;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.Hosts.Lambda.Tests.EndToEnd;

/// <summary>The in-process host wired only by its environment, as in Lambda, to the shared dynalite and a Bedrock emulator of its own.</summary>
public sealed class RealAdapterHost : IAsyncDisposable
{
    private RealAdapterHost(AwsBackends aws, BedrockEmulator bedrock, string layout, bool streaming, bool retryBedrock)
    {
        Aws = aws.TestBed;
        Bedrock = bedrock;
        Table = layout == "turns" ? LambdaTestBed.TurnsTable : LambdaTestBed.LangChainTable;

        // Bedrock's retries are the adapter's own business (tested there); without them a throttle answers at once.
        Host = LambdaHostFixture.StartWithRealAdapters(
            aws.TestBed.Environment(bedrock, layout, streaming),
            retryBedrock ? null : services => services.Configure<BedrockModelOptions>(o => o.MaxRetries = 0));
    }

    public LambdaTestBed Aws { get; }

    public BedrockEmulator Bedrock { get; }

    public LambdaHostFixture Host { get; }

    /// <summary>The history table of the host's layout.</summary>
    public string Table { get; }

    public static async Task<RealAdapterHost> StartAsync(AwsBackends aws, string layout = "langchain", bool streaming = false, bool retryBedrock = true)
    {
        var bedrock = await aws.TestBed.StartBedrockAsync(TestContext.Current.CancellationToken);
        return new RealAdapterHost(aws, bedrock, layout, streaming, retryBedrock);
    }

    /// <summary>A session id no other test uses.</summary>
    public static string NewSessionId() => "e2e-" + Guid.NewGuid().ToString("N");

    public Task<Testing.Lambda.FakeRuntimeApi.RecordedCall> InvokeAsync(string payload, DateTimeOffset? deadline = null) => Host.InvokeAsync(payload, deadline);

    /// <summary>A buffered Function URL call: the payload-2.0 response's status and its body parsed as JSON.</summary>
    public async Task<(int Status, JsonElement Headers, JsonElement Body)> CallAsync(string functionUrlEvent, DateTimeOffset? deadline = null)
    {
        var response = FunctionUrlBufferedTests.Payload(await InvokeAsync(functionUrlEvent, deadline));
        var body = response.GetProperty("body").GetString();
        return (response.GetProperty("statusCode").GetInt32(), response.GetProperty("headers"),
            string.IsNullOrEmpty(body) ? default : JsonDocument.Parse(body).RootElement);
    }

    /// <summary>
    /// The items dynalite holds for <paramref name="sessionId"/> in the host's table: the session's item (LangChain) or
    /// its turns (the turns layout's counter item, <c>Turn</c> 0, is not a turn and is left out).
    /// </summary>
    public async Task<List<Dictionary<string, AttributeValue>>> StoredAsync(string sessionId) =>
        (await Aws.ItemsAsync(Table, sessionId, TestContext.Current.CancellationToken))
            .Where(item => !(item.TryGetValue("Turn", out var turn) && turn.N == "0")).ToList();

    /// <summary>The texts of the messages Bedrock was sent in its <paramref name="index"/>-th request.</summary>
    public IReadOnlyList<string> MessagesSentToBedrock(int index) =>
        Bedrock.Requests.ElementAt(index).Body.GetProperty("messages").EnumerateArray()
            .Select(m => m.GetProperty("content")[0].GetProperty("text").GetString()!).ToList();

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Bedrock.DisposeAsync();
    }
}
