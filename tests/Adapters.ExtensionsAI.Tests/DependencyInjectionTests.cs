using ChatBedrock.Application;
using ChatBedrock.Testing;
using ChatBedrock.Testing.ExtensionsAI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.Adapters.ExtensionsAI.Tests;

public sealed class DependencyInjectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddChatClientLanguageModel_UsesTheRegisteredChatClientWithItsMiddleware()
    {
        var client = new ScriptedChatClient().Answer("from the client");
        var services = new ServiceCollection().AddLogging();
        services.AddChatClient(client).UseLogging();
        services.AddChatClientLanguageModel();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var response = await provider.GetRequiredService<ILanguageModel>()
            .CompleteAsync(new ModelRequest(null, [Domain.ChatMessage.User("hi")], new ModelSettings()), Ct);

        response.Text.Should().Be("from the client");
        client.Requests.Should().ContainSingle();
    }

    [Fact]
    public void AddChatClientLanguageModel_Twice_RegistersOneModel()
    {
        var services = new ServiceCollection();

        services.AddChatClientLanguageModel().AddChatClientLanguageModel();

        services.Where(d => d.ServiceType == typeof(ILanguageModel)).Should().ContainSingle();
    }

    [Fact]
    public void AddChatClientLanguageModel_KeepsAModelRegisteredBefore()
    {
        var model = new ScriptedLanguageModel();
        var services = new ServiceCollection().AddSingleton<ILanguageModel>(model).AddChatClientLanguageModel();
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<ILanguageModel>().Should().BeSameAs(model);
    }

    [Fact]
    public async Task AddChatClientLanguageModel_WithAKey_UsesTheKeyedChatClient()
    {
        var keyed = new ScriptedChatClient().Answer("keyed");
        var services = new ServiceCollection().AddSingleton<IChatClient>(new ScriptedChatClient().Answer("default"));
        services.AddKeyedChatClient("bedrock", keyed);
        services.AddChatClientLanguageModel(serviceKey: "bedrock");
        await using var provider = services.BuildServiceProvider();

        var response = await provider.GetRequiredService<ILanguageModel>()
            .CompleteAsync(new ModelRequest(null, [Domain.ChatMessage.User("hi")], new ModelSettings()), Ct);

        response.Text.Should().Be("keyed");
    }
}
