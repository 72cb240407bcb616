using Amazon.DynamoDBv2.Model;
using BenchmarkDotNet.Attributes;
using ChatBedrock.Adapters.DynamoDb;
using ChatBedrock.Domain;

namespace ChatBedrock.DynamoDb.Benchmarks;

/// <summary>
/// The CPU side of the LangChain layout: mapping a stored history to messages on every read, and measuring
/// an item when it reaches the 400 KB limit. Both grow with the history; DynamoDB's own cost is in the
/// capacity report.
/// </summary>
[MemoryDiagnoser]
public class HistoryMappingBenchmarks
{
    private List<AttributeValue> _history = [];
    private Dictionary<string, AttributeValue> _item = [];

    [Params(20, 200)]
    public int Turns { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _history = [.. Enumerable.Range(0, Turns).SelectMany(i => LangChainMessages.Turn(
            new ChatTurn(ChatMessage.User($"質問 {i}: 今日の新潟の天気はどうですか？"), ChatMessage.Assistant($"回答 {i}: " + new string('晴', 300)))))];
        _item = new() { ["SessionId"] = new AttributeValue { S = Guid.NewGuid().ToString() }, ["History"] = new AttributeValue { L = _history } };
    }

    [Benchmark]
    public int ReadHistory()
    {
        var count = 0;
        foreach (var entry in _history)
        {
            if (LangChainMessages.Read(entry, out _) is not null)
            {
                count++;
            }
        }

        return count;
    }

    [Benchmark]
    public int MeasureItem() => ItemSize.Of(_item);
}
