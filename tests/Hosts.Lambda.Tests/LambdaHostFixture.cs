using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using ChatBedrock.Application;
using ChatBedrock.Testing;
using ChatBedrock.Testing.Lambda;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.Hosts.Lambda.Tests;

/// <summary>
/// The real host, in process, against a <see cref="FakeRuntimeApi"/>: with a scripted model and the in-memory
/// store (<see cref="Start"/>), or with the real DynamoDB store and Bedrock model (<see cref="StartWithRealAdapters"/>).
/// </summary>
public sealed class LambdaHostFixture : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();

    private LambdaHostFixture(
        FakeRuntimeApi runtime, Dictionary<string, string?> environment, TimeSpan deadlineMargin, Func<LambdaHostFixture, Action<IServiceCollection>?> configureServices)
    {
        Runtime = runtime;
        var options = new LambdaHostOptions
        {
            Configuration = new ConfigurationBuilder().AddInMemoryCollection(environment).Build(),
            Log = Log,
            DeadlineMargin = deadlineMargin,
            ConfigureServices = configureServices(this),
        };
        Run = Task.Run(() => LambdaHost.RunAsync(options, _stop.Token));
    }

    public FakeRuntimeApi Runtime { get; }

    /// <summary>The model a host from <see cref="Start"/> answers with.</summary>
    public ScriptedLanguageModel Model { get; } = new();

    public LogLines Log { get; } = new();

    /// <summary>The host's run; its result is the exit code.</summary>
    public Task<int> Run { get; }

    /// <summary>Starts a host. <paramref name="environment"/> adds to or overrides the defaults (AWS_LAMBDA_RUNTIME_API, AWS_REGION).</summary>
    public static LambdaHostFixture Start(Dictionary<string, string?>? environment = null, TimeSpan? deadlineMargin = null) =>
        StartWith(environment, deadlineMargin, host => services => services.AddSingleton<ILanguageModel>(host.Model).AddInMemoryConversationRepository());

    /// <summary>Starts a host whose services <paramref name="configureServices"/> registers (given the fixture) before the configured ones.</summary>
    public static LambdaHostFixture StartWithServices(Func<LambdaHostFixture, Action<IServiceCollection>> configureServices) =>
        StartWith(environment: null, deadlineMargin: null, configureServices);

    /// <summary>
    /// Starts a host wired only by <paramref name="environment"/>, as in Lambda: the DynamoDB store and the Bedrock
    /// model. <paramref name="configureServices"/> may tune them (e.g. no Bedrock retries) before the settings apply.
    /// </summary>
    public static LambdaHostFixture StartWithRealAdapters(Dictionary<string, string?> environment, Action<IServiceCollection>? configureServices = null) =>
        StartWith(environment, deadlineMargin: null, _ => configureServices);

    private static LambdaHostFixture StartWith(
        Dictionary<string, string?>? environment, TimeSpan? deadlineMargin, Func<LambdaHostFixture, Action<IServiceCollection>?> configureServices)
    {
        var runtime = new FakeRuntimeApi();
        var all = new Dictionary<string, string?>
        {
            ["AWS_LAMBDA_RUNTIME_API"] = runtime.Address,
            ["AWS_REGION"] = "ap-northeast-1",
        };
        foreach (var (key, value) in environment ?? [])
        {
            all[key] = value;
        }

        return new LambdaHostFixture(runtime, all, deadlineMargin ?? TimeSpan.FromMilliseconds(500), configureServices);
    }

    /// <summary>Sends an event and waits for the host's answer.</summary>
    public Task<FakeRuntimeApi.RecordedCall> InvokeAsync(string payload, DateTimeOffset? deadline = null) =>
        Runtime.Invoke(payload, deadline).AnswerAsync();

    /// <summary>A Function URL event (payload 2.0) as Lambda builds it.</summary>
    public static string FunctionUrlEvent(
        string method, string rawPath = "/", string rawQuery = "", string? body = null, bool base64 = false, Dictionary<string, string>? headers = null)
    {
        var all = new Dictionary<string, string> { ["host"] = "abc.lambda-url.ap-northeast-1.on.aws", ["user-agent"] = "test" };
        if (body is not null)
        {
            all["content-type"] = "application/json"; // a turn's body is JSON and says so; a test may set another
        }

        foreach (var (key, value) in headers ?? [])
        {
            all[key] = value;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("version", "2.0");
            json.WriteString("routeKey", "$default");
            json.WriteString("rawPath", rawPath);
            json.WriteString("rawQueryString", rawQuery);
            json.WriteStartObject("headers");
            foreach (var (key, value) in all)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            json.WriteStartObject("requestContext");
            json.WriteString("accountId", "anonymous");
            json.WriteString("apiId", "abc");
            json.WriteString("domainName", "abc.lambda-url.ap-northeast-1.on.aws");
            json.WriteStartObject("http");
            json.WriteString("method", method);
            json.WriteString("path", rawPath);
            json.WriteString("protocol", "HTTP/1.1");
            json.WriteString("sourceIp", "203.0.113.1");
            json.WriteString("userAgent", "test");
            json.WriteEndObject();
            json.WriteString("requestId", Guid.NewGuid().ToString());
            json.WriteString("routeKey", "$default");
            json.WriteString("stage", "$default");
            json.WriteNumber("timeEpoch", 1_700_000_000_000);
            json.WriteEndObject();
            if (body is not null)
            {
                json.WriteString("body", base64 ? Convert.ToBase64String(Encoding.UTF8.GetBytes(body)) : body);
            }

            json.WriteBoolean("isBase64Encoded", base64);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Run.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            await Runtime.DisposeAsync();
            _stop.Dispose();
        }
    }

    /// <summary>The host's log output, one JSON line each.</summary>
    public sealed class LogLines : TextWriter
    {
        private readonly ConcurrentQueue<string> _lines = new();
        private readonly StringBuilder _current = new();

        public override Encoding Encoding => Encoding.UTF8;

        public IReadOnlyList<JsonElement> Entries => _lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();

        public IEnumerable<string> Lines => _lines;

        public override void Write(char value)
        {
            lock (_current)
            {
                if (value == '\n')
                {
                    _lines.Enqueue(_current.ToString().TrimEnd('\r'));
                    _current.Clear();
                }
                else
                {
                    _current.Append(value);
                }
            }
        }
    }
}
