using ChatBedrock.Application.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ChatBedrock.Hosts.Local;

/// <summary>
/// Exports ChatBedrock's spans and metrics (<see cref="ChatBedrockTelemetry.Name"/>) with OpenTelemetry: by OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads the other <c>OTEL_*</c> variables itself), and to
/// the console with <c>--otel-console</c>. Without either, no SDK is registered and nothing is collected.
/// </summary>
internal static class LocalTelemetry
{
    public const string ConsoleFlag = "--otel-console";
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ServiceName = "chatbedrock-local";

    /// <summary>The arguments without <see cref="ConsoleFlag"/>, which takes no value (the command line provider would take the next argument as one).</summary>
    public static IReadOnlyList<string> TakeConsoleFlag(IReadOnlyList<string> args, out bool console)
    {
        console = args.Contains(ConsoleFlag, StringComparer.Ordinal);
        return console ? [.. args.Where(a => a != ConsoleFlag)] : args;
    }

    public static void Add(IServiceCollection services, IConfiguration configuration, bool console)
    {
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]);
        if (!otlp && !console)
        {
            return;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] ?? ServiceName))
            .WithTracing(tracing =>
            {
                // ASP.NET Core's request span too: it is the turn's parent, and an unsampled parent would drop the turn.
                tracing.AddSource(ChatBedrockTelemetry.Name, "Microsoft.AspNetCore");
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }

                if (console)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ChatBedrockTelemetry.Name);
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }

                if (console)
                {
                    metrics.AddConsoleExporter();
                }
            });
    }
}
