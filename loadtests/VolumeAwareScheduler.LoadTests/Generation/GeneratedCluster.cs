using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.State;

namespace VolumeAwareScheduler.LoadTests.Generation;

/// <summary>The objects of a generated cluster, ready to be loaded into a <see cref="ClusterState"/>.</summary>
public sealed record GeneratedCluster(
    ClusterShape Shape,
    IReadOnlyList<NodeInfo> Nodes,
    IReadOnlyList<VolumeInfo> Volumes,
    IReadOnlyList<ClaimInfo> Claims,
    IReadOnlyList<PodInfo> PendingPods,
    IReadOnlyList<PodInfo> RunningPods,
    IReadOnlyList<StorageClassInfo> StorageClasses,
    IReadOnlyList<CsiDriverInfo> CsiDrivers,
    IReadOnlyList<CsiStorageCapacityInfo> Capacities)
{
    /// <summary>A state holding every object, its PVs in <paramref name="index"/> (which must be empty).</summary>
    public ClusterState CreateState(IVolumeIndex index)
    {
        var state = new ClusterState(index);
        foreach (var storageClass in StorageClasses) state.UpsertStorageClass(storageClass);
        foreach (var driver in CsiDrivers) state.UpsertCsiDriver(driver);
        foreach (var capacity in Capacities) state.UpsertCapacity(capacity);
        foreach (var node in Nodes) state.UpsertNode(node);
        foreach (var pod in RunningPods) state.UpsertPod(pod);
        foreach (var claim in Claims) state.UpsertClaim(claim);
        foreach (var pod in PendingPods) state.UpsertPod(pod);
        foreach (var volume in Volumes) index.Upsert(volume);
        return state;
    }

    /// <summary>Pending pods whose claims are all of one static class: the common StatefulSet case.</summary>
    public IEnumerable<PodInfo> PodsWithOneClaimOf(string storageClass, ClusterState state) =>
        PendingPods.Where(p => p.Claims.Length == 1
            && state.GetClaim(new ObjectKey(p.Key.Namespace, p.Claims[0].ClaimName)) is { Selector: null } claim
            && claim.StorageClassName == storageClass);

    public Dictionary<string, int> VolumesByState()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var volume in Volumes)
        {
            var key = volume.IsFree ? "free" : volume.ClaimRef is not null && volume.Phase == VolumePhase.Available ? "prebound" : volume.Phase.ToString().ToLowerInvariant();
            if (volume.IsDeleting) key = "deleting";
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return counts;
    }
}
