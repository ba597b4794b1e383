using System.Threading.Channels;
using k8s;
using k8s.Models;
using VolumeAwareScheduler.Kubernetes.Informers;

namespace VolumeAwareScheduler.Kubernetes.Cache;

/// <summary>
/// The live cluster: one informer per kind the decisions read, all feeding one channel that the
/// <see cref="ClusterCache"/> drains as the single writer. The same code runs against a real API server and
/// against the emulator; only the client's configuration differs.
/// </summary>
public sealed class LiveCluster : IAsyncDisposable
{
    private readonly Channel<InformerEvent> _events = Channel.CreateBounded<InformerEvent>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly List<Task> _synced = [];
    private readonly TimeProvider _time;

    public LiveCluster(IKubernetes client, TimeProvider time, InformerOptions? options = null)
    {
        Cache = new ClusterCache();
        _time = time;
        var w = _events.Writer;
        Add(new Informer<V1Node, V1NodeList>("Node",
            (c, l, ct) => client.CoreV1.ListNodeAsync(continueParameter: c, limit: l, cancellationToken: ct),
            (rv, t, e, ct) => client.CoreV1.WatchListNodeAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
            w, time, options));
        Add(new Informer<V1PersistentVolume, V1PersistentVolumeList>("PersistentVolume",
            (c, l, ct) => client.CoreV1.ListPersistentVolumeAsync(continueParameter: c, limit: l, cancellationToken: ct),
            (rv, t, e, ct) => client.CoreV1.WatchListPersistentVolumeAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
            w, time, options));
        Add(new Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>("PersistentVolumeClaim",
            (c, l, ct) => client.CoreV1.ListPersistentVolumeClaimForAllNamespacesAsync(continueParameter: c, limit: l, cancellationToken: ct),
            (rv, t, e, ct) => client.CoreV1.WatchListPersistentVolumeClaimForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
            w, time, options));
        Add(new Informer<V1Pod, V1PodList>("Pod",
            (c, l, ct) => client.CoreV1.ListPodForAllNamespacesAsync(continueParameter: c, limit: l, cancellationToken: ct),
            (rv, t, e, ct) => client.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
            w, time, options));
        Add(new Informer<V1StorageClass, V1StorageClassList>("StorageClass",
            (c, l, ct) => client.StorageV1.ListStorageClassAsync(continueParameter: c, limit: l, cancellationToken: ct),
            (rv, t, e, ct) => client.StorageV1.WatchListStorageClassAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
            w, time, options));
        Add(new Informer<V1CSIDriver, V1CSIDriverList>("CSIDriver",
            (c, l, ct) => client.StorageV1.ListCSIDriverAsync(continueParameter: c, limit: l, cancellationToken: ct),
            (rv, t, e, ct) => client.StorageV1.WatchListCSIDriverAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
            w, time, options));
        Add(new Informer<V1CSIStorageCapacity, V1CSIStorageCapacityList>("CSIStorageCapacity",
            (c, l, ct) => client.StorageV1.ListCSIStorageCapacityForAllNamespacesAsync(continueParameter: c, limit: l, cancellationToken: ct),
            (rv, t, e, ct) => client.StorageV1.WatchListCSIStorageCapacityForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
            w, time, options));
        // Namespaces (pod affinity's namespaceSelector) and the selectors of Services, ReplicationControllers,
        // ReplicaSets and StatefulSets (default topology spreading): what InterPodAffinity and PodTopologySpread read.
        Add(new Informer<V1Namespace, V1NamespaceList>("Namespace",
            (c, l, ct) => client.CoreV1.ListNamespaceAsync(continueParameter: c, limit: l, cancellationToken: ct),
            (rv, t, e, ct) => client.CoreV1.WatchListNamespaceAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
            w, time, options));
        Add(new Informer<V1Service, V1ServiceList>("Service",
            (c, l, ct) => client.CoreV1.ListServiceForAllNamespacesAsync(continueParameter: c, limit: l, cancellationToken: ct),
            (rv, t, e, ct) => client.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
            w, time, options));
        Add(new Informer<V1ReplicationController, V1ReplicationControllerList>("ReplicationController",
            (c, l, ct) => client.CoreV1.ListReplicationControllerForAllNamespacesAsync(continueParameter: c, limit: l, cancellationToken: ct),
            (rv, t, e, ct) => client.CoreV1.WatchListReplicationControllerForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
            w, time, options));
        Add(new Informer<V1ReplicaSet, V1ReplicaSetList>("ReplicaSet",
            (c, l, ct) => client.AppsV1.ListReplicaSetForAllNamespacesAsync(continueParameter: c, limit: l, cancellationToken: ct),
            (rv, t, e, ct) => client.AppsV1.WatchListReplicaSetForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
            w, time, options));
        Add(new Informer<V1StatefulSet, V1StatefulSetList>("StatefulSet",
            (c, l, ct) => client.AppsV1.ListStatefulSetForAllNamespacesAsync(continueParameter: c, limit: l, cancellationToken: ct),
            (rv, t, e, ct) => client.AppsV1.WatchListStatefulSetForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
            w, time, options));
        _loops.Add(Cache.RunAsync(_events.Reader, _stop.Token));
        Synced = WhenAppliedAsync(time);

        void Add<T, TList>(Informer<T, TList> informer)
            where T : class, IKubernetesObject<V1ObjectMeta>
            where TList : IKubernetesObject<V1ListMeta>, IItems<T>
        {
            _loops.Add(Task.Run(() => informer.RunAsync(_stop.Token)));
            _synced.Add(informer.Synced);
        }
    }

    public ClusterCache Cache { get; }

    /// <summary>Completes when every informer's first full list has been applied by the cache.</summary>
    public Task Synced { get; }

    private async Task WhenAppliedAsync(TimeProvider time)
    {
        await Task.WhenAll(_synced).ConfigureAwait(false);
        // The lists are in the channel; a barrier behind them completes once the cache has applied them all.
        await _events.Writer.WriteAsync(new InformerEvent(ClusterCache.BarrierKind, InformerEventType.Upsert, []), _stop.Token).ConfigureAwait(false);
        await Cache.WaitForAsync(c => c.BarriersApplied > 0, Timeout.InfiniteTimeSpan, time, _stop.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// Liveness: null while every informer loop and the cache loop run and, once synced, the cache applies a barrier
    /// queued behind whatever the informers delivered within <paramref name="timeout"/>; otherwise what is wrong.
    /// Before the first sync only the loops are checked (the sync barrier must be the first one applied).
    /// </summary>
    public async Task<string?> ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_stop.IsCancellationRequested) return "stopped";
        if (_loops.Exists(t => t.IsCompleted)) return "an informer or the cache loop has stopped";
        if (!Synced.IsCompletedSuccessfully) return null;
        var before = Cache.BarriersApplied;
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            // Off the caller's thread: a wedged cache may hold its lock, and waiting for it must not block a request thread.
            var applied = await Task.Run(async () =>
            {
                await _events.Writer.WriteAsync(new InformerEvent(ClusterCache.BarrierKind, InformerEventType.Upsert, []), linked.Token).ConfigureAwait(false);
                return await Cache.WaitForAsync(c => c.BarriersApplied > before, timeout, _time, linked.Token).ConfigureAwait(false);
            }, linked.Token).WaitAsync(linked.Token).ConfigureAwait(false);
            return applied ? null : $"the cache did not apply informer events within {timeout.TotalSeconds:0.#} s";
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return $"the cache did not apply informer events within {timeout.TotalSeconds:0.#} s";
        }
        catch (ChannelClosedException)
        {
            return "stopped";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _events.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
        _stop.Dispose();
    }
}
