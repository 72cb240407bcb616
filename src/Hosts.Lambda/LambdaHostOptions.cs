using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.Hosts.Lambda;

/// <summary>What <see cref="LambdaHost.RunAsync"/> needs beyond the environment; tests replace the defaults.</summary>
internal sealed record LambdaHostOptions
{
    /// <summary>The environment: <c>AWS_LAMBDA_RUNTIME_API</c>, the <c>CHAT_*</c> settings, <c>AWS_LAMBDA_LOG_LEVEL</c>.</summary>
    public required IConfiguration Configuration { get; init; }

    /// <summary>
    /// Where the JSON log lines go. By default standard output through a 64 KiB buffer flushed once per line:
    /// <c>Console.Out</c> would split a line into 256-byte writes, and a process frozen or ended between two
    /// of them leaves a line that is not JSON.
    /// </summary>
    public TextWriter Log { get; init; } = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 64 * 1024);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How long before Lambda's deadline the model call is cancelled, leaving time to answer 504.</summary>
    public TimeSpan DeadlineMargin { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Registers services before the configured ones, which then give way to them (a test's fake model).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}
