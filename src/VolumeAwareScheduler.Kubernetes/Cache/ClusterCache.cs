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
public sealed record ClusterChange(string Kind, InformerEventType Type, string Key);

/// <summary>
/// The single writer: turns informer events into Core snapshots in a <see cref="ClusterState"/> (with its incremental
/// index) and keeps the latest API objects that writers need (for their resourceVersion; PVs and claims as JSON). Readers take the lock for
/// the length of one decision; the writer takes it per event. Conversion errors drop the object and are counted:
/// the API server validated it, so they mean a field we do not understand, never a crash.
/// </summary>
public sealed class ClusterCache
{
    private readonly object _lock = new();
    // The latest API objects, written under the lock (with the state) but read without it: the writers and the
    // scheduling loop look them up on every pod and binding, and must not queue behind a scheduling cycle for that.
    // PVs and claims, which only the writers read (to update them), are kept as their JSON: a third of the size of
    // the object graph, and they are the bulk of a large cluster (the memory load test: 100,000 of each).
    private readonly ConcurrentDictionary<string, byte[]> _volumes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ObjectKey, byte[]> _claims = new();
    private readonly ConcurrentDictionary<ObjectKey, V1Pod> _pods = new();
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
    public V1PersistentVolume? GetVolumeObject(string name) => _volumes.TryGetValue(name, out var json) ? FromJson<V1PersistentVolume>(json) : null;

    /// <summary>The latest claim as the API served it (managed fields dropped): a fresh copy, the caller's to change.</summary>
    public V1PersistentVolumeClaim? GetClaimObject(ObjectKey key) => _claims.TryGetValue(key, out var json) ? FromJson<V1PersistentVolumeClaim>(json) : null;

    private static byte[] ToJson<T>(T obj) => System.Text.Encoding.UTF8.GetBytes(KubernetesJson.Serialize(obj));

    private static T FromJson<T>(byte[] json)
    {
        using var stream = new MemoryStream(json, writable: false);
        return KubernetesJson.Deserialize<T>(stream);
    }

    public V1Pod? GetPodObject(ObjectKey key) => _pods.GetValueOrDefault(key);

