using System.Text.Json.Nodes;

namespace ChatBedrock.Deploy.Tests;

public sealed class DeploySettingsTests(CdkFixture cdk)
{
    [Theory]
    [InlineData("authType", "PUBLIC", "Context value 'authType' must be NONE or AWS_IAM (was 'PUBLIC').")]
    [InlineData("historyLayout", "items", "Context value 'historyLayout' must be langchain or turns (was 'items').")]
    [InlineData("storeLayout", "items", "Context value 'storeLayout' must be langchain or turns (was 'items').")]
    [InlineData("memorySize", "64", "Context value 'memorySize' must be a whole number from 128 to 10240 (was '64').")]
    [InlineData("reservedConcurrency", "0", "Context value 'reservedConcurrency' must be a whole number from 1 to 100000 (was '0').")]
    [InlineData("allowedOrigins", "https://chat.example.com/", "Context value 'allowedOrigins' must be comma-separated origins")]
    [InlineData("allowedOrigins", "chat.example.com", "Context value 'allowedOrigins' must be comma-separated origins")]
    [InlineData("maxTokens", "-1", "Context value 'maxTokens' must be a positive whole number (was '-1').")]
    [InlineData("temperature", "warm", "Context value 'temperature' must be a number such as 0.5 (was 'warm').")]
    [InlineData("historyTtlSeconds", "1d", "Context value 'historyTtlSeconds' must be a positive whole number of seconds (was '1d').")]
    [InlineData("storeTtlSeconds", "1d", "Context value 'storeTtlSeconds' must be a positive whole number of seconds (was '1d').")]
    [InlineData("modelId", "", "Context value 'modelId' is missing; deploy/cdk.json sets its default.")]
    [InlineData("modelId", "arn:aws:bedrock:us-east-1::foundation-model/x", "Context value 'modelId' must be a model id or an inference profile id, not an ARN")]
    public void Synthesize_WithAnInvalidContextValue_FailsNamingTheKey(string key, string value, string message)
    {
        var synthesize = () => cdk.Synthesize((key, value));

        synthesize.Should().Throw<DeployConfigurationException>().Which.Message.Should().StartWith(message);
    }

    [Fact]
    public void Synthesize_WithoutTheBuiltZip_SaysHowToBuildIt()
    {
        var synthesize = () => cdk.Synthesize(("codeAsset", "../artifacts/lambda/missing.zip"));

        synthesize.Should().Throw<DeployConfigurationException>()
            .Which.Message.Should().Contain(Path.GetFullPath("../artifacts/lambda/missing.zip", ChatBedrockApp.AppDirectory))
            .And.Contain("dotnet publish src/Hosts.Lambda");
    }

    [Fact]
    public void CdkJson_DefaultCodeAsset_IsTheLambdaHostsZipAtTheRepositoryRoot()
    {
        // Read, not synthesized: whether the zip has been built on this machine must not matter.
        var cdkJson = JsonNode.Parse(File.ReadAllText(Path.Combine(ChatBedrockApp.AppDirectory, "cdk.json")))!;
        var repositoryRoot = Path.GetDirectoryName(ChatBedrockApp.AppDirectory)!;

        File.Exists(Path.Combine(repositoryRoot, "ChatBedrock.sln")).Should().BeTrue();
        Path.GetFullPath((string)cdkJson["context"]!["codeAsset"]!, ChatBedrockApp.AppDirectory)
            .Should().Be(Path.Combine(repositoryRoot, "artifacts", "lambda", "bootstrap.zip"));
    }
}
