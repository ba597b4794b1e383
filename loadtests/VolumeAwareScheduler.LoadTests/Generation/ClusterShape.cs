namespace VolumeAwareScheduler.LoadTests.Generation;

/// <summary>
/// The size and mix of a synthetic cluster. Fractions are of the PVs (or claims); the rest is the common case:
/// a Filesystem, ReadWriteOnce, local PV pinned to one node by <c>kubernetes.io/hostname In [node]</c>.
/// </summary>
public sealed record ClusterShape
{
    public int Nodes { get; init; } = 5_000;
    public int Volumes { get; init; } = 50_000;
    public int Seed { get; init; } = 42;

    /// <summary>Pending StatefulSet pods to schedule; 0 means one per 5 nodes (at least 20).</summary>
    public int PendingPods { get; init; }

    public int Regions { get; init; } = 2;
    public int ZonesPerRegion { get; init; } = 3;
    public int NodesPerRack { get; init; } = 40;

    /// <summary>PVs pinned to a zone (<c>topology.kubernetes.io/zone In [zone]</c>) rather than to a node.</summary>
    public double ZonePinnedFraction { get; init; } = 0.06;
    /// <summary>PVs pinned to a rack by two requirements (zone In, rack In): a term the index must evaluate.</summary>
    public double RackPinnedFraction { get; init; } = 0.02;
    /// <summary>PVs whose only requirement is a NotIn (no <c>In</c> to index by).</summary>
    public double NotInPinnedFraction { get; init; } = 0.005;
    public double BlockFraction { get; init; } = 0.15;
    /// <summary>PVs with a claimRef to a generated claim (static provisioning done ahead of the pod).</summary>
    public double PreboundFraction { get; init; } = 0.05;
    /// <summary>PVs already Bound to some other claim (the cluster's running workloads).</summary>
    public double BoundFraction { get; init; } = 0.25;
    /// <summary>PVs Released or Failed, or being deleted: present in the index, never a candidate.</summary>
    public double UnavailableFraction { get; init; } = 0.02;
    public double UnschedulableNodeFraction { get; init; } = 0.01;

    public int EffectivePendingPods => PendingPods > 0 ? PendingPods : Math.Max(20, Nodes / 5);

    /// <summary>The same cluster with <paramref name="volumes"/> PVs (nodes and seed unchanged).</summary>
    public ClusterShape WithVolumes(int volumes) => this with { Volumes = volumes };

    public IEnumerable<string> Validate()
    {
        if (Nodes < ZonesPerRegion * Regions) yield return $"--nodes must be at least {ZonesPerRegion * Regions} (one per zone); got {Nodes}.";
        if (Volumes < 1) yield return $"--pvs must be at least 1; got {Volumes}.";
        if (Regions < 1 || ZonesPerRegion < 1 || NodesPerRack < 1) yield return "regions, zones per region and nodes per rack must be positive.";
        var pinned = ZonePinnedFraction + RackPinnedFraction + NotInPinnedFraction;
        if (pinned > 1) yield return $"zone, rack and NotIn pinned fractions add up to {pinned:0.###}; they must not exceed 1.";
        if (PreboundFraction + BoundFraction + UnavailableFraction > 1) yield return "prebound, bound and unavailable fractions must not exceed 1 together.";
    }
}
