namespace ChatBedrock.Application;

/// <summary>
/// A model that wraps another: the base of the model pipeline, as <c>DelegatingChatClient</c> is in
/// Microsoft.Extensions.AI. Every member forwards to <see cref="InnerModel"/>; a wrapper overrides the ones
/// it adds behaviour to (logging, telemetry, caching, a retry policy) and calls the base for the rest, so a
/// member added to <see cref="ILanguageModel"/> later gets a forwarding override here and no wrapper changes.
/// </summary>
/// <remarks>
/// The outermost wrapper is what is registered as <see cref="ILanguageModel"/>; each wrapper is handed the
/// model it wraps. A wrapper does not own its inner model and does not dispose it: whoever created it does.
/// An override of <see cref="StreamAsync"/> must keep the stream's contract (the deltas, then exactly one
/// <see cref="ModelStreamEnd"/>); <see cref="ModelResponseBuilder"/> collects one when the wrapper needs the whole answer.
/// </remarks>
public abstract class DelegatingLanguageModel : ILanguageModel
{
    protected DelegatingLanguageModel(ILanguageModel innerModel)
    {
        ArgumentNullException.ThrowIfNull(innerModel);
        InnerModel = innerModel;
    }

    /// <summary>The model this one forwards to.</summary>
    protected ILanguageModel InnerModel { get; }

    /// <inheritdoc />
    public virtual Task<ModelResponse> CompleteAsync(ModelRequest request, CancellationToken cancellationToken) =>
        InnerModel.CompleteAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual IAsyncEnumerable<ModelStreamUpdate> StreamAsync(ModelRequest request, CancellationToken cancellationToken) =>
        InnerModel.StreamAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<ModelStatus> GetStatusAsync(CancellationToken cancellationToken) =>
        InnerModel.GetStatusAsync(cancellationToken);
}
