using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.State;

namespace VolumeAwareScheduler.Core.Scheduling;

/// <summary>
/// What the VolumeRestrictions PreFilter computes for the ReadWriteOncePod check: the pod's ReadWriteOncePod claims
/// and how many references scheduled pods hold to them (upstream's preFilterState).
/// </summary>
public sealed record VolumeRestrictionsState(Status PreFilter, IReadOnlySet<string> ReadWriteOncePodClaims, int ConflictingClaimReferences)
{
    private static readonly Status Conflict = Status.Unschedulable(VolumeRestrictions.PluginName, Reasons.ReadWriteOncePodConflict);

    /// <summary>
    /// The Filter verdict, the same for every node (satisfyReadWriteOncePod): Unschedulable, not Unresolvable, because
    /// removing the pod that holds the claim (preemption) cures it.
    /// </summary>
    public Status Filter() => ConflictingClaimReferences > 0 ? Conflict : Status.Success;
}

/// <summary>
/// The ReadWriteOncePod part of the VolumeRestrictions plugin, as in Kubernetes v1.37
/// (pkg/scheduler/framework/plugins/volumerestrictions/volume_restrictions.go): PreFilter finds the pod's
/// persistentVolumeClaim volumes whose claim has the ReadWriteOncePod access mode (a missing claim rejects the pod, as
/// the lister's NotFound error) and counts the scheduled pods that use them (IsPVCUsedByPods); Filter then rejects every
/// node with code Unschedulable while that count is above zero. Generic ephemeral volumes are not
/// persistentVolumeClaim volumes and are not checked, as upstream. The in-tree disk conflicts (GCE PD, EBS, iSCSI, RBD)
/// are out of scope.
/// </summary>
public static class VolumeRestrictions
{
    public const string PluginName = "VolumeRestrictions";

    private static readonly IReadOnlySet<string> NoClaims = new HashSet<string>();
    private static readonly VolumeRestrictionsState Skip = new(new Status(StatusCode.Skip, [], PluginName), NoClaims, 0);

    public static VolumeRestrictionsState PreFilter(ClusterState state, PodInfo pod)
    {
        HashSet<string>? exclusive = null;
        foreach (var reference in pod.Claims)
        {
            if (reference.IsEphemeral) continue;
            var claim = state.GetClaim(new ObjectKey(pod.Key.Namespace, reference.ClaimName));
            if (claim is null)
            {
                return new VolumeRestrictionsState(Status.Unresolvable(PluginName, Reasons.ClaimNotFound(reference.ClaimName)), NoClaims, 0);
            }
            if (claim.AccessModes.HasFlag(AccessModes.ReadWriteOncePod)) (exclusive ??= new HashSet<string>(StringComparer.Ordinal)).Add(claim.Key.Name);
        }
        if (exclusive is null) return Skip;

        // calPreFilterState: each ReadWriteOncePod claim some scheduled pod (assumed ones included) already uses.
        var conflicts = 0;
        foreach (var claimName in exclusive)
        {
            if (IsClaimUsedByScheduledPods(state, pod, claimName)) conflicts++;
        }
        return conflicts == 0 ? Skip : new VolumeRestrictionsState(Status.Success, exclusive, conflicts);
    }

    private static bool IsClaimUsedByScheduledPods(ClusterState state, PodInfo pod, string claimName)
    {
        foreach (var other in state.Pods)
        {
            if (other.Key == pod.Key || other.NodeName.Length == 0 || other.Key.Namespace != pod.Key.Namespace) continue;
            foreach (var reference in other.Claims)
            {
                // NodeInfo's PVC reference counts come from persistentVolumeClaim volumes only (framework/types.go).
                if (!reference.IsEphemeral && reference.ClaimName == claimName) return true;
            }
        }
        return false;
    }
}
