using System.Globalization;

namespace VolumeAwareScheduler.Core.Configuration;

/// <summary>
/// One value of a configuration document (YAML or JSON), with the field path it was found at. Reading is strict, as
/// kube-scheduler's strict decoding is: a map read with <see cref="ExpectMap"/> rejects a field it was not told about,
/// and every <c>Expect</c> method rejects a value of another kind, each with one sentence naming the path. A null value
/// reads as absent: an empty map, an empty list, or no field at all.
/// </summary>
public sealed class ConfigNode
{
    private readonly IReadOnlyList<KeyValuePair<string, ConfigNode>> _entries;
    private readonly IReadOnlyList<ConfigNode> _items;

    private ConfigNode(string path, ConfigNodeKind kind, string text, IReadOnlyList<KeyValuePair<string, ConfigNode>> entries, IReadOnlyList<ConfigNode> items)
    {
        Path = path;
        Kind = kind;
        Text = text;
        _entries = entries;
        _items = items;
    }

    public string Path { get; }

    public ConfigNodeKind Kind { get; }

    /// <summary>A scalar's text as written (resolved by <see cref="Kind"/>); empty for maps, lists and null.</summary>
    public string Text { get; }

    public static ConfigNode Null(string path) => new(path, ConfigNodeKind.Null, "", [], []);

    public static ConfigNode Scalar(string path, ConfigNodeKind kind, string text)
    {
        if (kind is ConfigNodeKind.Map or ConfigNodeKind.List) throw new ArgumentException("A scalar is not a map or a list.", nameof(kind));
        return new ConfigNode(path, kind, text, [], []);
    }

    /// <summary>A map; its entries' nodes carry their own paths (<see cref="ConfigPath.Child"/>). Keys are unique.</summary>
    public static ConfigNode Map(string path, IReadOnlyList<KeyValuePair<string, ConfigNode>> entries) => new(path, ConfigNodeKind.Map, "", entries, []);

    public static ConfigNode List(string path, IReadOnlyList<ConfigNode> items) => new(path, ConfigNodeKind.List, "", [], items);

    /// <summary>The map's entries in document order (none for anything but a map).</summary>
    public IReadOnlyList<KeyValuePair<string, ConfigNode>> Entries => _entries;

    /// <summary>A map of the given fields; any other field is an error naming it and the fields allowed here.</summary>
    public ConfigMap ExpectMap(params string[] fields)
    {
        if (Kind == ConfigNodeKind.Null) return new ConfigMap(Path, []);
        if (Kind != ConfigNodeKind.Map) throw Mismatch("a map");
        foreach (var (key, value) in _entries)
        {
            if (Array.IndexOf(fields, key) < 0)
            {
                var known = fields.Length == 0 ? "no fields are allowed here" : $"known fields: {string.Join(", ", fields)}";
                throw new ConfigException(value.Path, $"unknown field ({known})");
            }
        }
        return new ConfigMap(Path, _entries);
    }

    public IReadOnlyList<ConfigNode> ExpectList()
    {
        if (Kind == ConfigNodeKind.Null) return [];
        if (Kind != ConfigNodeKind.List) throw Mismatch("a list");
        return _items;
    }

    public string ExpectString() => Kind == ConfigNodeKind.String ? Text : throw Mismatch("a string");

    public bool ExpectBool() => Kind == ConfigNodeKind.Bool ? string.Equals(Text, "true", StringComparison.OrdinalIgnoreCase) || IsYes(Text) : throw Mismatch("a boolean");

    public long ExpectInt64() =>
        Kind == ConfigNodeKind.Integer && TryParseInteger(Text, out var value) ? value : throw Mismatch("an integer");

    public int ExpectInt32()
    {
        var value = ExpectInt64();
        return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw new ConfigException(Path, $"expected a 32-bit integer, got {Text}");
    }

    /// <summary>"a string (\"x\")", "an integer (5)", "a map": how an error names what was found.</summary>
    public string Describe() => Kind switch
    {
        ConfigNodeKind.Null => "null",
        ConfigNodeKind.Map => "a map",
        ConfigNodeKind.List => "a list",
        ConfigNodeKind.String => $"a string ({FieldError.Quote(Text)})",
        ConfigNodeKind.Integer => $"an integer ({Text})",
        ConfigNodeKind.Float => $"a number ({Text})",
        _ => $"a boolean ({Text})",
    };

    private ConfigException Mismatch(string expected) => new(Path, $"expected {expected}, got {Describe()}");

    private static bool IsYes(string text) => text is "y" or "Y" or "yes" or "Yes" or "YES" or "on" or "On" or "ON";

    /// <summary>Decimal, 0x hexadecimal, 0o or leading-0 octal, and 0b binary integers, with an optional sign (YAML 1.1 and 1.2).</summary>
    public static bool TryParseInteger(string text, out long value)
    {
        value = 0;
        var s = text.Replace("_", "", StringComparison.Ordinal);
        var negative = false;
        if (s.StartsWith('-') || s.StartsWith('+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s.Length == 0) return false;
        ulong magnitude;
        try
        {
            if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) magnitude = Convert.ToUInt64(s[2..], 16);
            else if (s.StartsWith("0o", StringComparison.OrdinalIgnoreCase)) magnitude = Convert.ToUInt64(s[2..], 8);
            else if (s.StartsWith("0b", StringComparison.OrdinalIgnoreCase)) magnitude = Convert.ToUInt64(s[2..], 2);
            else if (s.Length > 1 && s[0] == '0') magnitude = Convert.ToUInt64(s[1..], 8);
            else if (!ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out magnitude)) return false;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return false;
        }
        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1) return false;
            value = magnitude == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)magnitude;
            return true;
        }
        if (magnitude > long.MaxValue) return false;
        value = (long)magnitude;
        return true;
    }
}