    public IReadOnlyList<V1Pod> PodObjects()
    {
        lock (_lock) return [.. _pods.Values];
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

    /// <summary>An event kind that carries nothing: when the cache applies it, everything queued before it is applied.</summary>
    public const string BarrierKind = "Barrier";

    /// <summary>How many barriers have been applied.</summary>
    public long BarriersApplied { get; private set; }

    public void Apply(InformerEvent e)
    {
        if (e.Kind == BarrierKind)
        {
            lock (_lock)
            {
                BarriersApplied++;
                ReleaseWaiters();
            }
            return;
        }
        // Conversions and the JSON of PVs and claims are pure: done before the lock, which the scheduling cycle holds
        // for its whole decision, so that neither waits for the other's share of that work.
        var delete = e.Type == InformerEventType.Delete;
        var prepared = new Prepared[e.Objects.Count];
        for (var i = 0; i < prepared.Length; i++) prepared[i] = Prepare(e.Objects[i], delete);
        lock (_lock)
        {
            if (e.Type == InformerEventType.Replace) ClearKind(e.Kind, e.Objects);
            foreach (var one in prepared)
            {
                var key = ApplyOne(one, delete);
                if (key is not null) _changes.Writer.TryWrite(new ClusterChange(e.Kind, e.Type, key));
            }
            Version++;
            ReleaseWaiters();
        }
    }

    /// <summary>An API object with its Core snapshot (null when deleted, finished or unconvertible) and, for PVs and claims, its JSON.</summary>
    private readonly record struct Prepared(IKubernetesObject<V1ObjectMeta> Object, object? Snapshot, byte[]? Json, bool Unconvertible);

    private static Prepared Prepare(IKubernetesObject<V1ObjectMeta> obj, bool delete)
    {
        if (delete) return new Prepared(obj, null, null, false);
        var json = obj switch
        {
            V1PersistentVolume pv => ToJson(pv),
            V1PersistentVolumeClaim pvc => ToJson(pvc),
            _ => null,
        };
        try
        {
            object? snapshot = obj switch
            {
                V1Node node => Converter.ToNode(node),
                V1PersistentVolume pv => Converter.ToVolume(pv),
                V1PersistentVolumeClaim pvc => Converter.ToClaim(pvc),
                V1Pod pod when pod.Status?.Phase is "Succeeded" or "Failed" => null,
                V1Pod pod => Converter.ToPod(pod),
                V1StorageClass sc => Converter.ToStorageClass(sc),
                V1CSIDriver driver => Converter.ToCsiDriver(driver),
                V1CSIStorageCapacity capacity => Converter.ToCapacity(capacity),
                V1Namespace ns => Converter.ToNamespace(ns),
                V1Service service => Converter.ToService(service),
                V1ReplicationController rc => Converter.ToReplicationController(rc),
                V1ReplicaSet rs => Converter.ToReplicaSet(rs),
                V1StatefulSet sts => Converter.ToStatefulSet(sts),
                _ => null,
            };
            return new Prepared(obj, snapshot, json, false);
        }
        catch (ConversionException)
        {
            return new Prepared(obj, null, json, true);
        }
    }

    private string? ApplyOne(Prepared prepared, bool delete)
    {
        // An unconvertible object is counted and left out of the state; the API objects writers read are kept (as before).
        if (prepared.Unconvertible) ConversionErrors++;
        switch (prepared.Object)
        {
            case V1Node node:
                if (delete) State.RemoveNode(node.Name());
                else if (prepared.Snapshot is NodeInfo info) State.UpsertNode(info);
                else return null;
                return node.Name();
            case V1PersistentVolume pv:
                if (delete)
                {
                    _volumes.TryRemove(pv.Name(), out _);
                    State.Volumes.Remove(pv.Name());
                }
                else
                {
                    _volumes[pv.Name()] = prepared.Json!;
                    if (prepared.Snapshot is VolumeInfo info) State.Volumes.Upsert(info);
                    else return null;
                }
                return pv.Name();
            case V1PersistentVolumeClaim pvc:
                var claimKey = new ObjectKey(pvc.Namespace() ?? "default", pvc.Name());
                if (delete)
                {
                    _claims.TryRemove(claimKey, out _);
                    State.RemoveClaim(claimKey);
                }
                else
                {
                    _claims[claimKey] = prepared.Json!;
                    if (prepared.Snapshot is ClaimInfo info) State.UpsertClaim(info);
                    else return null;
                }
                return claimKey.ToString();
            case V1Pod pod:
                var podKey = new ObjectKey(pod.Namespace() ?? "default", pod.Name());
                var finished = pod.Status?.Phase is "Succeeded" or "Failed";
                if (delete || finished)
                {
                    _pods.TryRemove(podKey, out _);
                    State.RemovePod(podKey);
                }
                else
                {
                    _pods[podKey] = pod;
                    if (prepared.Snapshot is PodInfo info) State.UpsertPod(info);
                    else return null;
                }
                return podKey.ToString();
            case V1StorageClass sc:
                if (delete) State.RemoveStorageClass(sc.Name());
                else if (prepared.Snapshot is StorageClassInfo info) State.UpsertStorageClass(info);
                else return null;
                return sc.Name();
            case V1CSIDriver driver:
                if (delete) State.RemoveCsiDriver(driver.Name());
                else if (prepared.Snapshot is CsiDriverInfo info) State.UpsertCsiDriver(info);
                else return null;
                return driver.Name();
            case V1CSIStorageCapacity capacity:
                var capacityKey = new ObjectKey(capacity.Namespace() ?? "default", capacity.Name());
                if (delete) State.RemoveCapacity(capacityKey);
                else if (prepared.Snapshot is CsiStorageCapacityInfo info) State.UpsertCapacity(info);
                else return null;
                return capacityKey.ToString();
            case V1Namespace ns:
                if (delete) State.RemoveNamespace(ns.Name());
                else if (prepared.Snapshot is NamespaceInfo info) State.UpsertNamespace(info);
                else return null;
                return ns.Name();
            case V1Service service:
                var serviceKey = new ObjectKey(service.Namespace() ?? "default", service.Name());
                if (delete) State.RemoveService(serviceKey);
                else if (prepared.Snapshot is ServiceInfo info) State.UpsertService(info);
                else return null;
                return serviceKey.ToString();
            case V1ReplicationController rc:
                var rcKey = new ObjectKey(rc.Namespace() ?? "default", rc.Name());
                if (delete) State.RemoveReplicationController(rcKey);
                else if (prepared.Snapshot is ReplicationControllerInfo info) State.UpsertReplicationController(info);
                else return null;
                return rcKey.ToString();
            case V1ReplicaSet rs:
                var rsKey = new ObjectKey(rs.Namespace() ?? "default", rs.Name());
                if (delete) State.RemoveReplicaSet(rsKey);
                else if (prepared.Snapshot is ReplicaSetInfo info) State.UpsertReplicaSet(info);
                else return null;
                return rsKey.ToString();
            case V1StatefulSet sts:
                var stsKey = new ObjectKey(sts.Namespace() ?? "default", sts.Name());
                if (delete) State.RemoveStatefulSet(stsKey);
                else if (prepared.Snapshot is StatefulSetInfo info) State.UpsertStatefulSet(info);
                else return null;
                return stsKey.ToString();
            default:
                return null;
        }
    }

    /// <summary>
    /// A relist replaces everything of its kind: objects deleted while the watch was down must go. The API objects
    /// are read without the lock, so only those absent from the new list are removed (the others are overwritten):
    /// a reader never misses an object that exists on both sides of the relist.
    /// </summary>
    private void ClearKind(string kind, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> incoming)
    {
        var kept = incoming.Select(o => (o.Namespace() ?? "default", o.Name())).ToHashSet();
        switch (kind)
        {
            case "Node":
                foreach (var node in State.Nodes.ToList()) State.RemoveNode(node.Name);
                break;
            case "PersistentVolume":
                foreach (var name in _volumes.Keys.ToList())
                {
                    State.Volumes.Remove(name);
                    if (!kept.Contains(("default", name))) _volumes.TryRemove(name, out _);
                }
                break;
            case "PersistentVolumeClaim":
                foreach (var key in _claims.Keys.ToList())
                {
                    State.RemoveClaim(key);
                    if (!kept.Contains((key.Namespace, key.Name))) _claims.TryRemove(key, out _);
                }
                break;
            case "Pod":
                foreach (var key in _pods.Keys.ToList())
                {
                    State.RemovePod(key);
                    if (!kept.Contains((key.Namespace, key.Name))) _pods.TryRemove(key, out _);
                }
                break;
            case "StorageClass":
                foreach (var sc in State.StorageClasses.ToList()) State.RemoveStorageClass(sc.Name);
                break;
            case "CSIStorageCapacity":
                foreach (var c in State.Capacities.ToList()) State.RemoveCapacity(c.Key);
                break;
            case "Namespace":
                foreach (var ns in State.Namespaces.ToList()) State.RemoveNamespace(ns.Name);
                break;
            case "Service":
                foreach (var service in State.Services.ToList()) State.RemoveService(service.Key);
                break;
            case "ReplicationController":
                foreach (var rc in State.ReplicationControllers.ToList()) State.RemoveReplicationController(rc.Key);
                break;
            case "ReplicaSet":
                foreach (var rs in State.ReplicaSets.ToList()) State.RemoveReplicaSet(rs.Key);
                break;
            case "StatefulSet":
                foreach (var sts in State.StatefulSets.ToList()) State.RemoveStatefulSet(sts.Key);
                break;
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
