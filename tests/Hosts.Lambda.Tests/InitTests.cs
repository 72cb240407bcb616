using System.Text.Json;

namespace ChatBedrock.Hosts.Lambda.Tests;

public sealed class InitTests
{
    [Theory]
    [InlineData("CHAT_MAX_TOKENS", "lots")]
    [InlineData("CHAT_MAX_TOKENS", "0")]
    [InlineData("CHAT_TEMPERATURE", "1.5")]
    [InlineData("CHAT_TEMPERATURE", "hot")]
    [InlineData("CHAT_MAX_INPUT_CHARS", "-1")]
    [InlineData("CHAT_HISTORY_LAYOUT", "rows")]
    [InlineData("CHAT_HISTORY_TTL_SECONDS", "soon")]
    [InlineData("CHAT_STORE_LAYOUT", "rows")]
    [InlineData("CHAT_STORE_TTL_SECONDS", "soon")]
    [InlineData("CHAT_STREAMING", "yes")]
    [InlineData("CHAT_CORS_ALLOWED_ORIGINS", "not an origin")]
    [InlineData("CHAT_TRUSTED_ORIGINS", "not an origin")]
    [InlineData("AWS_ENDPOINT_URL_DYNAMODB", "localhost:8000")]
    [InlineData("AWS_LAMBDA_LOG_LEVEL", "LOUD")]
    [InlineData("CHAT_SUMMARY", "maybe")]
    [InlineData("CHAT_SUMMARY_MAX_TOKENS", "10")]
    [InlineData("CHAT_PRICES", "claude=cheap")]
    public async Task InvalidSetting_IsAnInitErrorNamingTheVariable_AndTheProcessExits1(string variable, string value)
    {
        await using var host = LambdaHostFixture.Start(new() { [variable] = value });

        var initError = await host.Runtime.InitError.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var exitCode = await host.Run.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        exitCode.Should().Be(1);
        initError.Headers["Lambda-Runtime-Function-Error-Type"].Should().Be("ConfigurationInvalid");
        var error = JsonDocument.Parse(initError.Body).RootElement;
        error.GetProperty("errorType").GetString().Should().Be("ConfigurationInvalid");
        error.GetProperty("errorMessage").GetString().Should().Contain(variable);
        host.Log.Entries.Should().Contain(e => e.GetProperty("level").GetString() == "FATAL");
    }

    [Fact]
    public async Task WithoutTheRuntimeApi_TheProcessExits2()
    {
        var exitCode = await LambdaHost.RunAsync(
            new LambdaHostOptions
            {
                Configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(),
                Log = TextWriter.Null,
            },
            TestContext.Current.CancellationToken);

        exitCode.Should().Be(2);
    }
}
