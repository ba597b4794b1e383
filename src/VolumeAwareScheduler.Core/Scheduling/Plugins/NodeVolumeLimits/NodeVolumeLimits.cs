using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// Mirrors pkg/scheduler/framework/plugins/nodevolumelimits/csi.go (CSILimits). PreFilter skips pods without
/// persistentVolumeClaim or generic ephemeral volumes. Filter counts the unique CSI volumes (driver and volume handle)
/// of the pods already on the node and of the new pod, per driver, and rejects the node when a driver's
/// spec.drivers[].allocatable.count on the node's CSINode would be exceeded. A bound claim counts by its PV's
/// spec.csi driver and volumeHandle; an unbound claim (or one whose PV is missing) counts by its StorageClass's
/// provisioner with a placeholder handle unique to the claim, as getCSIDriverInfoFromSC does; a generic ephemeral
/// volume counts through its claim, which must be owned by the pod. Left out: in-tree volumes migrated to CSI (inline
/// and PV sources translated by csi-translation-lib) are not counted, and the legacy node allocatable
/// attachable-volumes-csi-* limits are not read (limits come from CSINode only), nor are VolumeAttachments counted. The
/// VolumeLimitScaling rule (v1.37 beta: a driver whose CSIDriver sets spec.preventPodSchedulingIfMissing and that the
/// node's CSINode does not list rejects the node) is not applied: the csi.go available here predates it.
/// </summary>
public sealed class NodeVolumeLimits : IPreFilterPlugin, IFilterPlugin
{
    public const string PluginName = "NodeVolumeLimits";

    // Upstream prefixes the placeholder handle with a random string per plugin instance; a NUL character cannot
    // occur in a real volume handle, so this fixed prefix keeps the placeholders apart from real handles.
    private const string PlaceholderPrefix = "\0unbound-";

    private static readonly Status Exceeded = Status.Unschedulable(PluginName, Reasons.MaxVolumeCountExceeded);

    public string Name => PluginName;

    public Status PreFilter(CycleState state, PodInfo pod, out PreFilterResult? result)
    {
        result = null;
        if (pod.Claims.Length == 0) return Status.Skip(PluginName);
        // The incoming pod's volumes do not depend on the node: found once for the cycle, not once per node.
        state.Write(PluginName, NewPodVolumes(state.Cluster, pod));
        return Status.Success;
    }

    public Status Filter(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex)
    {
        if (pod.Claims.Length == 0) return Status.Success;
        var cluster = state.Cluster;
        var incoming = state.Read<IncomingVolumes>(PluginName) ?? NewPodVolumes(cluster, pod);
        if (incoming.Failure is { } failure) return failure;
        if (incoming.Volumes.Count == 0) return Status.Success;
        var csiNode = cluster.GetCsiNode(node.Name);

        var limits = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var driver in csiNode?.Drivers ?? [])
        {
            if (driver.AllocatableCount is { } count) limits[driver.Name] = count;
        }
        if (limits.Count == 0) return Status.Success;
        var newVolumes = new Dictionary<string, string>(incoming.Volumes, StringComparer.Ordinal); // this node's copy: shared volumes are taken out

        var attached = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var existing in cluster.PodsOn(node.Name))
        {
            if (existing.Key == pod.Key) continue;
            if (AttachableVolumes(cluster, existing, newPod: false, attached) is { } error) return error;
        }

        var attachedCount = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (unique, driver) in attached)
        {
            newVolumes.Remove(unique); // a volume shared with a pod already on the node is attached once
            attachedCount[driver] = attachedCount.GetValueOrDefault(driver) + 1;
        }
        var newCount = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var driver in newVolumes.Values) newCount[driver] = newCount.GetValueOrDefault(driver) + 1;

        foreach (var (driver, count) in newCount)
        {
            if (limits.TryGetValue(driver, out var limit) && attachedCount.GetValueOrDefault(driver) + count > limit) return Exceeded;
        }
        return Status.Success;
    }

    /// <summary>The incoming pod's attachable volumes ("driver/handle" → driver), or the status that rejects it on every node.</summary>
    private static IncomingVolumes NewPodVolumes(State.ClusterState cluster, PodInfo pod)
    {
        var volumes = new Dictionary<string, string>(StringComparer.Ordinal);
        return new IncomingVolumes(AttachableVolumes(cluster, pod, newPod: true, volumes), volumes);
    }

    private sealed record IncomingVolumes(Status? Failure, IReadOnlyDictionary<string, string> Volumes);

    /// <summary>filterAttachableVolumes: the pod's CSI volumes as "driver/handle" → driver, into <paramref name="result"/>.</summary>
    private static Status? AttachableVolumes(State.ClusterState cluster, PodInfo pod, bool newPod, Dictionary<string, string> result)
    {
        foreach (var reference in pod.Claims)
        {
            var claim = cluster.GetClaim(new ObjectKey(pod.Key.Namespace, reference.ClaimName));
            if (claim is null)
            {
                // The new pod cannot run without its claim; an existing pod's missing claim is not counted.
                if (newPod) return Status.Unresolvable(PluginName, Reasons.LookingUpClaim(pod.Key.Namespace, reference.ClaimName));
                continue;
            }
            if (reference.IsEphemeral && claim.ControllerPodUid != pod.Uid)
                return Status.Error(PluginName, Reasons.EphemeralClaimNotOwned(claim.Key.Namespace, claim.Key.Name, pod.Key.Namespace, pod.Key.Name));

            var (driver, handle) = DriverAndHandle(cluster, claim);
            if (string.IsNullOrEmpty(driver) || string.IsNullOrEmpty(handle)) continue;
            result[$"{driver}/{handle}"] = driver;
        }
        return null;
    }

    /// <summary>getCSIDriverInfo: the bound PV's CSI source; without a PV, the StorageClass's provisioner.</summary>
    private static (string? Driver, string? Handle) DriverAndHandle(State.ClusterState cluster, ClaimInfo claim)
    {
        if (claim.VolumeName.Length > 0 && cluster.Volumes.Get(claim.VolumeName) is { } volume)
            return (volume.CsiDriver, volume.CsiVolumeHandle);
        // getCSIDriverInfoFromSC: no class (immediate binding, bound before scheduling) or an unknown class is not counted.
        if (claim.StorageClassName.Length == 0 || cluster.GetStorageClass(claim.StorageClassName) is not { } storageClass) return (null, null);
        return (storageClass.Provisioner, $"{PlaceholderPrefix}{claim.Key.Namespace}/{claim.Key.Name}");
    }
}
