namespace ChatBedrock.Deploy.Tests;

public sealed class AppTests(CdkFixture cdk)
{
    [Fact]
    public void Synth_WritesTheTemplateAndTheZipAssetToTheCloudAssembly_Offline()
    {
        var outdir = Path.Combine(Path.GetTempPath(), "chatbedrock-app-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (app, stack) = ChatBedrockApp.Create(new Dictionary<string, object> { ["codeAsset"] = cdk.CodeAsset }, outdir);

            var assembly = app.Synth();

            File.ReadAllText(Path.Combine(assembly.Directory, stack.TemplateFile)).Should().Contain("\"provided.al2023\"");
            stack.StackName.Should().Be("ChatBedrock");
            Directory.GetFiles(assembly.Directory, "*.zip", SearchOption.AllDirectories)
                .Should().ContainSingle().Which.Should().Match(path => File.ReadAllBytes(path).SequenceEqual(File.ReadAllBytes(cdk.CodeAsset)));
        }
        finally
        {
            Directory.Delete(outdir, recursive: true);
        }
    }
}
