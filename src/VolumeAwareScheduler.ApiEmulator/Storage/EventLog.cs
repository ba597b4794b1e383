namespace VolumeAwareScheduler.ApiEmulator.Storage;

/// <summary>
/// The retained window of recent events, like the apiserver's watch cache: a watch may resume from any
/// resourceVersion at or after <see cref="Floor"/>; older ones get "410 Expired". Not thread-safe: the store's lock guards it.
/// </summary>
internal sealed class EventLog(int capacity)
{
    private readonly Queue<StoreEvent> _events = new();

    /// <summary>Highest resourceVersion no longer retained (0 when nothing was ever forgotten).</summary>
    public long Floor { get; private set; }

    public int Count => _events.Count;

    public void Append(StoreEvent storeEvent)
    {
        _events.Enqueue(storeEvent);
        while (_events.Count > capacity)
        {
            Floor = _events.Dequeue().ResourceVersion;
        }
    }

    /// <summary>Forgets every event up to <paramref name="resourceVersion"/>.</summary>
    public void Compact(long resourceVersion)
    {
        while (_events.TryPeek(out var oldest) && oldest.ResourceVersion <= resourceVersion)
        {
            _events.Dequeue();
        }

        Floor = Math.Max(Floor, resourceVersion);
    }

    public bool CanResumeFrom(long resourceVersion) => resourceVersion >= Floor;

    public IEnumerable<StoreEvent> After(long resourceVersion) =>
        _events.Where(e => e.ResourceVersion > resourceVersion);
}
