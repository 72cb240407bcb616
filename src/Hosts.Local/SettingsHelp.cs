using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text;
using ChatBedrock.Adapters.LlamaSharp;
using ChatBedrock.Adapters.Sqlite;
using ChatBedrock.Hosting;

namespace ChatBedrock.Hosts.Local;

/// <summary>
/// The part of <c>--help</c> that lists every section and key the host binds, read from the options types
/// themselves so it cannot drift from what is bound.
/// </summary>
internal static class SettingsHelp
{
    /// <summary>The sections this host binds: the shared ones and those of its own adapters.</summary>
    public static IReadOnlyList<ChatBedrockSection> Sections { get; } =
    [
        .. ChatBedrockSections.All,
        new(SqliteStoreOptions.SectionName, typeof(SqliteStoreOptions)),
        new(LlamaSharpModelOptions.SectionName, typeof(LlamaSharpModelOptions)),
    ];

    public static string Text
    {
        get
        {
            var text = new StringBuilder()
                .AppendLine("Settings: --<Section>:<Key> <value>, or the environment variable <Section>__<Key>; a section key")
                .AppendLine("wins over the CHAT_* variable that sets the same option.");
            var width = Sections.Max(s => s.Name.Length) + 4;
            foreach (var section in Sections)
            {
                // Wrapped at about 110 columns, continuation lines under the first key.
                var line = new StringBuilder("  ").Append(section.Name.PadRight(width - 2));
                var keys = Keys(section.OptionsType).ToList();
                for (var i = 0; i < keys.Count; i++)
                {
                    var key = i < keys.Count - 1 ? keys[i] + ", " : keys[i];
                    if (line.Length + key.Length > 110)
                    {
                        text.AppendLine(line.ToString().TrimEnd());
                        line.Clear().Append(' ', width);
                    }

                    line.Append(key);
                }

                text.AppendLine(line.ToString());
            }

            return text
                .AppendLine()
                .AppendLine("Telemetry (spans and metrics of the ChatBedrock source and meter):")
                .AppendLine($"  {LocalTelemetry.OtlpEndpointVariable}=<url>  export with OTLP (the other OTEL_* variables apply)")
                .AppendLine($"  {LocalTelemetry.ConsoleFlag}                    write them to the console")
                .ToString();
        }
    }

    /// <summary>One key per public property: settable ones by name, lists as <c>Key:0</c>, dictionaries as <c>Key:&lt;name&gt;</c>.</summary>
    public static IEnumerable<string> Keys([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type optionsType) =>
        optionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.CanWrite ? p.Name
                : p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(IDictionary<,>) ? $"{p.Name}:<name>"
                : typeof(IEnumerable).IsAssignableFrom(p.PropertyType) && p.PropertyType != typeof(string) ? $"{p.Name}:0"
                : null)
            .OfType<string>();
}
