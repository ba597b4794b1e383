using VolumeAwareScheduler.Core.Matching;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.State;

namespace VolumeAwareScheduler.Core.Invariants;

/// <summary>
/// Checks a cluster state against the properties volume binding must never break, whoever binds (the extender, the
/// standalone scheduler, the simulator). Pure: the caller builds the state (from a dump, a live list, or its own
/// store) and reads it under whatever lock it needs. The answer is sorted, one sentence per violation.
/// <para>
/// What "bound" and "prebound" mean follows the PV controller (pkg/controller/volume/persistentvolume/pv_controller.go)
/// and our binder (Kubernetes/Writers/ApiWriter.cs, which writes as GetBindVolumeToClaim in volumebinding/binder.go does):
/// </para>
/// <list type="bullet">
/// <item>A claim is bound when it names its PV in spec.volumeName and either carries pv.kubernetes.io/bind-completed
/// (isPVCFullyBound) or says phase Bound (dumps written by hand often carry only the phase).</item>
/// <item>The PV controller's syncBoundClaim keeps a bound claim Bound only while its PV exists and the PV's claimRef
/// carries the claim's uid; otherwise the claim is Lost ("Two claims are bound to the same volume, this one is bound
/// incorrectly"). Hence <see cref="Invariant.VolumeClaimedTwice"/> and <see cref="Invariant.BoundClaimPointsBack"/>
/// (the uid is compared when the claim has one: hand-written dumps may have none).</item>
/// <item>Our binder's PreBind sets a PV's claimRef, with the claim's uid, and waits for the PV controller to finish
/// (claim volumeName and bind-completed) before it binds the pod. A PV whose claimRef names a claim not yet bound to it
/// is prebound. If the pod binding then fails, nothing reverts the claimRef (upstream's Unreserve reverts only the
/// cache): the PV controller still completes the binding and the claim stays pinned to the PV's node. A prebinding is
/// stale when its claim is gone (a different uid is a re-created claim), when the claim is bound to another PV, when no
/// pod uses the claim any more, or when a pod using it runs on a node the PV's affinity excludes. A binder's claimRef
/// carries the claim's uid and pv.kubernetes.io/bound-by-controller (<see cref="VolumeInfo.BoundByController"/>);
/// anything else is a user's pre-binding (kubectl, a manifest), which may legitimately wait for a claim or a pod that
/// does not exist yet, or name a claim that got another PV (the PV controller then only clears its uid): only its pod
/// placement is checked. PVs Released or Failed are the controller's to reclaim and are not checked.</item>
/// </list>
/// </summary>
public static class InvariantChecker
{
    public static IReadOnlyList<InvariantViolation> Check(ClusterState state)
    {
        var violations = new List<InvariantViolation>();
        var volumes = state.Volumes.Names.Select(state.Volumes.Get).OfType<VolumeInfo>().ToList();
        var users = ClaimUsers(state);
        CheckVolumesClaimedTwice(state, violations);
        CheckBoundClaims(state, violations);
        CheckPods(state, violations);
        CheckSelectedNodes(state, violations);
        foreach (var volume in volumes) CheckPrebinding(state, volume, users, violations);
        violations.Sort((a, b) => a.Invariant != b.Invariant ? a.Invariant.CompareTo(b.Invariant) : string.CompareOrdinal(a.Message, b.Message));
        return violations;
    }

    /// <summary>Bound as the PV controller reads a claim: spec.volumeName set, and bind-completed or phase Bound.</summary>
    public static bool IsBound(ClaimInfo claim) => claim.VolumeName.Length > 0 && (claim.BindCompleted || claim.Phase == ClaimPhase.Bound);

    private static void CheckVolumesClaimedTwice(ClusterState state, List<InvariantViolation> violations)
    {
        foreach (var group in state.Claims.Where(IsBound).GroupBy(c => c.VolumeName, StringComparer.Ordinal))
        {
            var claims = group.Select(c => c.Key).Order().ToList();
            if (claims.Count < 2) continue;
            violations.Add(new(Invariant.VolumeClaimedTwice,
                $"PersistentVolume {group.Key} is bound to {claims.Count} claims: {string.Join(", ", claims)}."));
        }
    }

