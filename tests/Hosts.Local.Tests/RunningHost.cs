using System.Net.Http.Json;
using System.Text.Json;
using ChatBedrock.Hosts.Local.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Hosts.Local.Tests;

/// <summary>
/// The real local host, in process, on 127.0.0.1 and a free port, with its SQLite file (unless the test says
/// otherwise) in a temporary folder. Its log is collected instead of written to the console.
/// </summary>
internal sealed class RunningHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _folder;
    private readonly bool _ownsFolder;

    private RunningHost(WebApplication app, string folder, bool ownsFolder)
    {
        _app = app;
        _folder = folder;
        _ownsFolder = ownsFolder;
        Address = new Uri(app.Urls.Single());
        Client = new HttpClient { BaseAddress = Address };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Every log line written so far, as "Category: message".</summary>
    public IReadOnlyList<string> Log =>
        [.. _app.Services.GetFakeLogCollector().GetSnapshot().Select(r => $"{r.Category}: {r.Message}")];

    /// <summary>The folder of the host's SQLite file; deleted with the host unless the test gave it.</summary>
    public string Folder => _folder;

    /// <summary>The host's SQLite file unless the settings name another.</summary>
    public string DatabasePath => Path.Combine(_folder, "history.db");

    public static async Task<RunningHost> StartAsync(
        IReadOnlyList<string>? args = null,
        IReadOnlyList<IModelProvider>? providers = null,
        Dictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null,
        string? folder = null)
    {
        var ownsFolder = folder is null;
        folder ??= Directory.CreateTempSubdirectory("chatbedrock-local-host-").FullName;
        var allSettings = new Dictionary<string, string?> { ["Sqlite:DatabasePath"] = Path.Combine(folder, "history.db") };
        foreach (var (key, value) in settings ?? [])
        {
            allSettings[key] = value;
        }

        var app = await Build(["--urls", "http://127.0.0.1:0", .. args ?? []], providers, allSettings, configureServices);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new RunningHost(app, folder, ownsFolder);
    }

    /// <summary>Builds the host without starting it.</summary>
    public static Task<WebApplication> Build(
        IReadOnlyList<string> args,
        IReadOnlyList<IModelProvider>? providers = null,
        Dictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null) =>
        LocalHost.BuildAsync(
            new LocalHostOptions
            {
                Args = args,
                Settings = settings,
                ModelProviders = providers ?? new LocalHostOptions().ModelProviders,
                ConfigureServices = services =>
                {
                    services.AddLogging(logging => logging.ClearProviders().AddFakeLogging());
                    configureServices?.Invoke(services);
                },
            },
            TestContext.Current.CancellationToken);

    public async Task<JsonElement> StatusAsync() =>
        await Client.GetFromJsonAsync<JsonElement>("/status", TestContext.Current.CancellationToken);

    /// <summary>Asks the status until <paramref name="done"/> holds for it (a download in the background).</summary>
    public async Task<JsonElement> WaitForStatusAsync(Func<JsonElement, bool> done)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            var status = await StatusAsync();
            if (done(status))
            {
                return status;
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    public async Task<HttpResponseMessage> PostAsync(string json, bool stream = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (stream)
        {
            request.Headers.Accept.ParseAdd("text/event-stream");
        }

        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        if (_ownsFolder)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
        }
    }
}
