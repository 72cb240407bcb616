using System.Globalization;
using System.Text.RegularExpressions;

namespace ChatBedrock.Domain.Tests;

/// <summary>
/// Builds test strings from patterns such as "a{D800}b": lone surrogates do not survive the trip through
/// attribute data to the test runner, so they are written as code units and made here.
/// </summary>
internal static partial class Utf16Text
{
    public static string From(string pattern) =>
        CodeUnit().Replace(pattern, m => ((char)int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString());

    [GeneratedRegex(@"\{([0-9A-F]{4})\}")]
    private static partial Regex CodeUnit();
}
