using System.Text;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using AI = Microsoft.Extensions.AI;

namespace ChatBedrock.Adapters.ExtensionsAI;

/// <summary>
/// The one translation between ChatBedrock's model types and Microsoft.Extensions.AI's, both ways. Only text
/// travels: ChatBedrock's ports carry no tools, images or reasoning, so such content is refused, not dropped.
/// </summary>
internal static class ChatMapping
{
    /// <summary>
    /// The stop reason a content filter gives. MEAI's <see cref="AI.ChatFinishReason.ContentFilter"/> becomes this
    /// value, the one Bedrock's Converse API reports, and back.
    /// </summary>
    public const string ContentFiltered = "content_filtered";

    private const string SystemSeparator = "\n\n";

    /// <summary>The system prompt as a leading system message, then the conversation; the settings as options.</summary>
    public static (List<AI.ChatMessage> Messages, AI.ChatOptions Options) ToChat(ModelRequest request)
    {
        var messages = new List<AI.ChatMessage>(request.Messages.Count + 1);
        if (!string.IsNullOrEmpty(request.SystemPrompt))
        {
            messages.Add(new AI.ChatMessage(AI.ChatRole.System, request.SystemPrompt));
        }

        foreach (var message in request.Messages)
        {
            messages.Add(new AI.ChatMessage(ToChatRole(message.Role), message.Content) { CreatedAt = message.Timestamp });
        }

        var settings = request.Settings;
        var options = new AI.ChatOptions
        {
            MaxOutputTokens = settings.MaxTokens,
            Temperature = (float)settings.Temperature,
            TopP = (float?)settings.TopP,
            StopSequences = settings.StopSequences.Count > 0 ? [.. settings.StopSequences] : null,
        };
        return (messages, options);
    }

    /// <summary>
    /// <see cref="AI.ChatOptions.Instructions"/> and the leading system messages become the system prompt (joined by a
    /// blank line); later system messages stay in place. Options ChatBedrock has no setting for (model id, tools,
    /// seed, ...) are ignored; unset ones take <see cref="ModelSettings"/>' defaults.
    /// </summary>
    public static ModelRequest ToModelRequest(IEnumerable<AI.ChatMessage> chatMessages, AI.ChatOptions? options)
    {
        var system = new StringBuilder(options?.Instructions);
        var messages = new List<ChatMessage>();
        foreach (var message in chatMessages)
        {
            var role = ToRole(message.Role);
            var text = TextOf(message);
            if (role == ChatRole.System && messages.Count == 0)
            {
                system.Append(system.Length > 0 ? SystemSeparator : string.Empty).Append(text);
            }
            else
            {
                messages.Add(new ChatMessage(role, text, message.CreatedAt));
            }
        }

        var defaults = new ModelSettings();
        var settings = new ModelSettings
        {
            MaxTokens = options?.MaxOutputTokens ?? defaults.MaxTokens,
            Temperature = options?.Temperature ?? defaults.Temperature,
            TopP = options?.TopP,
            StopSequences = options?.StopSequences is { Count: > 0 } stops ? [.. stops] : defaults.StopSequences,
        };
        return new ModelRequest(system.Length > 0 ? system.ToString() : null, messages, settings);
    }

    /// <summary>Stop → end_turn, Length → max_tokens, ContentFilter → content_filtered, none → end_turn; any other is kept as it is.</summary>
    public static string ToStopReason(AI.ChatFinishReason? reason)
    {
        if (reason is not { } value || value == AI.ChatFinishReason.Stop)
        {
            return StopReasons.EndTurn;
        }

        if (value == AI.ChatFinishReason.Length)
        {
            return StopReasons.MaxTokens;
        }

        return value == AI.ChatFinishReason.ContentFilter ? ContentFiltered : value.Value;
    }

    /// <summary>end_turn and stop_sequence → Stop (MEAI has no stop-sequence reason), max_tokens → Length, content_filtered → ContentFilter; any other is kept.</summary>
    public static AI.ChatFinishReason ToFinishReason(string stopReason) => stopReason switch
    {
        StopReasons.EndTurn or StopReasons.StopSequence => AI.ChatFinishReason.Stop,
        StopReasons.MaxTokens => AI.ChatFinishReason.Length,
        ContentFiltered => AI.ChatFinishReason.ContentFilter,
        _ => new AI.ChatFinishReason(stopReason),
    };

    /// <summary>Counts a client did not report are zero.</summary>
    public static ModelUsage ToUsage(AI.UsageDetails? usage) =>
        usage is null ? default : new ModelUsage(Clamp(usage.InputTokenCount), Clamp(usage.OutputTokenCount));

    public static AI.UsageDetails ToUsageDetails(ModelUsage usage) => new()
    {
        InputTokenCount = usage.InputTokens,
        OutputTokenCount = usage.OutputTokens,
        TotalTokenCount = usage.TotalTokens,
    };

    private static int Clamp(long? count) => count is { } n ? (int)Math.Clamp(n, 0, int.MaxValue) : 0;

    private static AI.ChatRole ToChatRole(ChatRole role) => role switch
    {
        ChatRole.User => AI.ChatRole.User,
        ChatRole.Assistant => AI.ChatRole.Assistant,
        _ => AI.ChatRole.System,
    };

    private static ChatRole ToRole(AI.ChatRole role)
    {
        if (role == AI.ChatRole.User)
        {
            return ChatRole.User;
        }

        if (role == AI.ChatRole.Assistant)
        {
            return ChatRole.Assistant;
        }

        return role == AI.ChatRole.System
            ? ChatRole.System
            : throw new NotSupportedException($"A ChatBedrock model takes system, user and assistant messages only, not '{role.Value}' (tool calls cannot be carried).");
    }

    private static string TextOf(AI.ChatMessage message)
    {
        foreach (var content in message.Contents)
        {
            if (content is not AI.TextContent)
            {
                throw new NotSupportedException($"A ChatBedrock model takes text only, not {content.GetType().Name}.");
            }
        }

        return message.Text;
    }
}
