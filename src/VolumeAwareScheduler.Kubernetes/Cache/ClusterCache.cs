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
/// The cluster-state store: the single writer that turns informer events into Core snapshots in a
/// <see cref="ClusterState"/> (with its incremental index) and publishes them, and the one place every decision reads
/// them from. The state and its assume ledger live twice, in a <see cref="LeftRight{T}"/>: readers (a scheduling cycle,
/// an extender verb) read one published generation without any lock while the writer changes the other replica; only
/// informer events and the scheduler's own reserve, unreserve and commit go through the writer.
/// The latest API objects that writers need (for their resourceVersion; PVs and claims as JSON) are kept beside it.
/// Conversion errors drop the object from the state and are counted, never a crash; an unconvertible pod is still
/// published as a change, for the scheduler to report it.
/// </summary>
public sealed class ClusterCache
{
    // The latest API objects, read without any lock: the writers and the scheduling loop look them up on every pod and
    // binding. PVs and claims, which only the writers read (to update them), are kept as their JSON: a third of the
    // size of the object graph, and they are the bulk of a large cluster (the memory load test: 100,000 of each).
    private readonly Dictionary<ResourceKind, ConcurrentDictionary<ObjectKey, object>> _raw =
        ResourceKinds.All.Where(k => k.Raw != RawForm.None).ToDictionary(k => k.Kind, _ => new ConcurrentDictionary<ObjectKey, object>());
    private readonly LeftRight<StateReplica> _replicas;
    private readonly object _waitersLock = new();
    private readonly List<(Func<ClusterCache, bool> Condition, TaskCompletionSource Done)> _waiters = [];
    // Bounded, dropping the oldest: a consumer that falls behind (or a standby replica that does not schedule)
    // must not grow memory; whoever starts consuming re-reads the full state first anyway.
    private readonly Channel<ClusterChange> _changes = Channel.CreateBounded<ClusterChange>(
        new BoundedChannelOptions(50_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });
    private readonly ConcurrentDictionary<ResourceKind, long> _divergences = new();
    // Equal parts of PV snapshots (node affinity, labels) held once: both replicas and the index share them.
    private readonly SnapshotInterner _interner = new();
    private long _conversionErrors;
    private long _barriersApplied;

    /// <param name="createIndex">Makes each replica's empty volume index; <see cref="VolumeIndex"/> when null.</param>
    public ClusterCache(Func<IVolumeIndex>? createIndex = null)
    {
        createIndex ??= static () => new VolumeIndex();
        _replicas = new LeftRight<StateReplica>(new StateReplica(new ClusterState(createIndex())), new StateReplica(new ClusterState(createIndex())));
    }

    /// <summary>
    /// A store over a state already filled (a manifest loaded by the simulator's loader, for serve --cluster): the
    /// state becomes the first replica (its owner must not change it any more) and a copy the second.
    /// </summary>
    public ClusterCache(ClusterState loaded, Func<IVolumeIndex> createIndex)
    {
        _replicas = new LeftRight<StateReplica>(new StateReplica(loaded), new StateReplica(loaded.Copy(createIndex())));
    }

    public long ConversionErrors => Interlocked.Read(ref _conversionErrors);

    /// <summary>
    /// Per kind, the objects an audit (<see cref="InformerEvent.IsAudit"/>) found different from the server's list and
    /// repaired: missing here, here but gone there, or held at another version (PVs and claims).
    /// </summary>
    public IReadOnlyDictionary<ResourceKind, long> Divergences => _divergences;

    /// <summary>The generation of the published state: how many writes it has seen.</summary>
    public long Version => _replicas.Generation;

    /// <summary>Every applied change, in order; read by one consumer (the scheduling queue).</summary>
    public ChannelReader<ClusterChange> Changes => _changes.Reader;

    /// <summary>Reads the published state: no lock, any number at once. <paramref name="read"/> must not write.</summary>
    public T Read<T>(Func<ClusterState, T> read) => _replicas.Read(read, static (replica, read) => read(replica.State));

    /// <inheritdoc cref="Read{T}(Func{ClusterState, T})"/>
    public T Read<TArg, T>(TArg arg, Func<ClusterState, TArg, T> read) =>
        _replicas.Read((arg, read), static (replica, a) => a.read(replica.State, a.arg));

    /// <summary>Reads the published state and its assume ledger (read only).</summary>
    public T ReadWithLedger<TArg, T>(TArg arg, Func<ClusterState, AssumeLedger, TArg, T> read) =>
        _replicas.Read((arg, read), static (replica, a) => a.read(replica.State, replica.Ledger, a.arg));

