using System.Text.Json;
using ChatBedrock.Application;
using ChatBedrock.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Hosts.Lambda.Tests;

/// <summary>What init does before the first <c>/next</c>, what it leaves for later, and what it logs.</summary>
public sealed class ColdStartTests
{
    [Fact]
    public async Task TheModelAndTheStore_AreConstructedOnlyOnceTheFirstNextIsSent()
    {
        var nextWasSent = new TaskCompletionSource<bool>();
        await using var host = LambdaHostFixture.StartWithServices(fixture => services => services
            .AddInMemoryConversationRepository()
            .AddSingleton<ILanguageModel>(_ =>
            {
                // Constructed before /next, this would wait for a /next that never comes, and record false.
                nextWasSent.TrySetResult(fixture.Runtime.FirstNext.Wait(TimeSpan.FromSeconds(10)));
                return fixture.Model;
            }));

        var call = await host.InvokeAsync("""{"input_text": "hello"}""");

        call.IsError.Should().BeFalse(call.Text);
        (await nextWasSent.Task).Should().BeTrue();
    }

    [Fact]
    public async Task AServiceThatCannotBeBuiltAfterInit_FailsTheFirstEventWithInitializationFailed_AndExits1()
    {
        await using var host = LambdaHostFixture.StartWithServices(_ => services => services
            .AddInMemoryConversationRepository()
            .AddSingleton<ILanguageModel>(_ => throw new InvalidOperationException("no model today")));

        var call = await host.InvokeAsync("""{"input_text": "hello"}""");
        var exitCode = await host.Run.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        call.IsError.Should().BeTrue();
        call.Headers["Lambda-Runtime-Function-Error-Type"].Should().Be("InitializationFailed");
        exitCode.Should().Be(1);
    }

    [Fact]
    public void TheComposition_PassesContainerValidation_WhichInitSkips()
    {
        var environment = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AWS_REGION"] = "ap-northeast-1" }).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddChatBedrock(ChatBedrockSettings.Read(environment));

        var build = () => services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }).Dispose();

        build.Should().NotThrow();
    }

    [Theory]
    [InlineData(null, "System.Net.Http.HttpClient.ChatBedrock.Bedrock.ClientHandler", LogLevel.Warning)]
    [InlineData(null, "Microsoft.Extensions.Hosting", LogLevel.Warning)]
    [InlineData(null, "ChatBedrock.Http.ChatHttpHandler", LogLevel.Information)]
    [InlineData(null, "ChatBedrock.Hosts.Lambda.LambdaHost", LogLevel.Information)]
    [InlineData(null, "ChatBedrock.Application.ContinueConversation", LogLevel.Warning)]
    [InlineData("INFO", "ChatBedrock.Adapters.Bedrock.BedrockLanguageModel", LogLevel.Warning)]
    [InlineData("DEBUG", "ChatBedrock.Application.ContinueConversation", LogLevel.Debug)]
    [InlineData("INFO", "System.Net.Http.HttpClient.ChatBedrock.Bedrock.ClientHandler", LogLevel.Warning)]
    [InlineData("DEBUG", "System.Net.Http.HttpClient.ChatBedrock.Bedrock.ClientHandler", LogLevel.Debug)]
    [InlineData("TRACE", "Microsoft.Extensions.Hosting", LogLevel.Trace)]
    [InlineData("ERROR", "System.Net.Http.HttpClient.ChatBedrock.Bedrock.ClientHandler", LogLevel.Error)]
    [InlineData("ERROR", "ChatBedrock.Http.ChatHttpHandler", LogLevel.Error)]
    public void CategoriesOtherThanTheSurfaceAndTheHost_LogFromWarning_UnlessTheLevelAsksForDebugOrTrace(string? awsLambdaLogLevel, string category, LogLevel expected)
    {
        var logs = new JsonLinesLoggerProvider(TextWriter.Null, JsonLinesLoggerProvider.ParseLevel(awsLambdaLogLevel) ?? LogLevel.Information, TimeProvider.System);

        logs.MinimumLevelFor(category).Should().Be(expected);
    }

    [Fact]
    public async Task AtTheDefaultLevel_AnInvocationWritesOneInformationLine_OfTheSurface()
    {
        await using var host = LambdaHostFixture.Start();

        var invocation = host.Runtime.Invoke("""{"input_text": "hello"}""");
        (await invocation.AnswerAsync()).IsError.Should().BeFalse();
        var second = await host.InvokeAsync("""{"input_text": "next"}"""); // the first invocation's lines are all written by now
        second.IsError.Should().BeFalse();

        host.Log.Entries
            .Where(e => e.TryGetProperty("requestId", out var id) && id.GetString() == invocation.RequestId)
            .Where(e => e.GetProperty("level").GetString() == "INFO")
            .Where(e => !e.TryGetProperty("_aws", out _)) // the turn's metrics (EmbeddedMetrics), not a log message
            .Should().ContainSingle().Which.GetProperty("category").GetString().Should().Be("ChatBedrock.Http.ChatHttpHandler");
    }
}
