using ChatBedrock.Domain;
using ChatBedrock.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.Application.Tests;

public sealed class GetServiceStatusTests
{
    private readonly ScriptedLanguageModel _model = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private GetServiceStatus UseCase(string? advice = null) =>
        new ServiceCollection()
            .AddLogging()
            .AddSingleton<ILanguageModel>(_model)
            .AddSingleton<IConversationRepository, RecordingRepository>()
            .AddConversationUseCases()
            .Configure<ServiceStatusOptions>(o => o.ModelNotReadyAdvice = advice)
            .BuildServiceProvider()
            .GetRequiredService<GetServiceStatus>();

    [Fact]
    public async Task Execute_ReportsWhatTheModelAndTheStoreSayOfThemselves()
    {
        _model.Status = new ModelStatus("bedrock", "some-model");

        var status = await UseCase().ExecuteAsync(Ct);

        status.Should().Be(new ServiceStatus(new ModelStatus("bedrock", "some-model"), "recording"));
    }

    [Fact]
    public async Task Execute_AsksTheModelEveryTime()
    {
        var useCase = UseCase();
        _model.Status = new ModelStatus("local", "m.gguf", Ready: false, "Downloading.");
        var before = await useCase.ExecuteAsync(Ct);
        _model.Status = new ModelStatus("local", "m.gguf");

        var after = await useCase.ExecuteAsync(Ct);

        before.Model.Ready.Should().BeFalse();
        after.Model.Ready.Should().BeTrue();
    }

    [Fact]
    public async Task HostAdvice_IsAddedToANotReadyMessageOnly()
    {
        var useCase = UseCase("Use --other.");
        _model.Status = new ModelStatus("bedrock", "m", Ready: false, "No credentials.");
        var notReady = await useCase.ExecuteAsync(Ct);
        _model.Status = new ModelStatus("bedrock", "m");

        var ready = await useCase.ExecuteAsync(Ct);

        notReady.Model.Message.Should().Be("No credentials. Use --other.");
        ready.Model.Message.Should().BeNull();
    }

    [Fact]
    public async Task EnsureModelReady_WhileNotReady_IsModelNotConfiguredWithTheMessage()
    {
        _model.Status = new ModelStatus("local", "m.gguf", Ready: false, "The file is missing.");

        var act = () => UseCase("Give one.").EnsureModelReadyAsync(Ct);

        var thrown = (await act.Should().ThrowAsync<ChatException>()).Which;
        thrown.Code.Should().Be(ChatErrorCode.ModelNotConfigured);
        thrown.Message.Should().Be("The file is missing. Give one.");
    }

    [Fact]
    public async Task EnsureModelReady_WhenReady_Passes()
    {
        await UseCase().EnsureModelReadyAsync(Ct);
    }
}
