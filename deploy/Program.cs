using ChatBedrock.Deploy;

// Under the CDK CLI, CDK_OUTDIR says where the CLI expects the cloud assembly; run alone (`dotnet run`), it goes
// to deploy/cdk.out, where `cdk deploy --app cdk.out` can pick it up.
var outdir = Environment.GetEnvironmentVariable("CDK_OUTDIR") is { Length: > 0 } ? null : Path.Combine(ChatBedrockApp.AppDirectory, "cdk.out");
try
{
    var (app, stack) = ChatBedrockApp.Create(outdir: outdir);
    var assembly = app.Synth();
    if (outdir is not null)
    {
        Console.WriteLine($"Template written to {Path.Combine(assembly.Directory, stack.TemplateFile)}");
    }

    return 0;
}
catch (DeployConfigurationException exception)
{
    await Console.Error.WriteLineAsync(exception.Message);
    return 1;
}
