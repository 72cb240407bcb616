using ChatBedrock.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Application.Tests;

public sealed class DependencyInjectionTests
{
    private static ServiceProvider Build(Action<ConversationOptions>? configure) =>
        new ServiceCollection()
            .AddLogging()
            .AddSingleton<ILanguageModel, ScriptedLanguageModel>()
            .AddInMemoryConversationRepository()
            .AddConversationUseCases(configure)
            .BuildServiceProvider();

    [Theory]
    [InlineData("MaxTokens", 0)]
    [InlineData("MaxTokens", 100_001)]
    [InlineData("Temperature", -0.1)]
    [InlineData("Temperature", 1.1)]
    [InlineData("MaxHistoryMessages", -1)]
    [InlineData("MaxContextTokens", 99)]
    [InlineData("MaxInputLength", 0)]
    public void StartupValidation_WithBadOption_FailsNamingTheSetting(string setting, double value)
    {
        using var provider = Build(o =>
        {
            switch (setting)
            {
                case "MaxTokens": o.MaxTokens = (int)value; break;
                case "Temperature": o.Temperature = value; break;
                case "MaxHistoryMessages": o.MaxHistoryMessages = (int)value; break;
                case "MaxContextTokens": o.MaxContextTokens = (int)value; break;
                case "MaxInputLength": o.MaxInputLength = (int)value; break;
            }
        });

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().WithMessage($"*Conversation:{setting}*");
    }

    [Fact]
    public void StartupValidation_WithDefaults_Passes()
    {
        using var provider = Build(null);

        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptions<ConversationOptions>>().Value;
        options.MaxTokens.Should().Be(1000);
        options.Temperature.Should().Be(0.5);
        options.MaxInputLength.Should().Be(16_000);
    }

    [Fact]
    public void Register_Twice_AddsNoDuplicates()
    {
        var services = new ServiceCollection();

        services.AddConversationUseCases().AddInMemoryConversationRepository();
        var count = services.Count;
        services.AddConversationUseCases().AddInMemoryConversationRepository();

        // Only the options' own ValidateOnStart marker may repeat; services themselves do not.
        services.Count(d => d.ServiceType == typeof(ContinueConversation)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IConversationRepository)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IValidateOptions<ConversationOptions>)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(TimeProvider)).Should().Be(1);
        services.Count.Should().BeLessThanOrEqualTo(count + 1);
    }

    [Fact]
    public void AddInMemoryConversationRepository_KeepsARepositoryRegisteredBefore()
    {
        var mine = new RecordingRepository();
        var services = new ServiceCollection().AddSingleton<IConversationRepository>(mine);

        services.AddInMemoryConversationRepository();

        services.BuildServiceProvider().GetRequiredService<IConversationRepository>().Should().BeSameAs(mine);
    }

    [Fact]
    public void ContinueConversation_ResolvesWithAllPortsRegistered()
    {
        using var provider = Build(null);

        provider.GetRequiredService<ContinueConversation>().Should().NotBeNull();
    }
}