    private static void CheckBoundClaims(ClusterState state, List<InvariantViolation> violations)
    {
        foreach (var claim in state.Claims.Where(IsBound))
        {
            var volume = state.Volumes.Get(claim.VolumeName);
            var problem = volume switch
            {
                null => "which does not exist",
                { ClaimRef: null } => "whose claimRef is empty",
                { ClaimRef: { } r } when r.Key != claim.Key => $"whose claimRef names {r.Key}",
                { ClaimRef: { } r } when claim.Uid.Length > 0 && r.Uid != claim.Uid =>
                    $"whose claimRef names it with uid \"{r.Uid}\", not the claim's uid \"{claim.Uid}\"",
                _ => null,
            };
            if (problem is not null)
                violations.Add(new(Invariant.BoundClaimPointsBack, $"Claim {claim.Key} is bound to PersistentVolume {claim.VolumeName}, {problem}."));
        }
    }

    private static void CheckPods(ClusterState state, List<InvariantViolation> violations)
    {
        foreach (var pod in state.Pods)
        {
            if (pod.NodeName.Length == 0 || state.GetNode(pod.NodeName) is not { } node) continue;
            foreach (var reference in pod.Claims)
            {
                if (state.GetClaim(new ObjectKey(pod.Key.Namespace, reference.ClaimName)) is not { } claim || !IsBound(claim)) continue;
                if (state.Volumes.Get(claim.VolumeName) is not { } volume || SelectorMatching.VolumeFitsNode(volume, node)) continue;
                violations.Add(new(Invariant.PodOutsideVolumeAffinity,
                    $"Pod {pod.Key} runs on node {node.Name}, outside the node affinity of PersistentVolume {volume.Name} bound to its claim {claim.Key}."));
            }
        }
    }

    private static void CheckSelectedNodes(ClusterState state, List<InvariantViolation> violations)
    {
        // On a bound claim the annotation is history (nothing removes it after provisioning), so only unbound claims
        // count: they wait for a provisioner that will never see the node.
        foreach (var claim in state.Claims)
        {
            if (IsBound(claim) || claim.IsDeleting || claim.SelectedNode is not { } selected || state.GetNode(selected) is not null) continue;
            violations.Add(new(Invariant.SelectedNodeMissing,
                $"Claim {claim.Key} waits for provisioning on node \"{selected}\" (volume.kubernetes.io/selected-node), which does not exist."));
        }
    }

    private static void CheckPrebinding(ClusterState state, VolumeInfo volume, Dictionary<ObjectKey, List<PodInfo>> users, List<InvariantViolation> violations)
    {
        if (volume.ClaimRef is not { } reference || volume.Phase is VolumePhase.Released or VolumePhase.Failed) return;
        var claim = state.GetClaim(reference.Key);
        if (claim is not null && IsBound(claim) && claim.VolumeName == volume.Name) return; // bound: the checks above apply
        var byBinder = reference.Uid.Length > 0 && volume.BoundByController;
        void Add(string message) => violations.Add(new(Invariant.StalePrebinding, message));
        if (claim is null || (reference.Uid.Length > 0 && claim.Uid.Length > 0 && claim.Uid != reference.Uid))
        {
            if (byBinder && volume.Phase != VolumePhase.Bound)
                Add($"PersistentVolume {volume.Name} is prebound to claim {reference.Key} (uid \"{reference.Uid}\"), which is gone.");
            return;
        }
        if (IsBound(claim))
        {
            if (byBinder) Add($"PersistentVolume {volume.Name} is prebound to claim {claim.Key}, which is bound to PersistentVolume {claim.VolumeName}.");
            return;
        }
        var pods = users.GetValueOrDefault(claim.Key) ?? [];
        if (byBinder && pods.Count == 0)
        {
            Add($"PersistentVolume {volume.Name} is prebound to claim {claim.Key}, which no pod uses any more.");
            return;
        }
        foreach (var pod in pods)
        {
            if (pod.NodeName.Length == 0 || state.GetNode(pod.NodeName) is not { } node || SelectorMatching.VolumeFitsNode(volume, node)) continue;
            Add($"PersistentVolume {volume.Name} is prebound to claim {claim.Key}, but pod {pod.Key} using it was placed on node {node.Name}, outside the PV's node affinity.");
        }
    }

    /// <summary>The pods (not being deleted) that use each claim, by claim.</summary>
    private static Dictionary<ObjectKey, List<PodInfo>> ClaimUsers(ClusterState state)
    {
        var users = new Dictionary<ObjectKey, List<PodInfo>>();
        foreach (var pod in state.Pods)
        {
            if (pod.IsDeleting) continue;
            foreach (var reference in pod.Claims)
            {
                var key = new ObjectKey(pod.Key.Namespace, reference.ClaimName);
                if (!users.TryGetValue(key, out var list)) users[key] = list = [];
                list.Add(pod);
            }
        }
        foreach (var list in users.Values) list.Sort((a, b) => a.Key.CompareTo(b.Key));
        return users;
    }
}
