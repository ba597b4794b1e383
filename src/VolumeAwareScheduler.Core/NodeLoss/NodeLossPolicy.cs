using System.Collections.Immutable;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.State;

namespace VolumeAwareScheduler.Core.NodeLoss;

/// <summary>
/// The node-loss policy: which claims to release (delete) when the node their local PV is pinned to has been deleted
/// and stays gone, so that the StatefulSet controller creates each claim again and the pending pod is scheduled onto a
/// new PV on another node (kubernetes/kubernetes#100485, #78756). Pure: the caller gives the state, when it first saw
/// each node missing, and the clock.
/// <para>
/// After sig-storage-local-static-provisioner's node cleanup controller (pkg/node-cleanup/controller/controller.go,
/// pkg/common/common.go): a PV whose class opted in, pinned by <c>kubernetes.io/hostname</c> to exactly one node
/// (NodeAttachedToLocalPV), whose node does not exist, whose claimRef names a claim that names the PV back with the same
/// uid (the bond is intact), is released once the node has been gone for the grace period, by deleting the claim with
/// its uid as precondition. Narrower than upstream, on purpose:
/// </para>
/// <list type="bullet">
/// <item>a node "exists" when a node has that name or that <c>kubernetes.io/hostname</c> label (a hostname label may
/// differ from the node name); a node that exists is never acted on, Ready or not;</item>
/// <item>a PV whose affinity allows other nodes too (a term without a hostname, several hostnames) is not acted on: a
/// pod may still run with it elsewhere;</item>
/// <item>a claim is released only when every pod that uses it is pending (no node, not terminating) and controlled by a
/// StatefulSet whose volumeClaimTemplates made the claim (<c>&lt;template&gt;-&lt;pod&gt;</c>), so that the StatefulSet
/// controller creates it again for the pending pod (stateful_set_control.go: createMissingPersistentVolumeClaims for a
/// pending replica). A claim no pod waits for, or that nothing would create again, is left for the operator;</item>
/// <item>PVs are never deleted: a released PV keeps the record of which disk held the data (Released, for its reclaim
/// policy and the operator).</item>
/// </list>
/// </summary>
public static class NodeLossPolicy
{
    /// <summary>The StorageClass annotation that opts the class in; its value must be "true".</summary>
    public const string Annotation = "volume-aware-scheduler.io/release-claims-on-node-loss";

    public const string HostnameLabel = "kubernetes.io/hostname";

    /// <summary>
    /// The verdict for every claim bound to a PV of an opted-in class pinned to a missing node.
    /// </summary>
    /// <param name="missingSince">When the caller first saw each node missing; a node it has not seen missing yet is missing since <paramref name="now"/>.</param>
    /// <param name="gracePeriod">How long a node must stay missing before its claims are released; not negative.</param>
    public static NodeLossPlan Plan(ClusterState state, IReadOnlyDictionary<string, DateTimeOffset> missingSince, DateTimeOffset now, TimeSpan gracePeriod)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(gracePeriod, TimeSpan.Zero);
        var classes = state.StorageClasses.Where(c => c.ReleasesClaimsOnNodeLoss).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        if (classes.Count == 0) return NodeLossPlan.Empty;

        HashSet<string>? present = null;
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        var bound = new List<(ClaimInfo Claim, VolumeInfo Volume, string Node)>();
        foreach (var name in state.Volumes.Names)
        {
            if (state.Volumes.Get(name) is not { } volume || !classes.Contains(volume.StorageClassName)) continue;
            if (PinnedNode(volume) is not { } node) continue;
            present ??= PresentNodes(state);
            if (present.Contains(node)) continue;
            missing.Add(node);
            if (volume.IsDeleting || volume.ClaimRef is not { } reference) continue;
            if (state.GetClaim(reference.Key) is not { } claim || claim.IsDeleting) continue;
            // The bond must be intact both ways, as upstream's syncHandler checks before it deletes.
            if (claim.VolumeName != volume.Name || (reference.Uid.Length > 0 && reference.Uid != claim.Uid)) continue;
            bound.Add((claim, volume, node));
        }
        if (bound.Count == 0) return new NodeLossPlan([.. missing], []);

