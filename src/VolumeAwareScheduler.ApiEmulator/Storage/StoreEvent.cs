namespace VolumeAwareScheduler.ApiEmulator.Storage;

/// <summary>Watch event types as they appear on the wire.</summary>
internal enum StoreEventType
{
    Added,
    Modified,
    Deleted,
}

/// <summary>
/// One change in the store's feed. <see cref="Previous"/> is the version before the change (null for
/// additions and synthetic initial events) so watchers with selectors can turn a change into ADDED or DELETED
/// when an object enters or leaves their selection, as the apiserver's watch cache does.
/// </summary>
internal sealed record StoreEvent(StoreEventType Type, StoredObject Object, StoredObject? Previous)
{
    public long ResourceVersion => Object.ResourceVersion;

    public static string WireName(StoreEventType type) => type switch
    {
        StoreEventType.Added => "ADDED",
        StoreEventType.Modified => "MODIFIED",
        _ => "DELETED",
    };
}
