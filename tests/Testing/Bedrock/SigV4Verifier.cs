using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ChatBedrock.Testing.Bedrock;

/// <summary>
/// Checks AWS Signature Version 4 on a request the way AWS does: rebuilds the canonical request from what
/// arrived on the wire (path segments encoded again, sorted query, signed headers, the SHA-256 of the body
/// received), derives the signing key and compares signatures. An independent implementation, so a test that
/// passes proves the adapter's signing agrees with the specification, not with itself.
/// </summary>
public static class SigV4Verifier
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>What a verified Authorization header said.</summary>
    public sealed record Credential(string AccessKeyId, string Date, string Region, string Service, IReadOnlyList<string> SignedHeaders, string Signature);

    /// <summary>Parses <c>AWS4-HMAC-SHA256 Credential=AK/date/region/service/aws4_request, SignedHeaders=a;b, Signature=hex</c>.</summary>
    public static Credential? ParseAuthorization(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = authorization[(Algorithm.Length + 1)..]
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaders)
            || !parts.TryGetValue("Signature", out var signature))
        {
            return null;
        }

        var scope = credential.Split('/');
        return scope is [var accessKey, var date, var region, var service, "aws4_request"]
            ? new Credential(accessKey, date, region, service, signedHeaders.Split(';'), signature)
            : null;
    }

    /// <summary>
    /// The canonical request of the AWS specification, for a service other than S3, from the request target
    /// exactly as sent (path and query, still percent-encoded), a header lookup by lower-case name (multiple
    /// values joined with ','), and the body as received.
    /// </summary>
    public static string CanonicalRequest(string method, string rawTarget, IEnumerable<string> signedHeaders, Func<string, string?> header, ReadOnlySpan<byte> body)
    {
        var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = queryStart < 0 ? rawTarget : rawTarget[..queryStart];
        var query = queryStart < 0 ? "" : rawTarget[(queryStart + 1)..];
        var names = signedHeaders.Select(n => n.ToLowerInvariant()).Order(StringComparer.Ordinal).ToList();

        var canonical = new StringBuilder()
            .Append(method).Append('\n')
            .Append(CanonicalPath(path)).Append('\n')
            .Append(CanonicalQuery(query)).Append('\n');
        foreach (var name in names)
        {
            canonical.Append(name).Append(':').Append(CanonicalHeaderValue(header(name) ?? "")).Append('\n');
        }

        return canonical.Append('\n')
            .Append(string.Join(';', names)).Append('\n')
            .Append(Hex(SHA256.HashData(body)))
            .ToString();
    }

    /// <summary>The hex signature of <paramref name="canonicalRequest"/> with the given secret and scope.</summary>
    public static string Sign(string secretAccessKey, string amzDate, string region, string service, string canonicalRequest)
    {
        var date = amzDate[..8];
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        return Hex(Hmac(key, stringToSign));
    }

    /// <summary>Parses an <c>X-Amz-Date</c> value (<c>yyyyMMddTHHmmssZ</c>).</summary>
    public static DateTimeOffset? ParseAmzDate(string? value) =>
        DateTimeOffset.TryParseExact(value, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date : null;

    /// <summary>Every segment of the path as sent is URI-encoded once more (non-S3 services double-encode).</summary>
    private static string CanonicalPath(string path) =>
        path.Length == 0 ? "/" : string.Join('/', path.Split('/').Select(Encode));

    private static string CanonicalQuery(string query) =>
        string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(p => (Key: Encode(Uri.UnescapeDataString(p[0])), Value: Encode(p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "")))
            .OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}"));

    private static string CanonicalHeaderValue(string value) => string.Join(' ', value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Trim();

    /// <summary>RFC 3986 encoding: unreserved characters stay, every other UTF-8 byte becomes %XX (upper case).</summary>
    private static string Encode(string value)
    {
        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
