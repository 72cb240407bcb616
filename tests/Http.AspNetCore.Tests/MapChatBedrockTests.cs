using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatBedrock.Application;
using ChatBedrock.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.Http.AspNetCore.Tests;

/// <summary><c>MapChatBedrock</c> in a plain ASP.NET Core app on Kestrel (127.0.0.1, a free port).</summary>
public sealed class MapChatBedrockTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Guarded;

    [Fact]
    public async Task MapChatBedrock_ServesTheSurfaceAndPage_WhileTheAppsOwnRoutesStillWin()
    {
        await using var app = Build(services => services.AddChatHttp());
        app.MapGet("/hello", () => "the app's own route");
        app.MapChatBedrock();
        using var client = await StartAsync(app);

        (await client.GetStringAsync("/hello", Ct)).Should().Be("the app's own route");

        var status = await client.GetFromJsonAsync<JsonElement>("/status", Ct);
        status.GetProperty("store").GetString().Should().Be("memory");

        using var turn = await client.PostAsJsonAsync("/", new { input_text = "こんにちは" }, Ct);
        turn.StatusCode.Should().Be(HttpStatusCode.OK);
        (await turn.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("output_text").GetString().Should().Be("echo: こんにちは");

        using var page = await client.GetAsync("/", Ct);
        page.Content.Headers.ContentType!.MediaType.Should().Be("text/html");

        using var missing = await client.GetAsync("/no/such/path", Ct);
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await missing.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetProperty("type").GetString().Should().Be("NotFound");
    }

    [Fact]
    public async Task MapChatBedrock_ReturnsAGroup_WhoseConventionsApplyToEveryRoute()
    {
        await using var app = Build(services => services.AddChatHttp());
        // Stands in for RequireAuthorization: a convention's metadata, enforced by middleware.
        app.Use((context, next) => context.GetEndpoint()?.Metadata.GetMetadata<Guarded>() is null || context.Request.Headers.ContainsKey("x-key")
            ? next(context)
            : Results.Unauthorized().ExecuteAsync(context));
        app.MapChatBedrock().WithMetadata(new Guarded());
        using var client = await StartAsync(app);

        (await client.GetAsync("/status", Ct)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await client.GetAsync("/", Ct)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        client.DefaultRequestHeaders.Add("x-key", "1");
        (await client.GetAsync("/status", Ct)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task MapChatBedrock_WithoutAddChatHttp_SaysWhatToRegister()
    {
        await using var app = Build(_ => { });

        var map = () => app.MapChatBedrock();

        map.Should().Throw<InvalidOperationException>().WithMessage("*AddChatHttp()*");
    }

    private static WebApplication Build(Action<IServiceCollection> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddConversationUseCases().AddInMemoryConversationRepository();
        builder.Services.AddSingleton<ILanguageModel>(new ScriptedLanguageModel());
        configure(builder.Services);
        return builder.Build();
    }

    private static async Task<HttpClient> StartAsync(WebApplication app)
    {
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    }
}
