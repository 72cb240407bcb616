using ChatBedrock.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.Application.Tests;

public sealed class InMemoryConversationRepositoryTests : ConversationRepositoryConformanceTests
{
    protected override Task<IConversationRepository> CreateRepositoryAsync() =>
        Task.FromResult(new ServiceCollection().AddInMemoryConversationRepository().BuildServiceProvider()
            .GetRequiredService<IConversationRepository>());
}

public sealed class ScriptedLanguageModelTests : LanguageModelConformanceTests
{
    protected override Task<ILanguageModel> CreateModelAsync() => Task.FromResult<ILanguageModel>(new ScriptedLanguageModel());
}
