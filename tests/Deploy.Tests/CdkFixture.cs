using System.IO.Compression;
using ChatBedrock.Deploy.Tests;

// jsii drives one Node.js process per test process and is not thread-safe.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: AssemblyFixture(typeof(CdkFixture))]

namespace ChatBedrock.Deploy.Tests;

/// <summary>
/// Prepares jsii (Node.js on PATH, its end-of-life banner silenced) before the first CDK call, and synthesizes the
/// stack with a tiny stand-in for the Lambda host's zip, so the tests need neither the real build nor a network.
/// </summary>
public sealed class CdkFixture : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("chatbedrock-deploy-tests-");
    private int _synthesized;

    public CdkFixture()
    {
        if (Environment.GetEnvironmentVariable("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION") is null)
        {
            Environment.SetEnvironmentVariable("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20");
        }

        // Set by the CDK CLI for the app it starts; here they would make the template depend on the shell.
        foreach (var variable in (string[])["CDK_CONTEXT_JSON", "CDK_OUTDIR", "CDK_DEFAULT_ACCOUNT", "CDK_DEFAULT_REGION"])
        {
            Environment.SetEnvironmentVariable(variable, null);
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        if (!path.Split(Path.PathSeparator).Any(directory => File.Exists(Path.Combine(directory, OperatingSystem.IsWindows() ? "node.exe" : "node"))))
        {
            throw new InvalidOperationException("The CDK (jsii) needs Node.js on PATH; install Node.js 20 or newer.");
        }

        CodeAsset = Path.Combine(_directory.FullName, "bootstrap.zip");
        using var zip = ZipFile.Open(CodeAsset, ZipArchiveMode.Create);
        using var writer = new StreamWriter(zip.CreateEntry("bootstrap").Open());
        writer.Write("#!/bin/sh\n");
    }

    public string CodeAsset { get; }

    /// <summary>Synthesizes the stack with cdk.json's defaults, this fixture's zip and <paramref name="context"/>.</summary>
    public SynthesizedTemplate Synthesize(params (string Key, object Value)[] context)
    {
        var values = new Dictionary<string, object> { ["codeAsset"] = CodeAsset };
        foreach (var (key, value) in context)
        {
            values[key] = value;
        }

        var outdir = Path.Combine(_directory.FullName, "cdk.out." + Interlocked.Increment(ref _synthesized));
        var (_, stack) = ChatBedrockApp.Create(values, outdir);
        return new SynthesizedTemplate(stack);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
