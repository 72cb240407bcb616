using System.Text;

namespace ChatBedrock.Lambda.Benchmarks;

/// <summary>Function URL events (payload 2.0) as Lambda sends them for the seed's <c>GET /?input_text=...</c>.</summary>
internal static class FunctionUrlEvents
{
    public static byte[] Get(string rawPath, string rawQuery) => Encoding.UTF8.GetBytes($$"""
        {"version":"2.0","routeKey":"$default","rawPath":"{{rawPath}}","rawQueryString":"{{rawQuery}}",
         "headers":{"host":"abc.lambda-url.ap-northeast-1.on.aws","user-agent":"curl/8.0","accept":"*/*"},
         "requestContext":{"accountId":"anonymous","apiId":"abc","domainName":"abc.lambda-url.ap-northeast-1.on.aws",
           "http":{"method":"GET","path":"{{rawPath}}","protocol":"HTTP/1.1","sourceIp":"203.0.113.1","userAgent":"curl/8.0"},
           "requestId":"0d7f8a2c-1b7e-4a53-9a1e-2d1f8e3c4b5a","routeKey":"$default","stage":"$default","timeEpoch":1700000000000},
         "isBase64Encoded":false}
        """);

    /// <summary>The seed's call: <c>GET /?input_text=おはよう</c> (percent-encoded), in <paramref name="sessionId"/> when given.</summary>
    public static byte[] Chat(string? sessionId = null) =>
        Get("/", "input_text=%E3%81%8A%E3%81%AF%E3%82%88%E3%81%86" + (sessionId is null ? "" : "&session_id=" + Uri.EscapeDataString(sessionId)));
}
