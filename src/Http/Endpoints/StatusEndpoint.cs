using ChatBedrock.Application;

namespace ChatBedrock.Http.Endpoints;

/// <summary><c>GET /status</c>: which model and store serve, and whether the model can answer now (else what to do).</summary>
internal sealed class StatusEndpoint(GetServiceStatus status) : IChatEndpoint
{
    public async Task<ChatHttpError?> HandleAsync(ChatEndpointContext context)
    {
        ServiceStatus current;
        try
        {
            current = await status.ExecuteAsync(context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            return await context.WriteErrorAsync(exception).ConfigureAwait(false);
        }

        var model = current.Model;
        var body = new StatusBody(new ModelStatusBody(model.Provider, model.ModelId, model.Ready, model.Ready ? null : model.Message), current.Store);
        return await context.WriteJsonAsync(200, ChatJsonContext.Serialize(body, c => c.StatusBody)).ConfigureAwait(false);
    }
}
