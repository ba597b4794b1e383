using System.Collections.Concurrent;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.State;
using VolumeAwareScheduler.Kubernetes.Conversion;
using VolumeAwareScheduler.Kubernetes.Informers;

namespace VolumeAwareScheduler.Kubernetes.Cache;

/// <summary>A change the cache applied, for whoever wants to react (the scheduling queue requeues on these).</summary>
public sealed record ClusterChange(ResourceKind Kind, InformerEventType Type, ObjectKey Key);

/// <summary>
/// The single writer: turns informer events into Core snapshots in a <see cref="ClusterState"/> (with its incremental
/// index) and keeps the latest API objects that writers need (for their resourceVersion; PVs and claims as JSON). Readers take the lock for
/// the length of one decision; the writer takes it per event. Conversion errors drop the object from the state and are
/// counted, never a crash; an unconvertible pod is still published as a change, for the scheduler to report it.
/// </summary>
public sealed class ClusterCache
{
    private readonly object _lock = new();
    // The latest API objects, written under the lock (with the state) but read without it: the writers and the
    // scheduling loop look them up on every pod and binding, and must not queue behind a scheduling cycle for that.
    // PVs and claims, which only the writers read (to update them), are kept as their JSON: a third of the size of
    // the object graph, and they are the bulk of a large cluster (the memory load test: 100,000 of each).
    private readonly Dictionary<ResourceKind, ConcurrentDictionary<ObjectKey, object>> _raw =
        ResourceKinds.All.Where(k => k.Raw != RawForm.None).ToDictionary(k => k.Kind, _ => new ConcurrentDictionary<ObjectKey, object>());
    private readonly List<(Func<ClusterCache, bool> Condition, TaskCompletionSource Done)> _waiters = [];
    // Bounded, dropping the oldest: a consumer that falls behind (or a standby replica that does not schedule)
    // must not grow memory; whoever starts consuming re-reads the full state first anyway.
    private readonly Channel<ClusterChange> _changes = Channel.CreateBounded<ClusterChange>(
        new BoundedChannelOptions(50_000) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.DropOldest });

    public ClusterCache(IVolumeIndex? index = null)
    {
        State = new ClusterState(index ?? new VolumeIndex());
        Ledger = new AssumeLedger(State);
    }

    /// <summary>Read or change only under <see cref="Read{T}"/> / <see cref="Write"/>.</summary>
    public ClusterState State { get; }

    public AssumeLedger Ledger { get; }

    public long ConversionErrors { get; private set; }

    public long Version { get; private set; }

    /// <summary>Every applied change, in order; read by one consumer (the scheduling queue).</summary>
    public ChannelReader<ClusterChange> Changes => _changes.Reader;

    public T Read<T>(Func<ClusterState, T> read)
    {
        lock (_lock) return read(State);
    }

    public void Write(Action<ClusterState, AssumeLedger> write)
    {
        lock (_lock)
        {
            write(State, Ledger);
            Version++;
            ReleaseWaiters();
        }
    }

    /// <summary>The latest PV as the API served it (managed fields dropped): a fresh copy, the caller's to change.</summary>
    public V1PersistentVolume? GetVolumeObject(string name) =>
        _raw[ResourceKind.PersistentVolume].TryGetValue(ObjectKey.Cluster(name), out var json) ? FromJson<V1PersistentVolume>((byte[])json) : null;

    /// <summary>The latest claim as the API served it (managed fields dropped): a fresh copy, the caller's to change.</summary>
    public V1PersistentVolumeClaim? GetClaimObject(ObjectKey key) =>
        _raw[ResourceKind.PersistentVolumeClaim].TryGetValue(key, out var json) ? FromJson<V1PersistentVolumeClaim>((byte[])json) : null;

    private static T FromJson<T>(byte[] json)
    {
        using var stream = new MemoryStream(json, writable: false);
        return KubernetesJson.Deserialize<T>(stream);
    }

    public V1Pod? GetPodObject(ObjectKey key) => _raw[ResourceKind.Pod].GetValueOrDefault(key) as V1Pod;

    public IReadOnlyList<V1Pod> PodObjects()
    {
        lock (_lock) return [.. _raw[ResourceKind.Pod].Values.Cast<V1Pod>()];
    }

    /// <summary>Completes when <paramref name="condition"/> holds after some applied event (checked under the lock).</summary>
    public async Task<bool> WaitForAsync(Func<ClusterCache, bool> condition, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (condition(this)) return true;
            _waiters.Add((condition, done));
        }
        using var timeoutCts = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutCts.Token, cancellationToken);
        try
        {
            await done.Task.WaitAsync(linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        finally
        {
            lock (_lock) _waiters.RemoveAll(w => w.Done == done);
        }
    }

    /// <summary>Applies informer events until the channel completes or the token fires.</summary>
    public async Task RunAsync(ChannelReader<InformerEvent> events, CancellationToken cancellationToken)
    {
        await foreach (var e in events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            Apply(e);
        }
        _changes.Writer.TryComplete();
    }

    /// <summary>How many barriers (<see cref="InformerEventType.Barrier"/>) have been applied.</summary>
    public long BarriersApplied { get; private set; }

    public void Apply(InformerEvent e)
    {
        if (e.Type == InformerEventType.Barrier)
        {
            lock (_lock)
            {
                BarriersApplied++;
                ReleaseWaiters();
            }
            return;
        }
        var kind = ResourceKinds.ByKind[e.Kind];
        // Conversions and the JSON of PVs and claims are pure: done before the lock, which the scheduling cycle holds
        // for its whole decision, so that neither waits for the other's share of that work.
        var delete = e.Type == InformerEventType.Delete;
        var prepared = new Prepared[e.Objects.Count];
        for (var i = 0; i < prepared.Length; i++) prepared[i] = Prepare(kind, e.Objects[i], delete);
        lock (_lock)
        {
            if (e.Type == InformerEventType.Replace) Relist(kind, prepared);
            foreach (var one in prepared)
            {
                if (ApplyOne(kind, one, delete)) _changes.Writer.TryWrite(new ClusterChange(e.Kind, e.Type, one.Key));
            }
            Version++;
            ReleaseWaiters();
        }
    }

    /// <summary>
    /// An API object's key, its Core snapshot (null when deleted, left out of the state or unconvertible) and the form
    /// the writers keep it in (the JSON of PVs and claims).
    /// </summary>
    private readonly record struct Prepared(ObjectKey Key, object? Snapshot, object? Raw, bool Unconvertible);

    private static Prepared Prepare(KindRegistration kind, IKubernetesObject<V1ObjectMeta> obj, bool delete)
    {
        var key = kind.KeyOf(obj);
        if (delete) return new Prepared(key, null, null, false);
        object? raw = kind.Raw switch
        {
            RawForm.Json => System.Text.Encoding.UTF8.GetBytes(KubernetesJson.Serialize(obj)),
            RawForm.Object => obj,
            _ => null,
        };
        try
        {
            return new Prepared(key, kind.Convert(obj), raw, false);
        }
        catch (ConversionException)
        {
            return new Prepared(key, null, raw, true);
        }
    }

    /// <summary>Applies one object; false when the state did not change (an unconvertible object).</summary>
    private bool ApplyOne(KindRegistration kind, Prepared prepared, bool delete)
    {
        // An unconvertible object is counted and left out of the state; the API objects writers read are kept.
        if (prepared.Unconvertible) ConversionErrors++;
        var raw = _raw.GetValueOrDefault(kind.Kind);
        if (delete || (prepared.Snapshot is null && !prepared.Unconvertible))
        {
            // Deleted, or left out of the state (a finished pod): gone from both.
            raw?.TryRemove(prepared.Key, out _);
            kind.Remove(State, prepared.Key);
            return true;
        }
        if (raw is not null && prepared.Raw is not null) raw[prepared.Key] = prepared.Raw;
        if (prepared.Snapshot is null)
        {
            // Unconvertible. A pod leaves the state but its change is published, so that the scheduler sees the pod
            // and says why it cannot schedule it (instead of the pod waiting silently forever); other kinds keep
            // their previous snapshot.
            if (!kind.PublishUnconvertible) return false;
            kind.Remove(State, prepared.Key);
            return true;
        }
        kind.Upsert(State, prepared.Snapshot);
        return true;
    }

    /// <summary>
    /// A relist replaces everything of its kind: objects deleted while the watch was down must go. Snapshots absent
    /// from the new list are removed from the state; the API objects (read without the lock) only when absent too, so
    /// that a reader never misses an object that exists on both sides of the relist.
    /// </summary>
    private void Relist(KindRegistration kind, Prepared[] incoming)
    {
        var kept = new HashSet<ObjectKey>(incoming.Length);
        foreach (var one in incoming) kept.Add(one.Key);
        foreach (var key in kind.Keys(State).ToList())
        {
            if (!kept.Contains(key)) kind.Remove(State, key);
        }
        if (_raw.GetValueOrDefault(kind.Kind) is { } raw)
        {
            foreach (var key in raw.Keys)
            {
                if (!kept.Contains(key)) raw.TryRemove(key, out _);
            }
        }
    }

    private void ReleaseWaiters()
    {
        foreach (var (condition, done) in _waiters)
        {
            if (!done.Task.IsCompleted && condition(this)) done.TrySetResult();
        }
    }
}
