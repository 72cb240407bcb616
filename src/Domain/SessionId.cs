using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace ChatBedrock.Domain;

/// <summary>
/// The id of one conversation. New ids are random UUIDv4 strings (as the seed's <c>uuid.uuid4()</c>);
/// ids supplied by clients or found in tables written by other tools are accepted as they are when they
/// keep the rule: 1 to <see cref="MaxLength"/> UTF-16 code units, not blank, no control characters or
/// line breaks, no <c>/</c> (ids appear in URL paths), not <c>.</c> or <c>..</c> (URL dot segments) and no
/// lone surrogates. An id outside the rule is
/// rejected, never altered.
/// </summary>
public readonly record struct SessionId
{
    /// <summary>The longest id accepted, in UTF-16 code units.</summary>
    public const int MaxLength = 128;

    // Drawn once per process: handles correlate log lines of one process, and cannot be matched against
    // guessed ids by whoever reads the logs.
    private static readonly byte[] LogKey = RandomNumberGenerator.GetBytes(32);

    private readonly string? _value;

    private SessionId(string value) => _value = value;

    /// <summary>The id as text.</summary>
    public string Value => _value ?? throw new InvalidOperationException("A default SessionId has no value.");

    /// <summary>
    /// What logs say instead of the id, which is the only key to a conversation: the first 8 hex digits of
    /// an HMAC-SHA256 of the id under a random per-process key. Lines about one conversation share it within
    /// a process; it reveals nothing that opens the conversation.
    /// </summary>
    public string LogHandle
    {
        get
        {
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(LogKey, Encoding.UTF8.GetBytes(Value), mac);
            return Convert.ToHexStringLower(mac[..4]);
        }
    }

    /// <summary>Mints a new random id.</summary>
    public static SessionId New() => new(Guid.NewGuid().ToString());

    /// <summary>Accepts <paramref name="value"/> when it keeps the rule; otherwise throws <see cref="ChatErrorCode.SessionIdInvalid"/>.</summary>
    public static SessionId Parse(string? value)
    {
        var problem = Check(value);
        return problem is null
            ? new SessionId(value!)
            : throw new ChatException(ChatErrorCode.SessionIdInvalid, $"session_id is invalid: {problem}.");
    }

    /// <summary>Accepts <paramref name="value"/> when it keeps the rule.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out SessionId sessionId)
    {
        var ok = Check(value) is null;
        sessionId = ok ? new SessionId(value!) : default;
        return ok;
    }

    private static string? Check(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "it is empty";
        }

        if (value.Length > MaxLength)
        {
            return $"it is longer than {MaxLength} characters";
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            return "it is blank";
        }

        foreach (var c in value)
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                return "it contains a control character or line break";
            }

            if (c == '/')
            {
                return "it contains '/'";
            }
        }

        if (value is "." or "..")
        {
            return "'.' and '..' are URL dot segments, which browsers and proxies rewrite";
        }

        if (Utf16.HasLoneSurrogate(value))
        {
            return "it contains a lone surrogate";
        }

        return null;
    }

    /// <inheritdoc />
    public override string ToString() => _value ?? string.Empty;
}
