using ChatBedrock.Application;
using ChatBedrock.Domain;
using ChatBedrock.Testing.Bedrock;

namespace ChatBedrock.Adapters.Bedrock.Tests;

/// <summary>The test beds one test started, disposed with the test class.</summary>
internal sealed class BedrockTestBeds : IAsyncDisposable
{
    private readonly List<BedrockTestBed> _beds = [];

    public Task<BedrockTestBed> StartAsync(Action<BedrockModelOptions>? configure = null) => StartAsync(new TestMachine(), configure);

    public async Task<BedrockTestBed> StartAsync(TestMachine machine, Action<BedrockModelOptions>? configure = null, BedrockEmulatorOptions? emulator = null)
    {
        var bed = await BedrockTestBed.StartAsync(machine, configure, emulator);
        _beds.Add(bed);
        return bed;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var bed in _beds)
        {
            await bed.DisposeAsync();
        }
    }
}

internal static class Streams
{
    public static async Task<List<ModelStreamUpdate>> CollectAsync(IAsyncEnumerable<ModelStreamUpdate> stream)
    {
        var updates = new List<ModelStreamUpdate>();
        await foreach (var update in stream)
        {
            updates.Add(update);
        }

        return updates;
    }

    /// <summary>Reads a stream that must fail: the deltas received before the failure, and the failure.</summary>
    public static async Task<(List<string> Received, ChatException Error)> CollectUntilErrorAsync(IAsyncEnumerable<ModelStreamUpdate> stream)
    {
        var received = new List<string>();
        var error = await CatchAsync(async () =>
        {
            await foreach (var update in stream)
            {
                received.Add(((ModelTextDelta)update).Text);
            }
        });
        return (received, error);
    }

    public static async Task<ChatException> CatchAsync(Func<Task> act) => (await act.Should().ThrowAsync<ChatException>()).Which;
}
