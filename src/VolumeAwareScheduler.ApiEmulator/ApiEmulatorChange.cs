using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Storage;

namespace VolumeAwareScheduler.ApiEmulator;

/// <summary>One change from <see cref="ApiEmulator.WatchAsync"/>: its wire type and the object as stored, parsed on demand.</summary>
public sealed class ApiEmulatorChange
{
    private readonly StoredObject _stored;

    internal ApiEmulatorChange(string type, StoredObject stored)
    {
        Type = type;
        _stored = stored;
    }

    /// <summary>ADDED, MODIFIED or DELETED.</summary>
    public string Type { get; }

    /// <summary>Namespace, or empty for cluster-scoped objects.</summary>
    public string Namespace => _stored.Namespace;

    public string Name => _stored.Name;

    public long ResourceVersion => _stored.ResourceVersion;

    /// <summary>A fresh, mutable copy of the object as it was committed.</summary>
    public JsonObject Object => _stored.ToJsonObject();
}
