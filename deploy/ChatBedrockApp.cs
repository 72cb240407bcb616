using System.Reflection;
using System.Text.Json;
using Amazon.CDK;

namespace ChatBedrock.Deploy;

/// <summary>Builds the CDK app the same way for the CLI, for <c>dotnet run</c> and for the tests.</summary>
internal static class ChatBedrockApp
{
    public const string StackName = "ChatBedrock";

    /// <summary>The folder of deploy/cdk.json, recorded at build time (see Deploy.csproj).</summary>
    public static string AppDirectory { get; } =
        typeof(ChatBedrockApp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "ChatBedrock.Deploy.AppDirectory").Value!;

    /// <summary>
    /// The app with its stack. Context: the defaults of cdk.json, then <paramref name="context"/>, then what the
    /// CDK CLI passes (cdk.json again plus <c>-c key=value</c>), each overriding the one before.
    /// </summary>
    public static (App App, ChatStack Stack) Create(IDictionary<string, object>? context = null, string? outdir = null)
    {
        var defaults = DefaultContext();
        foreach (var (key, value) in context ?? new Dictionary<string, object>())
        {
            defaults[key] = value;
        }

        var app = new App(new AppProps { Context = defaults, Outdir = outdir });
        var stack = new ChatStack(app, StackName, DeploySettings.FromContext(app.Node, AppDirectory), new StackProps
        {
            Description = "ChatBedrock: a chat backend on Amazon Bedrock with history in DynamoDB.",
            // Set by the CDK CLI from the AWS profile; absent offline, which makes the template Region-agnostic.
            Env = new Amazon.CDK.Environment
            {
                Account = System.Environment.GetEnvironmentVariable("CDK_DEFAULT_ACCOUNT"),
                Region = System.Environment.GetEnvironmentVariable("CDK_DEFAULT_REGION"),
            },
        });
        return (app, stack);
    }

    private static Dictionary<string, object> DefaultContext()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppDirectory, "cdk.json")));
        return document.RootElement.GetProperty("context").EnumerateObject().ToDictionary(
            property => property.Name,
            property => (object)(property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText()),
            StringComparer.Ordinal);
    }
}
