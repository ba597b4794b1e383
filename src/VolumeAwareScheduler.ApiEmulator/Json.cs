using System.Text.Json;
using System.Text.Json.Nodes;

namespace VolumeAwareScheduler.ApiEmulator;

/// <summary>Small helpers over <see cref="JsonNode"/>: byte conversion and dotted-path reads.</summary>
internal static class Json
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = false };
    private static readonly JsonSerializerOptions TextOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] ToBytes(JsonNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            node.WriteTo(writer);
        }

        return buffer.ToArray();
    }

    /// <summary>Compact JSON text for messages, without escaping quotes or non-ASCII characters as <c>\uXXXX</c>.</summary>
    public static string ToText(JsonNode node) => node.ToJsonString(TextOptions);

    public static JsonObject ParseObject(ReadOnlySpan<byte> utf8) =>
        JsonNode.Parse(utf8) as JsonObject ?? throw new JsonException("expected a JSON object");

    /// <summary>Reads a string (or the text of a scalar) at a dotted path; null when absent.</summary>
    public static string? GetString(JsonNode? node, string path)
    {
        foreach (var segment in Segments(path))
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(segment, out node))
            {
                return null;
            }
        }

        return ScalarText(node);
    }

    // The dotted paths read are a small fixed set (code literals, registry fields), read on every store write and
    // controller sync: split each once. Capped so that paths from requests (field selectors) cannot grow it unbounded.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string[]> SplitPaths = new(StringComparer.Ordinal);

    private static string[] Segments(string path)
    {
        if (SplitPaths.TryGetValue(path, out var segments))
        {
            return segments;
        }

        segments = path.Split('.');
        if (SplitPaths.Count < 1024)
        {
            SplitPaths.TryAdd(path, segments);
        }

        return segments;
    }

    public static string? ScalarText(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => value.ToJsonString(),
            _ => null,
        };
    }

    public static JsonObject? GetObject(JsonNode? node, string path)
    {
        foreach (var segment in Segments(path))
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(segment, out node))
            {
                return null;
            }
        }

        return node as JsonObject;
    }

    public static JsonArray? GetArray(JsonNode? node, string path)
    {
        var lastDot = path.LastIndexOf('.');
        var parent = lastDot < 0 ? node as JsonObject : GetObject(node, path[..lastDot]);
        return parent?[lastDot < 0 ? path : path[(lastDot + 1)..]] as JsonArray;
    }

    /// <summary>Returns the object at <paramref name="name"/> under <paramref name="parent"/>, creating it when absent.</summary>
    public static JsonObject Ensure(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject existing)
        {
            return existing;
        }

        var created = new JsonObject();
        parent[name] = created;
        return created;
    }

    public static Dictionary<string, string> StringMap(JsonObject? obj)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj is null)
        {
            return map;
        }

        foreach (var (key, value) in obj)
        {
            if (ScalarText(value) is { } text)
            {
                map[key] = text;
            }
        }

        return map;
    }

    public static IEnumerable<string> Strings(JsonArray? array) =>
        array is null ? [] : array.Select(ScalarText).OfType<string>();
}
