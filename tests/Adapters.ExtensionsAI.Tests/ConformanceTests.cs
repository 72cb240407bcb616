using ChatBedrock.Application;
using ChatBedrock.Testing;
using ChatBedrock.Testing.ExtensionsAI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Adapters.ExtensionsAI.Tests;

/// <summary>An <see cref="IChatClient"/> that reports usage and finish reasons passes the model suite as it is.</summary>
public sealed class ChatClientConformanceTests : LanguageModelConformanceTests
{
    protected override Task<ILanguageModel> CreateModelAsync() => Task.FromResult(new ScriptedChatClient().AsLanguageModel());
}

/// <summary>A client that reports neither usage nor finish reason still passes, with usage switched off.</summary>
public sealed class ChatClientWithoutUsageConformanceTests : LanguageModelConformanceTests
{
    protected override bool ReportsUsage => false;

    protected override Task<ILanguageModel> CreateModelAsync() =>
        Task.FromResult(new ScriptedChatClient { ReportsUsage = false, ReportsFinishReason = false }.AsLanguageModel());
}

/// <summary>
/// ChatBedrock model → IChatClient → MEAI's middleware (logging, OpenTelemetry, distributed cache, function
/// invocation) → ChatBedrock model: the round trip keeps the port's contract.
/// </summary>
public sealed class RoundTripConformanceTests : LanguageModelConformanceTests
{
    protected override Task<ILanguageModel> CreateModelAsync() => Task.FromResult(RoundTrip(new ScriptedLanguageModel()));

    internal static ILanguageModel RoundTrip(ILanguageModel model, IDistributedCache? cache = null) =>
        model.AsChatClient()
            .AsBuilder()
            .UseLogging(NullLoggerFactory.Instance)
            .UseOpenTelemetry(sourceName: "ChatBedrock.Tests")
            .UseDistributedCache(cache ?? new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())))
            .UseFunctionInvocation()
            .Build()
            .AsLanguageModel();
}
