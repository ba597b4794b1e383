using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.State;

namespace VolumeAwareScheduler.Core.Scheduling;

/// <summary>
/// The ReadWriteOncePod part of the VolumeRestrictions plugin (pkg/scheduler/framework/plugins/volumerestrictions/
/// volume_restrictions.go PreFilter): a claim with the ReadWriteOncePod access mode that another scheduled pod already
/// uses makes the pod unschedulable on every node until that pod goes away.
/// </summary>
public static class VolumeRestrictions
{
    public const string PluginName = "VolumeRestrictions";

    public static Status PreFilter(ClusterState state, PodInfo pod)
    {
        List<string>? exclusive = null;
        foreach (var reference in pod.Claims)
        {
            var claim = state.GetClaim(new ObjectKey(pod.Key.Namespace, reference.ClaimName));
            if (claim is not null && claim.AccessModes.HasFlag(AccessModes.ReadWriteOncePod)) (exclusive ??= []).Add(reference.ClaimName);
        }
        if (exclusive is null) return Status.Success;
        foreach (var other in state.Pods)
        {
            if (other.Key == pod.Key || other.NodeName.Length == 0 || other.Key.Namespace != pod.Key.Namespace) continue;
            foreach (var reference in other.Claims)
            {
                if (exclusive.Contains(reference.ClaimName)) return Status.Unresolvable(PluginName, Reasons.ReadWriteOncePodConflict);
            }
        }
        return Status.Success;
    }
}
