using k8s;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Kubernetes.Writers;

namespace VolumeAwareScheduler.Hosting;

/// <summary>
/// serve against an API server: informers feed the cache; the store appears once every informer has delivered its
/// first full list (readyz turns ready then). Writes go to the API through <see cref="ApiBindingWriter"/>.
/// </summary>
public sealed class LiveClusterSource : IClusterStateSource, IAsyncDisposable
{
    private readonly LiveCluster _cluster;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ClusterStore? _store;

    /// <param name="profile">The verbs' profile; <see cref="Profiles.Extender"/> with default args when null.</param>
    /// <param name="explain">explain's profile; the default profile when null.</param>
    public LiveClusterSource(IKubernetes client, TimeProvider time, Profile? profile = null, Profile? explain = null)
    {
        _cluster = new LiveCluster(client, time);
        Writer = new ApiWriter(client, _cluster.Cache, time);
        _ = _cluster.Synced.ContinueWith(t =>
        {
            if (!t.IsCompletedSuccessfully) return;
            Volatile.Write(ref _store, new ClusterStore(_cluster.Cache, profile ?? Profiles.Extender(), explain));
            _ready.TrySetResult();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public ApiWriter Writer { get; }

    /// <summary>Completes when <see cref="Store"/> is set.</summary>
    public Task Ready => _ready.Task;

    public LiveCluster Cluster => _cluster;

    public ClusterStore? Store => Volatile.Read(ref _store);

    public string NotReadyReason => "cluster state not loaded (waiting for the first list from the API server)";

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync().ConfigureAwait(false);
        _store?.Dispose();
    }
}
