using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;
using ChatBedrock.Application;

namespace ChatBedrock.Http;

internal sealed record ChatResponseBody(string SessionId, string OutputText, UsageBody Usage, string StopReason)
{
    /// <summary>The model's proposed title after a new chat's first answer, when titles are proposed; else omitted.</summary>
    public string? Title { get; init; }

    public static ChatResponseBody From(ConversationReply reply) =>
        new(reply.SessionId.Value, reply.OutputText, UsageBody.From(reply.Usage), reply.StopReason) { Title = reply.Title };
}

internal sealed record UsageBody(int InputTokens, int OutputTokens, int TotalTokens)
{
    public static UsageBody From(ModelUsage usage) => new(usage.InputTokens, usage.OutputTokens, usage.TotalTokens);
}

internal sealed record StartEventBody(string SessionId);

internal sealed record DeltaEventBody(string Text);

internal sealed record ErrorBody(ErrorDetail Error);

internal sealed record ErrorDetail(string Type, string Message);

internal sealed record ImportBody(string? Format, int? Version, IReadOnlyList<ImportMessageBody?>? Messages);

internal sealed record ImportMessageBody(string? Role, string? Content, bool? Interrupted);

internal sealed record StatusBody(ModelStatusBody Model, string Store);

internal sealed record ModelStatusBody(string Provider, string ModelId, bool Ready, string? Message);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatResponseBody))]
[JsonSerializable(typeof(StartEventBody))]
[JsonSerializable(typeof(DeltaEventBody))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(StatusBody))]
[JsonSerializable(typeof(ImportBody))]
internal sealed partial class ChatJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context every body is written with: Japanese and other non-ASCII text stays readable (only
    /// HTML-sensitive and control characters are escaped), one line per document, as SSE needs.
    /// </summary>
    public static ChatJsonContext Wire { get; } = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });

    public static byte[] Serialize<T>(T value, Func<ChatJsonContext, JsonTypeInfo<T>> type) =>
        JsonSerializer.SerializeToUtf8Bytes(value, type(Wire));
}
