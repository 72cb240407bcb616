using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace ChatBedrock.Testing.LlamaSharp;

/// <summary>Serves one file on 127.0.0.1 (free port) with HTTP range support and scripted faults.</summary>
public sealed class ModelFileServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly byte[] _content;
    private int _cutAfterBytes = -1;

    private ModelFileServer(WebApplication app, byte[] content)
    {
        _app = app;
        _content = content;
    }

    public Uri Url => new(new Uri(_app.Urls.Single()), "/model.gguf");

    /// <summary>The Range header of every request, in order ("" when none).</summary>
    public ConcurrentQueue<string> Ranges { get; } = new();

    /// <summary>When set, every request gets this status and no body.</summary>
    public HttpStatusCode? Status { get; set; }

    /// <summary>Answer every request with the whole file, as servers without range support do.</summary>
    public bool IgnoreRanges { get; set; }

    /// <summary>The next request gets this many bytes of its body, then the connection is cut.</summary>
    public void CutNextAfter(int bytes) => _cutAfterBytes = bytes;

    public static async Task<ModelFileServer> StartAsync(byte[] content)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new ModelFileServer(app, content);
        app.Run(server.ServeAsync);
        await app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ServeAsync(HttpContext context)
    {
        Ranges.Enqueue(context.Request.Headers.Range.ToString());
        if (Status is { } status)
        {
            context.Response.StatusCode = (int)status;
            return;
        }

        long from = 0;
        if (!IgnoreRanges && RangeHeaderValue.TryParse(context.Request.Headers.Range.ToString(), out var range) && range.Ranges.Single().From is { } start)
        {
            from = start;
            context.Response.StatusCode = StatusCodes.Status206PartialContent;
            context.Response.Headers.ContentRange = new ContentRangeHeaderValue(from, _content.Length - 1, _content.Length).ToString();
        }

        context.Response.ContentLength = _content.Length - from;
        var body = _content.AsMemory((int)from);
        var cut = Interlocked.Exchange(ref _cutAfterBytes, -1);
        if (cut >= 0)
        {
            await context.Response.Body.WriteAsync(body[..cut]);
            await context.Response.Body.FlushAsync();
            context.Abort();
            return;
        }

        await context.Response.Body.WriteAsync(body);
    }
}
