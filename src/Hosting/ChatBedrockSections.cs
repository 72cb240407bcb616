using System.Diagnostics.CodeAnalysis;
using ChatBedrock.Adapters.Bedrock;
using ChatBedrock.Adapters.DynamoDb;
using ChatBedrock.Application;
using ChatBedrock.Application.Telemetry;
using ChatBedrock.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.Hosting;

/// <summary>A configuration section a host binds to an options type: keys <c>Name:Property</c>.</summary>
public sealed class ChatBedrockSection
{
    public ChatBedrockSection(string name, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type optionsType)
    {
        (Name, OptionsType) = (name, optionsType);
    }

    /// <summary>The section, e.g. <c>DynamoDb</c>.</summary>
    public string Name { get; }

    /// <summary>The options class its keys set (one key per public property).</summary>
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)]
    public Type OptionsType { get; }
}

/// <summary>
/// The sections both hosts bind (from any configuration source: flags <c>--Section:Key value</c>, environment
/// <c>Section__Key</c>). The binding is done by the configuration binding source generator, so it needs no
/// reflection (Native AOT). A section key wins over the <c>CHAT_*</c> variable that sets the same option.
/// </summary>
public static class ChatBedrockSections
{
    public static ChatBedrockSection Conversation { get; } = new(ConversationOptions.SectionName, typeof(ConversationOptions));

    public static ChatBedrockSection Http { get; } = new(ChatHttpOptions.SectionName, typeof(ChatHttpOptions));

    public static ChatBedrockSection Telemetry { get; } = new(ChatTelemetryOptions.SectionName, typeof(ChatTelemetryOptions));

    public static ChatBedrockSection DynamoDb { get; } = new(DynamoDbStoreOptions.SectionName, typeof(DynamoDbStoreOptions));

    public static ChatBedrockSection Bedrock { get; } = new(BedrockModelOptions.SectionName, typeof(BedrockModelOptions));

    /// <summary>Every section this package binds; a host adds those of its own adapters (the local host: <c>Sqlite</c>, <c>LlamaSharp</c>).</summary>
    public static IReadOnlyList<ChatBedrockSection> All { get; } = [Conversation, Http, Telemetry, DynamoDb, Bedrock];

    // Each Configure call below is replaced at compile time by the binding generator's code.
    internal static void BindCore(IServiceCollection services, IConfiguration? configuration)
    {
        if (configuration is not null)
        {
            services.Configure<ConversationOptions>(configuration.GetSection(ConversationOptions.SectionName));
            services.Configure<ChatHttpOptions>(configuration.GetSection(ChatHttpOptions.SectionName));
            services.Configure<ChatTelemetryOptions>(configuration.GetSection(ChatTelemetryOptions.SectionName));
        }
    }

    internal static void BindDynamoDb(IServiceCollection services, IConfiguration? configuration)
    {
        if (configuration is not null)
        {
            services.Configure<DynamoDbStoreOptions>(configuration.GetSection(DynamoDbStoreOptions.SectionName));
        }
    }

    internal static void BindBedrock(IServiceCollection services, IConfiguration? configuration)
    {
        if (configuration is not null)
        {
            services.Configure<BedrockModelOptions>(configuration.GetSection(BedrockModelOptions.SectionName));
        }
    }

    /// <summary>Whether <paramref name="configuration"/> sets <paramref name="setting"/> of the section bound to <paramref name="optionsType"/>.</summary>
    internal static bool Sets(IConfiguration? configuration, Type optionsType, string setting) =>
        configuration is not null && All.FirstOrDefault(s => s.OptionsType == optionsType) is { } section
        && configuration.GetSection($"{section.Name}:{setting}").Exists();
}
