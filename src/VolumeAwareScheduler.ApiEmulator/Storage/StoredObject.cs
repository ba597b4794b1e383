using System.Text.Json.Nodes;
using JsonHelpers = VolumeAwareScheduler.ApiEmulator.Json;
using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Storage;

/// <summary>
/// One immutable version of an object: its exact JSON bytes plus the few values selectors need,
/// extracted once at write time so readers on other threads never touch a mutable <see cref="JsonObject"/>.
/// </summary>
internal sealed class StoredObject
{
    private StoredObject(ResourceKind kind, string ns, string name, long resourceVersion, byte[] json,
        IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string> fields, string uid,
        bool deleting, int finalizerCount)
    {
        Kind = kind;
        Namespace = ns;
        Name = name;
        ResourceVersion = resourceVersion;
        Json = json;
        Labels = labels;
        Fields = fields;
        Uid = uid;
        IsDeleting = deleting;
        FinalizerCount = finalizerCount;
    }

    public ResourceKind Kind { get; }

    /// <summary>Namespace, or empty for cluster-scoped objects.</summary>
    public string Namespace { get; }

    public string Name { get; }

    public long ResourceVersion { get; }

    /// <summary>UTF-8 JSON exactly as served. Never mutate.</summary>
    public byte[] Json { get; }

    public IReadOnlyDictionary<string, string> Labels { get; }

    public IReadOnlyDictionary<string, string> Fields { get; }

    public string Uid { get; }

    public bool IsDeleting { get; }

    public int FinalizerCount { get; }

    public ObjectKey Key => new(Namespace, Name);

    /// <summary>A fresh, mutable copy.</summary>
    public JsonObject ToJsonObject() => JsonHelpers.ParseObject(Json);

    public static StoredObject From(ResourceKind kind, JsonObject obj, long resourceVersion)
    {
        var metadata = obj["metadata"] as JsonObject;
        var ns = JsonHelpers.GetString(metadata, "namespace") ?? "";
        var name = JsonHelpers.GetString(metadata, "name") ?? "";
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["metadata.name"] = name,
            ["metadata.namespace"] = ns,
        };
        foreach (var field in kind.ExtraFields)
        {
            fields[field.Label] = JsonHelpers.GetString(obj, field.Path) ?? field.DefaultValue;
        }

        return new StoredObject(
            kind, ns, name, resourceVersion, JsonHelpers.ToBytes(obj),
            JsonHelpers.StringMap(metadata?["labels"] as JsonObject), fields,
            JsonHelpers.GetString(metadata, "uid") ?? "",
            metadata?["deletionTimestamp"] is not null,
            (metadata?["finalizers"] as JsonArray)?.Count ?? 0);
    }
}

/// <summary>Namespace (empty when cluster-scoped) and name; orders like etcd keys.</summary>
internal readonly record struct ObjectKey(string Namespace, string Name) : IComparable<ObjectKey>
{
    public int CompareTo(ObjectKey other)
    {
        var byNamespace = string.CompareOrdinal(Namespace, other.Namespace);
        return byNamespace != 0 ? byNamespace : string.CompareOrdinal(Name, other.Name);
    }

    public override string ToString() => Namespace.Length == 0 ? Name : $"{Namespace}/{Name}";
}
