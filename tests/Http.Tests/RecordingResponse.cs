using System.Text;
using System.Text.Json;
using ChatBedrock.Http;

namespace ChatBedrock.Http.Tests;

/// <summary>Records what the handler writes: the status, the headers and each flushed chunk.</summary>
internal sealed class RecordingResponse : IChatHttpResponse
{
    private readonly List<byte[]> _chunks = [];

    public int? StatusCode { get; private set; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; private set; } = [];

    public IReadOnlyList<byte[]> Chunks => _chunks;

    public string Text => Encoding.UTF8.GetString(_chunks.SelectMany(c => c).ToArray());

    public JsonElement Json => JsonDocument.Parse(Text).RootElement;

    public string? Header(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    public ValueTask StartAsync(int statusCode, IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        StatusCode.Should().BeNull("a response starts once");
        StatusCode = statusCode;
        Headers = [.. headers];
        return ValueTask.CompletedTask;
    }

    /// <summary>Runs before each write, e.g. to let a deadline pass just then.</summary>
    public Action<string>? BeforeWrite { get; init; }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        StatusCode.Should().NotBeNull("the body follows the status");
        BeforeWrite?.Invoke(Encoding.UTF8.GetString(chunk.Span));
        cancellationToken.ThrowIfCancellationRequested(); // as a real stream does
        _chunks.Add(chunk.ToArray());
        return ValueTask.CompletedTask;
    }

    /// <summary>The Server-Sent Events written, as (event, data JSON) pairs, one per chunk.</summary>
    public IReadOnlyList<(string Event, JsonElement Data)> Events() =>
        _chunks.Select(chunk =>
        {
            var text = Encoding.UTF8.GetString(chunk);
            text.Should().EndWith("\n\n");
            var lines = text[..^2].Split('\n');
            lines.Should().HaveCount(2);
            lines[0].Should().StartWith("event: ");
            lines[1].Should().StartWith("data: ");
            return (lines[0]["event: ".Length..], JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement);
        }).ToList();
}
