using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// Mirrors the ReadWriteOncePod part of pkg/scheduler/framework/plugins/volumerestrictions/volume_restrictions.go.
/// PreFilter reads the pod's persistentVolumeClaim volumes (a missing claim is UnschedulableAndUnresolvable), counts
/// the scheduled pods that already use one of its ReadWriteOncePod claims, and answers Skip when there is nothing to
/// check. Filter then rejects every node as Unschedulable while such a pod exists (so preemption may act). The
/// in-tree disk conflicts (GCE PD, AWS EBS, RBD, iSCSI) concern volume sources this scheduler does not model.
/// </summary>
public sealed class VolumeRestrictions : IPreFilterPlugin, IFilterPlugin
{
    public const string PluginName = "VolumeRestrictions";

    private static readonly Status Conflict = Status.Unschedulable(PluginName, Reasons.ReadWriteOncePodConflict);

    public string Name => PluginName;

    public Status PreFilter(CycleState state, PodInfo pod, out PreFilterResult? result)
    {
        result = null;
        List<string>? exclusive = null;
        foreach (var reference in pod.Claims)
        {
            if (reference.IsEphemeral) continue; // readWriteOncePodPVCsForPod reads persistentVolumeClaim volumes only
            var claim = state.Cluster.GetClaim(new ObjectKey(pod.Key.Namespace, reference.ClaimName));
            if (claim is null) return Status.Unresolvable(PluginName, Reasons.ClaimNotFound(reference.ClaimName));
            if (claim.AccessModes.HasFlag(AccessModes.ReadWriteOncePod)) (exclusive ??= []).Add(reference.ClaimName);
        }
        if (exclusive is null) return Status.Skip(PluginName);
        // calPreFilterState: each ReadWriteOncePod claim some scheduled pod (assumed ones included) already uses; the
        // node's PVC reference counts come from persistentVolumeClaim volumes only (framework/types.go).
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var other in state.Cluster.Pods)
        {
            if (other.Key == pod.Key || other.NodeName.Length == 0 || other.Key.Namespace != pod.Key.Namespace) continue;
            foreach (var reference in other.Claims)
            {
                if (!reference.IsEphemeral && exclusive.Contains(reference.ClaimName)) used.Add(reference.ClaimName);
            }
        }
        var conflicting = used.Count;
        if (conflicting == 0) return Status.Skip(PluginName);
        state.Write(PluginName, new ConflictCount(conflicting));
        return Status.Success;
    }

    /// <summary>satisfyReadWriteOncePod: the conflict is the same on every node.</summary>
    public Status Filter(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex) =>
        state.Read<ConflictCount>(PluginName) is { Count: > 0 } ? Conflict : Status.Success;

    private sealed record ConflictCount(int Count);
}
