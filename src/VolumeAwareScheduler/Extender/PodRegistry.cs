using System.Collections.Concurrent;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Extender;

/// <summary>
/// Pods the extender has been shown (in filter and prioritize requests, or as pending pods of the snapshot), by UID and
/// by namespace/name. Bind carries only name, namespace and UID (contract §5.4), so the pod itself must be remembered
/// from filter. Bounded: past <see cref="Capacity"/> entries the oldest are forgotten (a pod that was filtered long
/// ago and never bound will be filtered again before any bind).
/// </summary>
public sealed class PodRegistry(int capacity = PodRegistry.DefaultCapacity)
{
    public const int DefaultCapacity = 100_000;

    private readonly ConcurrentDictionary<string, PodInfo> _byUid = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ObjectKey, PodInfo> _byKey = new();
    private readonly ConcurrentQueue<PodInfo> _order = new();

    public int Capacity { get; } = capacity;

    public int Count => _byKey.Count;

    public void Remember(PodInfo pod)
    {
        if (pod.Uid.Length > 0) _byUid[pod.Uid] = pod;
        _byKey[pod.Key] = pod;
        _order.Enqueue(pod);
        while (_order.Count > Capacity && _order.TryDequeue(out var old))
        {
            // Forget the old entry only if nothing newer replaced it.
            if (old.Uid.Length > 0) _byUid.TryRemove(new KeyValuePair<string, PodInfo>(old.Uid, old));
            _byKey.TryRemove(new KeyValuePair<ObjectKey, PodInfo>(old.Key, old));
        }
    }

    public PodInfo? ByUid(string uid) => uid.Length > 0 ? _byUid.GetValueOrDefault(uid) : null;

    public PodInfo? ByKey(ObjectKey key) => _byKey.GetValueOrDefault(key);
}
