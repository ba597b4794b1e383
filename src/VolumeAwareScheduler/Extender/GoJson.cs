using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace VolumeAwareScheduler.Extender;

/// <summary>
/// Writes JSON the way Go's encoding/json.Marshal does, so that replies compare byte for byte with Go's: compact, no
/// trailing newline, '"' and '\' escaped with a backslash, and the HTML-safe escapes \u003c \u003e \u0026 \u2028
/// \u2029 (encode.go, encodeState.string). Control characters other than \n \r \t are written by System.Text.Json as
/// \u00XX with upper-case hex where Go writes lower case; no reason string we produce contains one.
/// </summary>
public static class GoJson
{
    public static byte[] Serialize<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = typeInfo.Options.Encoder, SkipValidation = true }))
        {
            JsonSerializer.Serialize(writer, value, typeInfo);
        }
        return HtmlEscape(buffer.WrittenSpan);
    }

    /// <summary>
    /// Replaces &lt; &gt; &amp; U+2028 U+2029 with Go's escapes. Safe on any valid JSON text: those characters can only
    /// occur inside strings, where the escape means the same character.
    /// </summary>
    public static byte[] HtmlEscape(ReadOnlySpan<byte> json)
    {
        var extra = 0;
        for (var i = 0; i < json.Length; i++)
        {
            var b = json[i];
            if (b is (byte)'<' or (byte)'>' or (byte)'&') extra += 5;
            else if (IsLineOrParagraphSeparator(json, i)) extra += 3;
        }
        if (extra == 0) return json.ToArray();
        var output = new byte[json.Length + extra];
        var o = 0;
        for (var i = 0; i < json.Length; i++)
        {
            var b = json[i];
            string? escape = b switch
            {
                (byte)'<' => "\\u003c",
                (byte)'>' => "\\u003e",
                (byte)'&' => "\\u0026",
                _ when IsLineOrParagraphSeparator(json, i) => json[i + 2] == 0xA8 ? "\\u2028" : "\\u2029",
                _ => null,
            };
            if (escape is null)
            {
                output[o++] = b;
                continue;
            }
            foreach (var c in escape) output[o++] = (byte)c;
            if (b == 0xE2) i += 2;
        }
        return output;
    }

    private static bool IsLineOrParagraphSeparator(ReadOnlySpan<byte> s, int i) =>
        s[i] == 0xE2 && i + 2 < s.Length && s[i + 1] == 0x80 && s[i + 2] is 0xA8 or 0xA9;

    /// <summary>
    /// kube-scheduler passes an extender's Error through fmt.Errorf as a format string (contract P14): a '%' would be
    /// mangled ("90%!f(MISSING)"), so it is doubled.
    /// </summary>
    public static string SafeErrorText(string error) => error.Replace("%", "%%", StringComparison.Ordinal);
}
