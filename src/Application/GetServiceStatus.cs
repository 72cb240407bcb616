using ChatBedrock.Domain;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Application;

/// <summary>What the service runs on: the model and whether it is ready, and the store's name.</summary>
public sealed record ServiceStatus(ModelStatus Model, string Store);

/// <summary>
/// The use case: say which model and store serve, both as their adapters report them (so the labels are
/// always the truth), and refuse a turn while the model is not ready.
/// </summary>
public sealed class GetServiceStatus(ILanguageModel model, IConversationRepository repository, IOptions<ServiceStatusOptions> options)
{
    private readonly string? _advice = options.Value.ModelNotReadyAdvice;

    /// <summary>The status now; asks the model every time, so a model that becomes ready is seen at once.</summary>
    public async Task<ServiceStatus> ExecuteAsync(CancellationToken cancellationToken) =>
        new(await GetModelAsync(cancellationToken).ConfigureAwait(false), repository.Name);

    /// <summary>
    /// Throws <see cref="ChatErrorCode.ModelNotConfigured"/> with what to do while the model is not ready, so a
    /// turn is refused before anything is read or stored.
    /// </summary>
    public async Task EnsureModelReadyAsync(CancellationToken cancellationToken)
    {
        var status = await GetModelAsync(cancellationToken).ConfigureAwait(false);
        if (!status.Ready)
        {
            throw new ChatException(ChatErrorCode.ModelNotConfigured, status.Message ?? $"The {status.Provider} model is not ready.");
        }
    }

    private async Task<ModelStatus> GetModelAsync(CancellationToken cancellationToken)
    {
        var status = await model.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        return status.Ready || _advice is null
            ? status
            : status with { Message = status.Message is null ? _advice : $"{status.Message} {_advice}" };
    }
}

/// <summary>Settings of <see cref="GetServiceStatus"/>.</summary>
public sealed class ServiceStatusOptions
{
    /// <summary>
    /// What this host adds to the message of a model that is not ready: how to get it ready here, e.g. a
    /// command-line switch. Adapters say what is missing; only the host knows its own switches. None by default.
    /// </summary>
    public string? ModelNotReadyAdvice { get; set; }
}
