using System.Diagnostics;
using ChatBedrock.Application.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ChatBedrock.Hosts.Local.Tests;

/// <summary>The host's OpenTelemetry export, read back through the SDK's in-memory exporter.</summary>
public sealed class LocalTelemetryTests
{
    [Fact]
    public async Task OtelConsole_RegistersTheSdkWithTheChatBedrockSourceAndMeter()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        await using var host = await RunningHost.StartAsync(
            ["--otel-console", "--store", "memory"],
            providers: [new ScriptedModelProvider(new ChatBedrock.Testing.ScriptedLanguageModel())],
            configureServices: services => services
                .ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans))
                .ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics)));

        host.Services.GetService<TracerProvider>().Should().NotBeNull();
        var answer = await host.PostAsync("""{"input_text": "hello"}""");
        answer.EnsureSuccessStatusCode();
        host.Services.GetRequiredService<TracerProvider>().ForceFlush();
        host.Services.GetRequiredService<MeterProvider>().ForceFlush();

        List<Activity> snapshot;
        lock (spans)
        {
            snapshot = [.. spans];
        }

        snapshot.Select(s => s.DisplayName).Should().Contain([ChatBedrockTelemetry.TurnSpanName, "append_turn memory"])
            .And.Contain($"chat {ScriptedModelProvider.ModelId}");
        metrics.Select(m => m.Name).Should().Contain([ChatBedrockTelemetry.TokenUsageMetric, ChatBedrockTelemetry.OperationDurationMetric, ChatBedrockTelemetry.TurnDurationMetric]);
    }

    [Fact]
    public async Task WithoutAnEndpointOrTheFlag_NoSdkIsRegistered()
    {
        await using var app = await RunningHost.Build(["--store", "memory"]);

        app.Services.GetService<TracerProvider>().Should().BeNull();
        app.Services.GetService<MeterProvider>().Should().BeNull();
    }

    [Fact]
    public void TheConsoleFlag_IsTakenOutOfTheArguments_SoItTakesNoValue()
    {
        var args = LocalTelemetry.TakeConsoleFlag(["--otel-console", "--store", "memory"], out var console);

        console.Should().BeTrue();
        args.Should().Equal("--store", "memory");
    }
}
