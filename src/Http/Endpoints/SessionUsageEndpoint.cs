using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using ChatBedrock.Application;
using ChatBedrock.Domain;

namespace ChatBedrock.Http.Endpoints;

/// <summary>
/// <c>GET /sessions/{id}/usage</c>: the chat's token totals (answers and summaries), their estimated cost with
/// the price table (<c>Conversation:Prices</c>; absent without one), the totals per model, and the summary
/// memory when there is one; 404 when the session has no messages.
/// </summary>
internal sealed class SessionUsageEndpoint(ReadConversationUsage read) : IChatEndpoint
{
    public async Task<ChatHttpError?> HandleAsync(ChatEndpointContext context)
    {
        ConversationUsage usage;
        try
        {
            usage = await read.ExecuteAsync(context.Values.Decode("id", ChatErrorCode.SessionIdInvalid, "session id"), context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            return await context.WriteErrorAsync(exception).ConfigureAwait(false);
        }

        if (usage.Answers == 0)
        {
            return await context.WriteErrorAsync(ChatHttpError.NotFound("This session has no messages.")).ConfigureAwait(false);
        }

        var body = new SessionUsageBody(
            usage.SessionId.Value,
            SessionUsageTotals.From(usage.Totals, usage.EstimatedCost),
            usage.Answers,
            [.. usage.Models.Select(m => new SessionModelUsage(m.ModelId, SessionUsageTotals.From(m, null)))],
            usage.Summary is { } s ? new SessionSummaryBody(s.Text, s.CoveredMessages, s.UpdatedAt) : null);
        var json = JsonSerializer.SerializeToUtf8Bytes(body, SessionUsageJsonContext.Wire.SessionUsageBody);
        return await context.WriteJsonAsync(200, json).ConfigureAwait(false);
    }
}

internal sealed record SessionUsageBody(
    string SessionId, SessionUsageTotals Usage, int Answers, IReadOnlyList<SessionModelUsage> Models, SessionSummaryBody? Summary);

internal sealed record SessionUsageTotals(
    int InputTokens, int OutputTokens, int CacheReadTokens, int CacheWriteTokens, int TotalTokens, decimal? EstimatedCost)
{
    public static SessionUsageTotals From(MessageUsage usage, decimal? cost) => new(
        usage.InputTokens,
        usage.OutputTokens,
        usage.CacheReadTokens,
        usage.CacheWriteTokens,
        usage.InputTokens + usage.OutputTokens + usage.CacheReadTokens + usage.CacheWriteTokens,
        cost is { } c ? Math.Round(c, 6) : null);
}

internal sealed record SessionModelUsage(string? ModelId, SessionUsageTotals Usage);

internal sealed record SessionSummaryBody(string Text, int CoveredMessages, DateTimeOffset? UpdatedAt);

/// <summary>The body of <see cref="SessionUsageEndpoint"/>, written as <see cref="ChatJsonContext.Wire"/> writes the others.</summary>
[JsonSerializable(typeof(SessionUsageBody))]
internal sealed partial class SessionUsageJsonContext : JsonSerializerContext
{
    public static SessionUsageJsonContext Wire { get; } = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });
}
