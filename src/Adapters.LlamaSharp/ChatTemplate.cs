using System.Text;
using ChatBedrock.Domain;
using LLama;
using LLama.Exceptions;

namespace ChatBedrock.Adapters.LlamaSharp;

/// <summary>
/// Turns a conversation into the prompt text a chat model was trained on. llama.cpp runs no Jinja: it
/// recognises a model's template (or a built-in name such as <c>chatml</c>) as one of its built-in formats.
/// </summary>
internal sealed class ChatTemplate
{
    /// <summary>Used when a model carries no template or one llama.cpp does not recognise: the most common format of small instruct models.</summary>
    public const string FallbackName = "chatml";

    private static readonly IReadOnlyList<ChatMessage> Probe = [ChatMessage.User("probe")];

    private readonly string _template;

    private ChatTemplate(string template, string description)
    {
        _template = template;
        Description = description;
    }

    /// <summary>Where the template came from, for logs.</summary>
    public string Description { get; }

    /// <summary>The built-in fallback format.</summary>
    public static ChatTemplate Fallback(string reason) => new(FallbackName, $"{FallbackName} ({reason})");

    /// <summary>A template given as a built-in name or a template text, if llama.cpp recognises it.</summary>
    public static bool TryCreate(string template, string description, out ChatTemplate result)
    {
        result = new ChatTemplate(template, description);
        try
        {
            result.Format(null, Probe);
            return true;
        }
        catch (MissingTemplateException)
        {
            return false;
        }
    }

    /// <summary>
    /// Chooses the template: the configured one (which must be recognised), else the model's own, else
    /// <see cref="FallbackName"/>.
    /// </summary>
    public static ChatTemplate Resolve(string? configured, string? fromModel)
    {
        if (configured is not null)
        {
            return TryCreate(configured, "configured", out var chosen)
                ? chosen
                : throw new ChatException(ChatErrorCode.ModelNotConfigured,
                    $"{LlamaSharpModelOptions.SectionName}:{nameof(LlamaSharpModelOptions.ChatTemplate)} is not a chat template llama.cpp recognises. " +
                    "Use a built-in name such as chatml, llama3, gemma, mistral-v7 or phi3, or leave it unset to use the model's own.");
        }

        if (fromModel is null)
        {
            return Fallback("the model file has no chat template");
        }

        return TryCreate(fromModel, "the model's own", out var own) ? own : Fallback("llama.cpp does not recognise the model's template");
    }

    /// <summary>The prompt for <paramref name="messages"/>, ending where the assistant's answer begins.</summary>
    public string Format(string? systemPrompt, IReadOnlyList<ChatMessage> messages)
    {
        var template = new LLamaTemplate(_template) { AddAssistant = true };
        if (!string.IsNullOrEmpty(systemPrompt))
        {
            template.Add(ChatRoles.Name(ChatRole.System), systemPrompt);
        }

        foreach (var message in messages)
        {
            template.Add(ChatRoles.Name(message.Role), message.Content);
        }

        return Encoding.UTF8.GetString(template.Apply());
    }
}
