using ChatBedrock.Application;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Adapters.Bedrock.Tests;

public sealed class DependencyInjectionTests
{
    [Theory]
    [InlineData("ModelId")]
    [InlineData("Region")]
    [InlineData("Endpoint")]
    [InlineData("ApiKey")]
    [InlineData("RequestTimeout")]
    [InlineData("MaxRetries")]
    [InlineData("RetryBaseDelay")]
    [InlineData("MaxOutputTokens")]
    [InlineData("MaxTemperature")]
    [InlineData("TopP")]
    [InlineData("StopSequences")]
    [InlineData("AdditionalModelRequestFields")]
    [InlineData("PromptCache")]
    [InlineData("PromptCacheModels")]
    [InlineData("GuardrailIdentifier")]
    [InlineData("GuardrailVersion")]
    [InlineData("GuardrailTrace")]
    [InlineData("GuardrailStreamProcessingMode")]
    [InlineData("PerformanceLatency")]
    [InlineData("ServiceTier")]
    public void StartupValidation_WithBadOption_FailsNamingTheSetting(string setting)
    {
        using var provider = new ServiceCollection().AddLogging().AddBedrockLanguageModel(o =>
        {
            switch (setting)
            {
                case "ModelId": o.ModelId = "anthropic claude"; break;
                case "Region": o.Region = "US West 2"; break;
                case "Endpoint": o.Endpoint = "ftp://example.com"; break;
                case "ApiKey": o.ApiKey = " "; break;
                case "RequestTimeout": o.RequestTimeout = TimeSpan.FromMilliseconds(10); break;
                case "MaxRetries": o.MaxRetries = 11; break;
                case "RetryBaseDelay": o.RetryBaseDelay = TimeSpan.Zero; break;
                case "MaxOutputTokens": o.MaxOutputTokens = 0; break;
                case "MaxTemperature": o.MaxTemperature = 1.5; break;
                case "TopP": o.TopP = 1.1; break;
                case "StopSequences": foreach (var s in new[] { "a", "b", "c", "d", "e" }) { o.StopSequences.Add(s); } break;
                case "AdditionalModelRequestFields": o.AdditionalModelRequestFields = "[250]"; break;
                case "PromptCache": o.PromptCache = (PromptCacheMode)7; break;
                case "PromptCacheModels": o.PromptCacheModels["anthropic.claude-x"] = 0; break;
                case "GuardrailIdentifier": o.GuardrailIdentifier = "Not An Id"; o.GuardrailVersion = "1"; break;
                case "GuardrailVersion": o.GuardrailIdentifier = "abc123"; break;
                case "GuardrailTrace": o.GuardrailIdentifier = "abc123"; o.GuardrailVersion = "DRAFT"; o.GuardrailTrace = "on"; break;
                case "GuardrailStreamProcessingMode": o.GuardrailStreamProcessingMode = "sync"; break;
                case "PerformanceLatency": o.PerformanceLatency = "fast"; break;
                case "ServiceTier": o.ServiceTier = "gold"; break;
            }
        }).BuildServiceProvider();

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().WithMessage($"*Bedrock:{setting} must be*");
    }

    [Fact]
    public void Defaults_AreValid_AndUseClaude3Haiku()
    {
        using var provider = new ServiceCollection().AddLogging().AddBedrockLanguageModel().BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();

        provider.GetRequiredService<IOptions<BedrockModelOptions>>().Value.ModelId.Should().Be("anthropic.claude-3-haiku-20240307-v1:0");
        provider.GetRequiredService<ILanguageModel>().Should().NotBeNull();
        provider.GetRequiredService<BedrockConfigurationCheck>().Should().NotBeNull();
    }

    [Fact]
    public void Register_Twice_AddsNoDuplicates_ButAppliesBothConfigurations()
    {
        var services = new ServiceCollection().AddLogging();

        services.AddBedrockLanguageModel(o => o.ModelId = "first").AddBedrockLanguageModel(o => o.Region = "us-west-2");

        services.Count(d => d.ServiceType == typeof(ILanguageModel)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IValidateOptions<BedrockModelOptions>)).Should().Be(1);
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<BedrockModelOptions>>().Value;
        (options.ModelId, options.Region).Should().Be(("first", "us-west-2"));
    }

    [Fact]
    public void Register_AfterAnotherModel_KeepsTheOtherModel()
    {
        var services = new ServiceCollection().AddLogging().AddSingleton<ILanguageModel, ChatBedrock.Testing.ScriptedLanguageModel>();

        services.AddBedrockLanguageModel();

        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<ILanguageModel>().Should().BeOfType<ChatBedrock.Testing.ScriptedLanguageModel>();
    }
}
