using Microsoft.Extensions.Options;

namespace ChatBedrock.Http;

/// <summary>
/// Which model answers and whether it can answer now. <c>GET /status</c> reports it, and
/// <see cref="ChatHttpHandler"/> refuses a turn with <c>ModelNotConfigured</c> (503) and its
/// <see cref="ModelStatus.Message"/> while it is not ready. The default reports <see cref="ChatHttpOptions.Model"/>;
/// a host whose model's readiness changes while it runs (credentials appear, a model finishes downloading)
/// registers its own before <c>AddChatHttp</c>.
/// </summary>
public interface IModelStatus
{
    /// <summary>The model's status now. Called for every turn and every <c>GET /status</c>: keep it cheap.</summary>
    ValueTask<ModelStatus> GetAsync(CancellationToken cancellationToken);
}

/// <summary>The status the options declare, never changing.</summary>
internal sealed class OptionsModelStatus(IOptions<ChatHttpOptions> options) : IModelStatus
{
    private readonly ModelStatus _status = options.Value.Model;

    public ValueTask<ModelStatus> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_status);
}
