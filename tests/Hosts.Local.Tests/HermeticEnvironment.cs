using System.Collections;
using System.Runtime.CompilerServices;

namespace ChatBedrock.Hosts.Local.Tests;

/// <summary>
/// The hosts under test read the process environment (WebApplication's configuration, AWSSDK's credential
/// chain). Before any test runs, this process forgets the developer's AWS and CHAT_* setup, so "no AWS
/// credentials" is true on every machine and no test probes the EC2 metadata service.
/// </summary>
internal static class HermeticEnvironment
{
    [ModuleInitializer]
    internal static void ForgetAwsAndChatSettings()
    {
        foreach (var name in Environment.GetEnvironmentVariables().Keys.OfType<string>()
            .Where(n => n.StartsWith("AWS_", StringComparison.Ordinal) || n.StartsWith("CHAT_", StringComparison.Ordinal) || n.StartsWith("ASPNETCORE_", StringComparison.Ordinal)))
        {
            Environment.SetEnvironmentVariable(name, null);
        }

        var nowhere = Path.Combine(Path.GetTempPath(), "chatbedrock-no-aws-" + Guid.NewGuid().ToString("N"));
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", Path.Combine(nowhere, "config"));
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(nowhere, "credentials"));
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
    }
}
