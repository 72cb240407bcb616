using System.Text;
using ChatBedrock.Domain;

namespace ChatBedrock.Application;

/// <summary>
/// Collects a streamed answer into a <see cref="ModelResponse"/>: the one place that knows how deltas and the
/// end marker add up, for callers that collect a stream while also handing its deltas on.
/// </summary>
public sealed class ModelResponseBuilder
{
    private readonly StringBuilder _text = new();
    private ModelStreamEnd? _end;

    /// <summary>The text received so far: what is kept of an answer the client stopped.</summary>
    public string TextSoFar => _text.ToString();

    /// <summary>Adds one update of the stream, in order.</summary>
    public void Add(ModelStreamUpdate update)
    {
        switch (update)
        {
            case ModelTextDelta delta:
                _text.Append(delta.Text);
                break;
            case ModelStreamEnd end:
                _end = end;
                break;
        }
    }

    /// <summary>
    /// The whole answer. A stream that ended without its <see cref="ModelStreamEnd"/> was cut off (by the model,
    /// the connection or a broken adapter): its text may be incomplete and its usage is unknown, so it is
    /// refused as <see cref="ChatErrorCode.ModelUnavailable"/>, which a caller may send again.
    /// </summary>
    public ModelResponse Build() => _end is { } end
        ? new ModelResponse(_text.ToString(), end.Usage, end.StopReason) { ModelId = end.ModelId }
        : throw new ChatException(ChatErrorCode.ModelUnavailable, "The model's answer ended before it was complete.");
}

/// <summary>Collecting a model's stream.</summary>
public static class ModelStreamExtensions
{
    /// <summary>
    /// Reads the whole stream into a <see cref="ModelResponse"/>; how an adapter that only streams implements
    /// <see cref="ILanguageModel.CompleteAsync"/>. See <see cref="ModelResponseBuilder.Build"/> for a stream cut off.
    /// </summary>
    public static async Task<ModelResponse> ToModelResponseAsync(this IAsyncEnumerable<ModelStreamUpdate> stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var builder = new ModelResponseBuilder();
        await foreach (var update in stream.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            builder.Add(update);
        }

        return builder.Build();
    }
}
