namespace VolumeAwareScheduler.Core.Configuration;

/// <summary>A map read by <see cref="ConfigNode.ExpectMap"/>: every field in it is one it was told about.</summary>
public sealed class ConfigMap
{
    private readonly IReadOnlyList<KeyValuePair<string, ConfigNode>> _entries;

    internal ConfigMap(string path, IReadOnlyList<KeyValuePair<string, ConfigNode>> entries)
    {
        Path = path;
        _entries = entries;
    }

    public string Path { get; }

    /// <summary>The field's value; null when the field is absent or null.</summary>
    public ConfigNode? this[string field]
    {
        get
        {
            foreach (var (key, value) in _entries)
            {
                if (key == field) return value.Kind == ConfigNodeKind.Null ? null : value;
            }
            return null;
        }
    }

    /// <summary>The path a field has, or would have.</summary>
    public string PathOf(string field) => ConfigPath.Child(Path, field);

    /// <summary>The fields present with a value other than null, in document order.</summary>
    public IEnumerable<string> Present => _entries.Where(e => e.Value.Kind != ConfigNodeKind.Null).Select(e => e.Key);
}
