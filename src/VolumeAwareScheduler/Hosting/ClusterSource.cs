using k8s;
using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Extender;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Kubernetes.Manifests;
using VolumeAwareScheduler.Kubernetes.Writers;
using VolumeAwareScheduler.Simulation;

namespace VolumeAwareScheduler.Hosting;

/// <summary>
/// Where serve's state comes from, and the store it is in once loaded (<see cref="Cache"/>, the same store the
/// standalone scheduler uses). One of three: nothing (serve without --cluster or a server: never ready), a manifest
/// (serve --cluster FILE: loaded once by the simulator's loader, then changed only by bind) or the live cluster
/// (informers; the store appears once every informer has delivered its first full list).
/// </summary>
public sealed class ClusterSource : IAsyncDisposable
{
    public const string NotLoadedReason = "cluster state not loaded";

    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ClusterCache? _cache;

    private ClusterSource(string notReadyReason) => NotReadyReason = notReadyReason;

    /// <summary>The store once the first full state is loaded; null until then (readyz is not ready, verbs answer an Error).</summary>
    public ClusterCache? Cache => Volatile.Read(ref _cache);

    /// <summary>What readyz says while <see cref="Cache"/> is null.</summary>
    public string NotReadyReason { get; }

    /// <summary>Completes when <see cref="Cache"/> is set.</summary>
    public Task Ready => _ready.Task;

    /// <summary>The informers, for a live source.</summary>
    public LiveCluster? Live { get; private init; }

    /// <summary>The API writer of a live source.</summary>
    public ApiWriter? Writer { get; private init; }

    /// <summary>A manifest's pending pods, made known as if kube-scheduler had shown them.</summary>
    public IReadOnlyList<PodInfo> PendingPods { get; private init; } = [];

    /// <summary>Where the state came from (a manifest's path); "" for the other sources.</summary>
    public string Path { get; private init; } = "";

    /// <summary>serve without a cluster: never ready.</summary>
    public static ClusterSource NotLoaded() => new(NotLoadedReason);

    /// <summary>
    /// serve --cluster FILE: the dump is loaded with the simulator's loader (the PV controller settles the claims; pods
    /// with a nodeName are running). Throws <see cref="ManifestException"/> for a file that cannot be used.
    /// </summary>
    public static ClusterSource Load(string path, TextWriter? warnings = null)
    {
        var objects = ManifestReader.ReadFile(path);
        var simulator = new Simulator();
        var pending = simulator.LoadPending(objects, path);
        foreach (var warning in IgnoredObjects.Warnings(path, simulator.Ignored)) warnings?.WriteLine($"warning: {warning}");
        return FromSimulator(simulator, pending, path);
    }

    /// <summary>
    /// A state built in memory rather than read from a file (the load tests' generated clusters): the same source as
    /// serve --cluster. The simulator's state becomes the store's: the simulator must not be used any more.
    /// </summary>
    public static ClusterSource FromSimulator(Simulator simulator, IReadOnlyList<PodInfo> pending, string description)
    {
        var source = new ClusterSource("") { PendingPods = pending, Path = description };
        source.SetReady(new ClusterCache(simulator.State, static () => new VolumeIndex()));
        return source;
    }

    /// <summary>serve against an API server: informers feed the store; writes go to the API.</summary>
    public static ClusterSource Connect(IKubernetes client, TimeProvider time)
    {
        var live = new LiveCluster(client, time);
        var source = new ClusterSource("cluster state not loaded (waiting for the first list from the API server)")
        {
            Live = live,
            Writer = new ApiWriter(client, live.Cache, time),
        };
        _ = live.Synced.ContinueWith(
            t =>
            {
                if (t.IsCompletedSuccessfully) source.SetReady(live.Cache);
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return source;
    }

    private void SetReady(ClusterCache cache)
    {
        Volatile.Write(ref _cache, cache);
        _ready.TrySetResult();
    }

    public void Seed(PodRegistry registry)
    {
        foreach (var pod in PendingPods) registry.Remember(pod);
    }

    public async ValueTask DisposeAsync()
    {
        if (Live is not null) await Live.DisposeAsync().ConfigureAwait(false);
    }
}