        var users = ClaimUsers(state, bound.Select(b => b.Claim.Key).ToHashSet());
        var claims = new List<ClaimOnLostNode>(bound.Count);
        foreach (var (claim, volume, node) in bound)
        {
            var pods = users.GetValueOrDefault(claim.Key) ?? [];
            var since = missingSince.TryGetValue(node, out var seen) && seen <= now ? seen : now;
            var releaseAt = since + gracePeriod;
            claims.Add(new ClaimOnLostNode
            {
                Claim = claim,
                Volume = volume,
                NodeName = node,
                Pods = [.. pods.Select(p => p.Key).Order()],
                MissingSince = since,
                ReleaseAt = releaseAt,
                Verdict = VerdictFor(claim, pods, now >= releaseAt),
            });
        }
        claims.Sort((a, b) => a.Claim.Key.CompareTo(b.Claim.Key));
        return new NodeLossPlan([.. missing], claims);
    }

    private static NodeLossVerdict VerdictFor(ClaimInfo claim, List<PodInfo> pods, bool gracePassed)
    {
        if (pods.Count == 0 || pods.Exists(p => p.NodeName.Length > 0 || p.IsDeleting)) return NodeLossVerdict.NoPendingPod;
        if (claim.ControllerPodUid.Length > 0 || !pods.TrueForAll(p => IsStatefulSetClaim(p, claim))) return NodeLossVerdict.NotRecreatable;
        return gracePassed ? NodeLossVerdict.Release : NodeLossVerdict.WaitForGracePeriod;
    }

    /// <summary>The pod is a StatefulSet's and the claim is one of its volumeClaimTemplates' (getPersistentVolumeClaimName: template-set-ordinal).</summary>
    private static bool IsStatefulSetClaim(PodInfo pod, ClaimInfo claim) =>
        pod.Controller is { Kind: "StatefulSet" } owner
        && owner.ApiVersion.StartsWith("apps/", StringComparison.Ordinal)
        && claim.Key.Name.EndsWith("-" + pod.Key.Name, StringComparison.Ordinal)
        && claim.Key.Name.Length > pod.Key.Name.Length + 1
        && pod.Claims.Any(c => !c.IsEphemeral && c.ClaimName == claim.Key.Name);

    /// <summary>
    /// The one node a PV is pinned to by <c>kubernetes.io/hostname</c>, as GetLocalPersistentVolumeNodeNames reads
    /// it (values of the hostname <c>In</c> expressions, intersected within a term, joined across terms), or null when
    /// it has no required affinity, a term that does not constrain the hostname (it allows other nodes), or names
    /// other than exactly one.
    /// </summary>
    public static string? PinnedNode(VolumeInfo volume)
    {
        if (volume.NodeAffinity is not { } affinity || affinity.Terms.IsDefaultOrEmpty) return null;
        string? pinned = null;
        foreach (var term in affinity.Terms)
        {
            HashSet<string>? names = null;
            foreach (var expression in term.MatchExpressions)
            {
                if (expression.Key != HostnameLabel || expression.Operator != SelectorOperator.In) continue;
                if (names is null) names = new HashSet<string>(expression.Values, StringComparer.Ordinal);
                else names.IntersectWith(expression.Values);
            }
            if (names is null) return null; // this term allows nodes of any hostname
            foreach (var name in names)
            {
                if (pinned is not null && pinned != name) return null;
                pinned = name;
            }
        }
        return pinned;
    }

    /// <summary>Every node name and every kubernetes.io/hostname label value: a PV pinned to either has its node.</summary>
    private static HashSet<string> PresentNodes(ClusterState state)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in state.Nodes)
        {
            present.Add(node.Name);
            if (node.Labels.TryGetValue(HostnameLabel, out var hostname)) present.Add(hostname);
        }
        return present;
    }

    private static Dictionary<ObjectKey, List<PodInfo>> ClaimUsers(ClusterState state, HashSet<ObjectKey> claims)
    {
        var users = new Dictionary<ObjectKey, List<PodInfo>>();
        foreach (var pod in state.Pods)
        {
            foreach (var reference in pod.Claims)
            {
                var key = new ObjectKey(pod.Key.Namespace, reference.ClaimName);
                if (!claims.Contains(key)) continue;
                if (!users.TryGetValue(key, out var list)) users[key] = list = [];
                if (!list.Contains(pod)) list.Add(pod);
            }
        }
        return users;
    }
}
