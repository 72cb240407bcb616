using ChatBedrock.Application;
using ChatBedrock.Hosting;
using ChatBedrock.Http;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a whole ChatBedrock service from its <c>CHAT_*</c> settings.</summary>
public static class ChatBedrockHostingServiceCollectionExtensions
{
    // Which variable sets which option, so a value that parses but is out of range is reported by its variable.
    private static readonly (Type Options, string Setting, string Variable)[] Sources =
    [
        (typeof(ConversationOptions), nameof(ConversationOptions.MaxTokens), "CHAT_MAX_TOKENS"),
        (typeof(ConversationOptions), nameof(ConversationOptions.Temperature), "CHAT_TEMPERATURE"),
        (typeof(ConversationOptions), nameof(ConversationOptions.MaxInputLength), "CHAT_MAX_INPUT_CHARS"),
        (typeof(ConversationOptions), nameof(ConversationOptions.SystemPrompt), "CHAT_SYSTEM_PROMPT"),
        (typeof(ChatHttpOptions), nameof(ChatHttpOptions.AllowedOrigins), "CHAT_CORS_ALLOWED_ORIGINS"),
    ];

    /// <summary>
    /// Registers the use case, the HTTP surface, the history store and the model, configured from
    /// <paramref name="settings"/>. Services registered before this call (a test's fake model, say) win.
    /// </summary>
    public static IServiceCollection AddChatBedrock(this IServiceCollection services, ChatBedrockSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        services.AddContinueConversation(o =>
        {
            o.SystemPrompt = settings.SystemPrompt ?? o.SystemPrompt;
            o.MaxTokens = settings.MaxTokens ?? o.MaxTokens;
            o.Temperature = settings.Temperature ?? o.Temperature;
            o.MaxInputLength = settings.MaxInputChars ?? o.MaxInputLength;
        });
        services.AddChatHttp(o =>
        {
            foreach (var origin in settings.CorsAllowedOrigins)
            {
                o.AllowedOrigins.Add(origin);
            }

            o.Model = new ModelStatus("bedrock", settings.ModelId);
            o.Store = "dynamodb";
        });
        return services;
    }

    /// <summary>
    /// Validates every option now (what <c>ValidateOnStart</c> defers to start-up) and reports failures as a
    /// <see cref="ChatConfigurationException"/> whose sentences name the <c>CHAT_*</c> variable to fix.
    /// </summary>
    public static void ValidateChatBedrock(this IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
        }
        catch (OptionsValidationException exception)
        {
            throw new ChatConfigurationException(Explain(exception));
        }
        catch (AggregateException exception) when (exception.InnerExceptions.All(e => e is OptionsValidationException))
        {
            throw new ChatConfigurationException(exception.InnerExceptions.Cast<OptionsValidationException>().SelectMany(Explain).ToList());
        }
    }

    private static List<string> Explain(OptionsValidationException exception) =>
        exception.Failures.Select(failure =>
            Sources.FirstOrDefault(s => s.Options == exception.OptionsType && failure.Contains(s.Setting, StringComparison.Ordinal)) is { Variable: { } variable }
                ? $"{failure} Set by {variable}."
                : failure).ToList();
}
