using ChatBedrock.Application;
using ChatBedrock.Domain;
using ChatBedrock.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Adapters.LlamaSharp.Tests;

public sealed class DependencyInjectionTests(TinyModels models)
{
    private static ServiceProvider Build(Action<LlamaSharpModelOptions> configure) =>
        new ServiceCollection().AddLogging().AddLlamaSharpLanguageModel(configure).BuildServiceProvider();

    public static TheoryData<string, Action<LlamaSharpModelOptions>> BadOptions => new()
    {
        { "ModelPath", o => o.ModelPath = " " },
        { "ContextSize", o => o.ContextSize = 255 },
        { "ContextSize", o => o.ContextSize = 131_073 },
        { "Threads", o => o.Threads = 0 },
        { "Threads", o => o.Threads = Environment.ProcessorCount + 1 },
        { "BatchSize", o => o.BatchSize = 15 },
        { "BatchSize", o => (o.ContextSize, o.BatchSize) = (512, 1024) },
        { "MaxConcurrentRequests", o => o.MaxConcurrentRequests = 0 },
        { "MaxConcurrentRequests", o => o.MaxConcurrentRequests = 17 },
        { "ChatTemplate", o => o.ChatTemplate = "" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void StartupValidation_WithABadOption_FailsNamingTheSetting(string setting, Action<LlamaSharpModelOptions> configure)
    {
        using var provider = Build(o =>
        {
            o.ModelPath = models.Babbling;
            configure(o);
        });

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().WithMessage($"*LlamaSharp:{setting} must be*");
    }

    [Fact]
    public void StartupValidation_WithoutAModelPath_Fails()
    {
        using var provider = new ServiceCollection().AddLogging().AddLlamaSharpLanguageModel().BuildServiceProvider();

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().WithMessage("*LlamaSharp:ModelPath must be the path of a GGUF model file*");
    }

    [Fact]
    public void StartupValidation_DoesNotRequireTheFileToExistYet()
    {
        using var provider = Build(o => o.ModelPath = models.PathFor("downloaded-later.gguf"));

        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptions<LlamaSharpModelOptions>>().Value;
        options.ContextSize.Should().Be(4096);
        options.Threads.Should().Be(Math.Max(1, Environment.ProcessorCount / 2));
        options.MaxConcurrentRequests.Should().Be(1);
    }

    [Fact]
    public void StartupValidation_WithAFileThatIsNotGguf_FailsSayingWhatWasExpected()
    {
        var notGguf = models.PathFor("not-a-model.gguf");
        File.WriteAllText(notGguf, "<!doctype html><title>Sign in</title>");
        using var provider = Build(o => o.ModelPath = notGguf);

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().WithMessage($"*LlamaSharp:ModelPath must be a GGUF model file*'GGUF'*'{notGguf}' is not one*");
    }

    [Fact]
    public void StartupValidation_WithAGgufFile_Passes()
    {
        using var provider = Build(o => o.ModelPath = models.Reciting);

        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public async Task LanguageModel_ResolvedFromTheContainer_AnswersWithTheConfiguredModel()
    {
        await using var provider = Build(o => (o.ModelPath, o.ContextSize, o.Threads) = (models.Reciting, 512, 1));

        var response = await provider.GetRequiredService<ILanguageModel>().CompleteAsync(
            new ModelRequest(null, [ChatMessage.User("Hi")], new ModelSettings { Temperature = 0 }), TestContext.Current.CancellationToken);

        response.Text.Should().Be(TinyModels.RecitedText);
    }

    [Fact]
    public void Register_Twice_AddsNoDuplicates()
    {
        var services = new ServiceCollection();

        services.AddLlamaSharpLanguageModel();
        var count = services.Count;
        services.AddLlamaSharpLanguageModel();

        services.Count(d => d.ServiceType == typeof(ILanguageModel)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IValidateOptions<LlamaSharpModelOptions>)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(TimeProvider)).Should().Be(1);
        services.Count.Should().BeLessThanOrEqualTo(count + 1);
    }

    [Fact]
    public void AddLlamaSharpLanguageModel_KeepsAModelRegisteredBefore()
    {
        var mine = new ScriptedLanguageModel();
        var services = new ServiceCollection().AddLogging().AddSingleton<ILanguageModel>(mine);

        services.AddLlamaSharpLanguageModel(o => o.ModelPath = models.Babbling);

        services.BuildServiceProvider().GetRequiredService<ILanguageModel>().Should().BeSameAs(mine);
    }
}
