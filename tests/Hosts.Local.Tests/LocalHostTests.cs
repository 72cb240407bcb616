using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using ChatBedrock.Domain;
using ChatBedrock.Hosting;
using ChatBedrock.Testing;
using ChatBedrock.Testing.Dynalite;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.Hosts.Local.Tests;

/// <summary>The local host over HTTP: where it listens, which store it keeps history in, how Kestrel carries the shared surface.</summary>
public sealed class LocalHostTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ScriptedLanguageModel _model = new();

    [Fact]
    public async Task WithoutUrls_ListensOnLoopbackPort5000()
    {
        await using var app = await RunningHost.Build([], Scripted());

        app.Configuration[WebHostDefaults.ServerUrlsKey].Should().Be("http://127.0.0.1:5000");
    }

    [Fact]
    public async Task Urls_ChangesWhereItListens_AndThePageIsServedThere()
    {
        await using var host = await StartAsync();

        var page = await host.Client.GetAsync("/", Ct);

        host.Address.Host.Should().Be("127.0.0.1");
        host.Address.Port.Should().NotBe(5000);
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.ToString().Should().Be("text/html; charset=utf-8");
        (await page.Content.ReadAsStringAsync(Ct)).Should().Contain("<html");
    }

    [Fact]
    public async Task Store_DefaultsToSqlite_AndTheHistoryOutlivesTheHost()
    {
        var folder = Directory.CreateTempSubdirectory("chatbedrock-local-host-").FullName;
        try
        {
            string sessionId;
            await using (var first = await StartAsync(folder: folder))
            {
                (await first.StatusAsync()).GetProperty("store").GetString().Should().Be("sqlite");
                var reply = await (await first.PostAsync("""{"input_text": "覚えていて"}""")).Content.ReadFromJsonAsync<JsonElement>(Ct);
                sessionId = reply.GetProperty("session_id").GetString()!;
            }

            await using var second = await StartAsync(folder: folder);
            var history = await second.Client.GetFromJsonAsync<JsonElement>($"/sessions/{sessionId}/messages", Ct);

            File.Exists(Path.Combine(folder, "history.db")).Should().BeTrue();
            history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString())
                .Should().Equal("覚えていて", "echo: 覚えていて");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task StoreMemory_KeepsHistoryInMemory()
    {
        await using var host = await StartAsync(["--store", "memory"]);

        var reply = await (await host.PostAsync("""{"input_text": "hello"}""")).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var history = await host.Client.GetAsync($"/sessions/{reply.GetProperty("session_id").GetString()}/messages", Ct);

        (await host.StatusAsync()).GetProperty("store").GetString().Should().Be("memory");
        history.StatusCode.Should().Be(HttpStatusCode.OK);
        File.Exists(host.DatabasePath).Should().BeFalse();
    }

    [Fact]
    public async Task StoreDynamoDb_KeepsHistoryInTheTable()
    {
        await using var dynalite = new DynaliteServer();
        var endpoint = await dynalite.StartAsync(Ct);
        using var client = new AmazonDynamoDBClient(new BasicAWSCredentials("test", "test"), new AmazonDynamoDBConfig { ServiceURL = endpoint.ToString() });
        await client.CreateTableAsync(new CreateTableRequest
        {
            TableName = "LocalHostHistory",
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = [new AttributeDefinition("SessionId", ScalarAttributeType.S)],
            KeySchema = [new KeySchemaElement("SessionId", KeyType.HASH)],
        }, Ct);

        await using var host = await StartAsync(
            ["--store", "dynamodb"],
            settings: new() { ["CHAT_TABLE_NAME"] = "LocalHostHistory" },
            configureServices: services => services.AddSingleton<IAmazonDynamoDB>(client));
        var reply = await (await host.PostAsync("""{"input_text": "hello", "session_id": "in-dynamodb"}""")).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var item = await client.GetItemAsync("LocalHostHistory", new() { ["SessionId"] = new AttributeValue("in-dynamodb") }, Ct);

        (await host.StatusAsync()).GetProperty("store").GetString().Should().Be("dynamodb");
        reply.GetProperty("output_text").GetString().Should().Be("echo: hello");
        item.Item.Should().ContainKey("History");
    }

    [Fact]
    public async Task UnknownStoreOrProvider_FailsAtStartNamingTheOptions()
    {
        var start = () => RunningHost.Build(["--store", "postgres", "--model-provider", "openai"], Scripted());

        var failure = (await start.Should().ThrowAsync<ChatConfigurationException>()).Which;
        failure.Problems.Should().Equal(
            "--store (CHAT_STORE) must be sqlite, memory or dynamodb (was 'postgres').",
            "--model-provider (CHAT_MODEL_PROVIDER) must be auto, scripted or local (was 'openai').");
    }

    [Fact]
    public async Task InvalidChatSetting_FailsAtStartNamingTheVariable()
    {
        var start = () => RunningHost.Build([], Scripted(), new() { ["CHAT_TEMPERATURE"] = "1.5" });

        (await start.Should().ThrowAsync<ChatConfigurationException>()).Which.Message
            .Should().Contain("Conversation:Temperature must be 0 to 1 (was 1.5). Set by CHAT_TEMPERATURE.");
    }

    [Fact]
    public async Task StreamedAnswer_ArrivesEventByEvent_BeforeTheModelFinishes()
    {
        await using var host = await StartAsync();
        _model.Hang("first words");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("""{"input_text": "hi"}""", Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        using var events = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        var lines = new List<string>();
        while (lines.Count < 6 && await events.ReadLineAsync(Ct) is { } line)
        {
            lines.Add(line);
        }

        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        lines[0].Should().Be("event: start");
        lines[3].Should().Be("event: delta");
        lines[4].Should().Be("""data: {"text":"first words"}""", "the delta is flushed while the model is still answering");
    }

    [Fact]
    public async Task EncodedSessionIdInThePath_IsDecodedOnceByTheSurface()
    {
        await using var host = await StartAsync();
        await host.PostAsync("""{"input_text": "hi", "session_id": "a b 日本%2F"}""");

        var history = await host.Client.GetFromJsonAsync<JsonElement>("/sessions/a%20b%20%E6%97%A5%E6%9C%AC%252F/messages", Ct);
        var withSlash = await host.Client.GetAsync("/sessions/a%2Fb/messages", Ct);

        history.GetProperty("session_id").GetString().Should().Be("a b 日本%2F");
        withSlash.StatusCode.Should().Be(HttpStatusCode.BadRequest, "an id may not hold '/'");
        (await withSlash.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetProperty("type").GetString()
            .Should().Be(nameof(ChatErrorCode.SessionIdInvalid));
    }

    [Fact]
    public async Task Query_ReachesTheSurfaceAsSent()
    {
        await using var host = await StartAsync();

        var reply = await host.Client.GetFromJsonAsync<JsonElement>("/?input_text=%E3%81%8A%E3%81%AF%E3%82%88%E3%81%86+%2B1&session_id=q", Ct);

        reply.GetProperty("output_text").GetString().Should().Be("echo: おはよう +1");
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413()
    {
        await using var host = await StartAsync();
        var tooLarge = new string('a', 300 * 1024);

        var response = await host.PostAsync($$"""{"input_text": "{{tooLarge}}"}""");

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetProperty("type").GetString()
            .Should().Be(nameof(ChatErrorCode.RequestTooLarge));
        _model.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task MalformedBody_IsAnsweredThroughTheSurfacesErrorShape()
    {
        await using var host = await StartAsync();
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(host.Address.Host, host.Address.Port, Ct);
        var stream = socket.GetStream();

        await stream.WriteAsync("POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nnot-a-chunk-size\r\n\r\n"u8.ToArray(), Ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync(Ct);

        response.Should().StartWith("HTTP/1.1 400");
        response.Should().Contain("""{"error":{"type":"RequestInvalid","message":"The request body could not be read."}}""");
        _model.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Start_LogsTheModelAndTheStore()
    {
        await using var host = await StartAsync(["--model-provider", "scripted"]);

        host.Log.Should().Contain(l => l.Contains("Model: scripted scripted-test-model (chosen by --model-provider scripted)", StringComparison.Ordinal));
        host.Log.Should().Contain(l => l.Contains($"Store: sqlite ({host.DatabasePath})", StringComparison.Ordinal));
    }

    private Models.IModelProvider[] Scripted() => [new ScriptedModelProvider(_model), new Models.LocalModelProvider()];

    private Task<RunningHost> StartAsync(
        IReadOnlyList<string>? args = null,
        Dictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null,
        string? folder = null) =>
        RunningHost.StartAsync(args, Scripted(), settings, configureServices, folder);
}
