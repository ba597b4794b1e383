using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Extender;
using VolumeAwareScheduler.Kubernetes.Manifests;
using VolumeAwareScheduler.Simulation;

namespace VolumeAwareScheduler.Hosting;

/// <summary>
/// Where the extender's state comes from. Two sources exist: <see cref="SnapshotClusterSource"/> (a YAML dump, kept
/// in memory and changed only by bind) and <see cref="NotLoadedClusterSource"/> (serve without --cluster). The live
/// source (informers over KubernetesClient, feeding the store through its write lock) plugs in here.
/// </summary>
public interface IClusterStateSource
{
    /// <summary>The store once the first full state is loaded; null until then (readyz is not ready, verbs answer an Error).</summary>
    ClusterStore? Store { get; }

    /// <summary>What readyz says while <see cref="Store"/> is null.</summary>
    string NotReadyReason { get; }
}

/// <summary>serve without --cluster, until the live-cluster source exists: never ready.</summary>
public sealed class NotLoadedClusterSource : IClusterStateSource
{
    public const string Reason = "cluster state not loaded";

    public ClusterStore? Store => null;

    public string NotReadyReason => Reason;
}

/// <summary>
/// serve --cluster FILE: the dump is loaded once at start with the simulator's loader (the PV controller settles the
/// claims; pods with a nodeName are running), and its pending pods are made known, as if kube-scheduler had shown them.
/// </summary>
public sealed class SnapshotClusterSource : IClusterStateSource, IDisposable
{
    private SnapshotClusterSource(Simulator simulator, ClusterStore store, IReadOnlyList<PodInfo> pending, string path)
    {
        Simulator = simulator;
        Store = store;
        PendingPods = pending;
        Path = path;
    }

    public Simulator Simulator { get; }

    public ClusterStore? Store { get; }

    public IReadOnlyList<PodInfo> PendingPods { get; }

    public string Path { get; }

    public string NotReadyReason => "";

    /// <summary>Reads and loads the file; throws <see cref="ManifestException"/> for a file that cannot be used.</summary>
    /// <param name="profile">The verbs' profile; <see cref="Profiles.Extender"/> with default args when null.</param>
    /// <param name="explain">explain's profile; the default profile when null.</param>
    public static SnapshotClusterSource Load(string path, TextWriter? warnings = null, Profile? profile = null, Profile? explain = null)
    {
        var objects = ManifestReader.ReadFile(path);
        var simulator = new Simulator();
        var pending = simulator.LoadPending(objects, path);
        foreach (var warning in IgnoredObjects.Warnings(path, simulator.Ignored)) warnings?.WriteLine($"warning: {warning}");
        return new SnapshotClusterSource(simulator, new ClusterStore(simulator.State, simulator.Ledger, profile ?? Profiles.Extender(), explain), pending, path);
    }

    /// <summary>
    /// A state built in memory rather than read from a file (the load tests' generated clusters): the same source as
    /// serve --cluster, over <paramref name="simulator"/>'s state as the caller filled it.
    /// </summary>
    public static SnapshotClusterSource FromSimulator(Simulator simulator, IReadOnlyList<PodInfo> pending, string description) =>
        new(simulator, new ClusterStore(simulator.State, simulator.Ledger, Profiles.Extender()), pending, description);

    public void Seed(PodRegistry registry)
    {
        foreach (var pod in PendingPods) registry.Remember(pod);
    }

    public void Dispose() => Store?.Dispose();
}
