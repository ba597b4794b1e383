using System.Text;
using System.Text.Json.Nodes;

namespace VolumeAwareScheduler.Tests.Hostile;

/// <summary>
/// Seeded hostile inputs: valid documents mutated (wrong types, extreme and invalid quantities, huge strings and arrays,
/// deep nesting, removed keys), truncated, with invalid UTF-8, or random bytes. Same seed, same inputs.
/// </summary>
internal sealed class HostileInput(int seed)
{
    private const string DeepMarker = "\u0001deep\u0001";
    // A lone surrogate escape cannot live in a JsonNode: it is put in as text after serialization.
    private const string SurrogateMarker = "\u0001surrogate\u0001";
    private readonly Random _random = new(seed);

    /// <summary>
    /// Numbers and strings of the class that once spun a thread forever (-1e+308): huge and tiny exponents, exponents
    /// beyond 32 bits, long digit strings, suffixes past Ei, signs, and what is not a number at all.
    /// </summary>
    public static readonly string[] ExtremeScalars =
    [
        "-1e+308", "1e308", "1e400", "-1e400", "1e-400", "4.9e-324", "123456789012345678901234567890123456789",
        "-0", "0.0000000000000000000000000000001", "9223372036854775808", "-9223372036854775809",
        "\"-1e+308\"", "\"1e2147483647\"", "\"1e2147483648\"", "\"1e-2147483649\"", "\"1e1000000000\"", "\"-1\"",
        "\"99999999999999999999999999999Ei\"", "\"0.000000000000000000000000001n\"", "\"1e\"", "\"e5\"", "\"1Zi\"",
        "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"0x10\"", "\"1_000\"", "\"\"", "\" 1\"", "\"1 \"", "\"+\"", "\".\"",
        "\"" + new string('9', 100_000) + "\"", "\"1e" + new string('9', 10_000) + "\"", "\"0." + new string('0', 50_000) + "1\"",
        "\"" + new string('a', 70_000) + "\"", "\"\\u0000\"", "\"label/with/slashes\"", "\"ünïcödé\"",
        "true", "false", "null", "{}", "[]", "[null]", "{\"a\":{}}", "0", "-1", "2147483648", "1.5",
    ];

    public int Next(int max) => _random.Next(max);

    /// <summary>One hostile variant of <paramref name="json"/>, as bytes.</summary>
    public byte[] Mutate(string json)
    {
        switch (_random.Next(12))
        {
            case 0: return Truncate(json);
            case 1: return InvalidUtf8(json);
            case 2: return RandomBytes();
            case 3: return Encoding.UTF8.GetBytes(Deep(_random.Next(2) == 0 ? 65 : 5_000));
            default:
                var root = JsonNode.Parse(json)!;
                var rounds = 1 + _random.Next(4);
                for (var i = 0; i < rounds; i++) root = MutateTree(root);
                return Encoding.UTF8.GetBytes(root.ToJsonString()
                    .Replace($"\"{DeepMarker}\"", Deep(20 + _random.Next(3_000)), StringComparison.Ordinal)
                    .Replace($"\"{SurrogateMarker}\"", "\"\\ud800x\"", StringComparison.Ordinal));
        }
    }

    /// <summary>One hostile variant of a YAML text: scalars replaced, truncated, invalid UTF-8, deep nesting, alias bombs.</summary>
    public byte[] MutateYaml(string yaml)
    {
        switch (_random.Next(10))
        {
            case 0: return Truncate(yaml);
            case 1: return InvalidUtf8(yaml);
            case 2: return Encoding.UTF8.GetBytes(yaml + "\n---\nkind: Node\napiVersion: v1\nmetadata: {name: deep}\nspec: " + Deep(_random.Next(2) == 0 ? 70 : 5_000) + "\n");
            case 3: return Encoding.UTF8.GetBytes(AliasBomb());
            case 4: return RandomBytes();
            default:
                var lines = yaml.Split('\n');
                var rounds = 1 + _random.Next(4);
                for (var i = 0; i < rounds; i++)
                {
                    var candidates = Enumerable.Range(0, lines.Length).Where(l => lines[l].Contains(": ", StringComparison.Ordinal) && !lines[l].TrimStart().StartsWith('#')).ToList();
                    if (candidates.Count == 0) break;
                    var at = candidates[_random.Next(candidates.Count)];
                    var colon = lines[at].IndexOf(": ", StringComparison.Ordinal);
                    var scalar = _random.Next(6) == 0 ? "[" + string.Join(", ", Enumerable.Repeat("x", 20_000)) + "]" : ExtremeScalars[_random.Next(ExtremeScalars.Length)];
                    lines[at] = lines[at][..(colon + 2)] + scalar;
                }
                return Encoding.UTF8.GetBytes(string.Join('\n', lines));
        }
    }

    private JsonNode MutateTree(JsonNode root)
    {
        var slots = new List<(JsonNode Parent, string? Key, int Index)>();
        Collect(root, slots);
        if (slots.Count == 0) return Replacement() ?? JsonValue.Create(0);
        var (parent, key, index) = slots[_random.Next(slots.Count)];
        var op = _random.Next(5);
        if (op == 0 && parent is JsonObject removable && key is not null)
        {
            removable.Remove(key);
            return root;
        }
        var value = op == 1 && Get(parent, key, index) is JsonArray array && array.Count > 0
            ? new JsonArray([.. Enumerable.Range(0, 1_000 + _random.Next(20_000)).Select(_ => array[0]?.DeepClone())])
            : Replacement();
        if (parent is JsonObject obj) obj[key!] = value;
        else ((JsonArray)parent)[index] = value;
        return root;
    }

    private static JsonNode? Get(JsonNode parent, string? key, int index) => parent is JsonObject o ? o[key!] : parent.AsArray()[index];

    private JsonNode? Replacement() => _random.Next(10) switch
    {
        0 => JsonValue.Create(DeepMarker),
        1 => JsonValue.Create(SurrogateMarker),
        _ => JsonNode.Parse(ExtremeScalars[_random.Next(ExtremeScalars.Length)]),
    };

    private static void Collect(JsonNode? node, List<(JsonNode, string?, int)> slots)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    slots.Add((obj, key, -1));
                    Collect(child, slots);
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    slots.Add((array, null, i));
                    Collect(array[i], slots);
                }
                break;
        }
    }

    private byte[] Truncate(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return bytes[.._random.Next(bytes.Length)];
    }

    private byte[] InvalidUtf8(string text)
    {
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(text));
        byte[][] bad = [[0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0x80]];
        for (var i = 0; i < 1 + _random.Next(3); i++) bytes.InsertRange(_random.Next(bytes.Count), bad[_random.Next(bad.Length)]);
        return [.. bytes];
    }

    private byte[] RandomBytes()
    {
        var bytes = new byte[_random.Next(1, 4_096)];
        _random.NextBytes(bytes);
        if (_random.Next(2) == 0) bytes[0] = (byte)'{';
        return bytes;
    }

    private static string Deep(int depth) => new string('[', depth) + new string(']', depth);

    private static string AliasBomb()
    {
        var text = new StringBuilder("apiVersion: v1\nkind: Node\nmetadata:\n  name: bomb\n  labels:\n    a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var i = 1; i < 10; i++) text.Append($"    a{i}: &a{i} [*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1}]\n");
        return text.ToString();
    }
}