    /// <summary>
    /// A change through the single writer (reserve, unreserve, commit; the extender's bind). It runs once per replica
    /// on equal replicas: it must depend only on the state, the ledger and <paramref name="arg"/>, change nothing else,
    /// and fail (if it does) before changing anything. Returns the first run's result.
    /// </summary>
    public T Write<TArg, T>(TArg arg, Func<ClusterState, AssumeLedger, TArg, T> write)
    {
        var result = _replicas.Write((arg, write), static (replica, a) => a.write(replica.State, replica.Ledger, a.arg));
        ReleaseWaiters();
        return result;
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

    public IReadOnlyList<V1Pod> PodObjects() => [.. _raw[ResourceKind.Pod].Values.Cast<V1Pod>()];

    /// <summary>Completes when <paramref name="condition"/> holds after some applied event.</summary>
    public async Task<bool> WaitForAsync(Func<ClusterCache, bool> condition, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waitersLock)
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
            lock (_waitersLock) _waiters.RemoveAll(w => w.Done == done);
        }
    }

    /// <summary>
    /// Applies informer events until the channel completes or the token fires. Events waiting together are applied
    /// as one write (one generation), in order.
    /// </summary>
    public async Task RunAsync(ChannelReader<InformerEvent> events, CancellationToken cancellationToken)
    {
        var batch = new List<InformerEvent>();
        while (await events.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && events.TryRead(out var e)) batch.Add(e);
            Apply(batch);
            batch.Clear();
        }
        _changes.Writer.TryComplete();
    }

    /// <summary>The most events applied as one write: bounds how long a batch keeps its changes from the readers.</summary>
    private const int MaxBatch = 256;

    /// <summary>How many barriers (<see cref="InformerEventType.Barrier"/>) have been applied.</summary>
    public long BarriersApplied => Interlocked.Read(ref _barriersApplied);

    public void Apply(InformerEvent e) => Apply([e]);

    /// <summary>
    /// Applies events in order: the state changes of each run of events between barriers as one write, then the API
    /// objects, the published changes and the waiters.
    /// </summary>
    public void Apply(IReadOnlyList<InformerEvent> events)
    {
        var prepared = new List<PreparedEvent>(events.Count);
        foreach (var e in events)
        {
            if (e.Type == InformerEventType.Barrier)
            {
                Publish(prepared);
                prepared.Clear();
                Interlocked.Increment(ref _barriersApplied);
                ReleaseWaiters();
                continue;
            }
            prepared.Add(Prepare(e));
        }
        Publish(prepared);
    }

    /// <summary>
    /// An API object's key, its Core snapshot (null when deleted, left out of the state or unconvertible) and the form
    /// the writers keep it in (the JSON of PVs and claims).
    /// </summary>
    private readonly record struct Prepared(ObjectKey Key, object? Snapshot, object? Raw, bool Unconvertible);

    /// <param name="Listed">For a relist, the keys it lists (built once, read by the API objects' relist and each replica's).</param>
    private sealed record PreparedEvent(KindRegistration Kind, InformerEventType Type, Prepared[] Objects, bool IsAudit, HashSet<ObjectKey>? Listed);

    /// <summary>Conversions (equal parts shared) and the JSON of PVs and claims: done once, before the write.</summary>
    private PreparedEvent Prepare(InformerEvent e)
    {
        var kind = ResourceKinds.ByKind[e.Kind];
        var delete = e.Type == InformerEventType.Delete;
        var objects = new Prepared[e.Objects.Count];
        for (var i = 0; i < objects.Length; i++) objects[i] = Prepare(kind, e.Objects[i], delete);
        HashSet<ObjectKey>? listed = null;
        if (e.Type == InformerEventType.Replace)
        {
            listed = new HashSet<ObjectKey>(objects.Length);
            foreach (var one in objects) listed.Add(one.Key);
        }
        return new PreparedEvent(kind, e.Type, objects, e.IsAudit, listed);
    }

    private Prepared Prepare(KindRegistration kind, IKubernetesObject<V1ObjectMeta> obj, bool delete)
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
            return new Prepared(key, _interner.Intern(kind.Convert(obj)), raw, false);
        }
        catch (ConversionException)
        {
            return new Prepared(key, null, raw, true);
        }
    }

    private void Publish(List<PreparedEvent> events)
    {
        if (events.Count == 0) return;
        // The API objects first: whoever sees a change (below) or the new state finds its object.
        foreach (var e in events)
        {
            if (_raw.GetValueOrDefault(e.Kind.Kind) is not { } raw) continue;
            if (e.Listed is { } listed) RelistRaw(raw, listed);
            foreach (var one in e.Objects)
            {
                if (Removes(one, e.Type)) raw.TryRemove(one.Key, out _);
                else if (one.Raw is not null) raw[one.Key] = one.Raw;
            }
        }
        var divergences = _replicas.Write(events, static (replica, events) =>
        {
            List<(ResourceKind, int)>? found = null;
            foreach (var e in events)
            {
                if (e.IsAudit && Diverging(replica, e.Kind, e.Objects) is var count and > 0) (found ??= []).Add((e.Kind.Kind, count));
                if (e.Listed is { } listed) Relist(replica.State, e.Kind, listed);
                foreach (var one in e.Objects) ApplyOne(replica, e.Kind, one, e.Type);
            }
            return found;
        });
        foreach (var (kind, count) in divergences ?? []) _divergences.AddOrUpdate(kind, count, (_, total) => total + count);
        foreach (var e in events)
        {
            foreach (var one in e.Objects)
            {
                if (one.Unconvertible) Interlocked.Increment(ref _conversionErrors);
                // An unconvertible object of a kind that keeps its previous snapshot changed nothing.
                if (one.Unconvertible && !e.Kind.PublishUnconvertible) continue;
                _changes.Writer.TryWrite(new ClusterChange(e.Kind.Kind, e.Type, one.Key));
            }
        }
        ReleaseWaiters();
    }

    /// <summary>Deleted, or left out of the state (a finished pod): gone from the state and the API objects.</summary>
    private static bool Removes(Prepared one, InformerEventType type) =>
        type == InformerEventType.Delete || (one.Snapshot is null && !one.Unconvertible);

    private static void ApplyOne(StateReplica replica, KindRegistration kind, Prepared one, InformerEventType type)
    {
        var state = replica.State;
        if (Removes(one, type))
        {
            kind.Remove(state, one.Key);
        }
        else if (one.Snapshot is not null)
        {
            // The API object an assumption already holds, delivered again: the assumed object stays.
            if (one.Snapshot is VolumeInfo volume && replica.Ledger.HoldsApiVersionOf(volume)) return;
            if (one.Snapshot is ClaimInfo claim && replica.Ledger.HoldsApiVersionOf(claim)) return;
            // A pod this scheduler assumed on a node (its binding under way) stays on that node when an update of the
            // unbound pod arrives (its nominatedNodeName, a condition): the API never unbinds a pod, so a node here and
            // none there is our assumption, as upstream's cache keeps an assumed pod until its bound version is added.
            if (one.Snapshot is PodInfo { NodeName.Length: 0 } pod && state.GetPod(pod.Key) is { NodeName.Length: > 0 } assumed && assumed.Uid == pod.Uid)
            {
                kind.Upsert(state, pod with { NodeName = assumed.NodeName });
                return;
            }
            kind.Upsert(state, one.Snapshot);
        }
        else if (kind.PublishUnconvertible)
        {
            // Unconvertible. A pod leaves the state but its change is published, so that the scheduler sees the pod
            // and says why it cannot schedule it (instead of the pod waiting silently forever); other kinds keep
            // their previous snapshot.
            kind.Remove(state, one.Key);
        }
    }

    /// <summary>
    /// How many objects of an audit's list differ from the replica: absent here, here but not listed, or (PVs and claims,
    /// whose snapshots carry it) at another resourceVersion than the replica holds as the API's.
    /// </summary>
    private static int Diverging(StateReplica replica, KindRegistration kind, Prepared[] listed)
    {
        var state = replica.State;
        var held = new HashSet<ObjectKey>(kind.Keys(state));
        var count = 0;
        foreach (var one in listed)
        {
            if (one.Snapshot is null) continue; // left out of the state on purpose (finished pods, unconvertible objects)
            if (!held.Remove(one.Key))
            {
                count++;
                continue;
            }
            var stale = one.Snapshot switch
            {
                VolumeInfo volume => (replica.Ledger.ApiVolume(volume.Name) ?? state.Volumes.Get(volume.Name))?.ResourceVersion != volume.ResourceVersion,
                ClaimInfo claim => (replica.Ledger.ApiClaim(claim.Key) ?? state.GetClaim(claim.Key))?.ResourceVersion != claim.ResourceVersion,
                _ => false,
            };
            if (stale) count++;
        }
        return count + held.Count;
    }

    /// <summary>A relist replaces everything of its kind: objects deleted while the watch was down must go.</summary>
    private static void Relist(ClusterState state, KindRegistration kind, HashSet<ObjectKey> kept)
    {
        foreach (var key in kind.Keys(state).ToList())
        {
            if (!kept.Contains(key)) kind.Remove(state, key);
        }
    }

    /// <summary>
    /// The API objects of a relist: only those absent from the new list are removed, so that a reader never misses an
    /// object that exists on both sides of the relist.
    /// </summary>
    private static void RelistRaw(ConcurrentDictionary<ObjectKey, object> raw, HashSet<ObjectKey> kept)
    {
        foreach (var key in raw.Keys)
        {
            if (!kept.Contains(key)) raw.TryRemove(key, out _);
        }
    }

    private void ReleaseWaiters()
    {
        lock (_waitersLock)
        {
            foreach (var (condition, done) in _waiters)
            {
                if (!done.Task.IsCompleted && condition(this)) done.TrySetResult();
            }
        }
    }
}
