using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.State;

namespace VolumeAwareScheduler.Extender;

/// <summary>One node's verdict in an extender call: its VolumeBinding status and the volumes it would get.</summary>
public sealed record NodeVerdict(string Name, Status Status, PodVolumes? Volumes);

/// <summary>The extender's filter decision: pass-through (pod without claims), or a verdict per node.</summary>
public sealed record FilterDecision(bool PassThrough, IReadOnlyList<NodeVerdict> Nodes)
{
    /// <summary>The first node error (a Status with code Error), which makes the whole call a scheduling error.</summary>
    public string? Error => Nodes.FirstOrDefault(n => n.Status.Code == StatusCode.Error)?.Status.Message;
}

/// <summary>
/// What the extender decides, as pure functions of the state (called under the store's read lock).
/// <para>
/// Scope, decided deliberately: kube-scheduler calls the extender's filter only with nodes that already passed its
/// own filter plugins (NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodeResourcesFit, …; contract §3.2),
/// and the profile disables only the in-tree VolumeBinding plugin. So the extender applies only what VolumeBinding
/// would: its PreFilter (<see cref="VolumeBinder.GetPodVolumeClaims"/>) and its Filter
/// (<see cref="VolumeBinder.FindPodVolumes"/>) on each given node. Re-running the other predicates here would judge
/// them against our possibly older copy of the cluster and could only disagree with the scheduler.
/// </para>
/// <para>
/// Nodes are looked up by name in our state in both request forms (NodeNames and full Nodes): the state is what the
/// volumes were matched against. A node we do not know is rejected with <see cref="UnknownNodeReason"/>, as
/// UnschedulableAndUnresolvable: deleting pods (preemption) cannot cure it, and kube-scheduler requeues the pod on the
/// next cluster event (kubernetes/kubernetes#122022), by which time our state has caught up.
/// </para>
/// </summary>
public static class VolumeDecisions
{
    public const string UnknownNodeReason = "node(s) unknown to the volume-aware-scheduler extender";

    private const int ParallelThreshold = 256;

    /// <summary>Filter over the given nodes. A pod without claims passes through untouched: no index look-up at all.</summary>
    public static FilterDecision Filter(ClusterState state, PodScheduler scheduler, PodInfo pod, IReadOnlyList<string> nodeNames)
    {
        var (preFilter, claims) = scheduler.Binder.GetPodVolumeClaims(pod);
        if (preFilter.Code == StatusCode.Skip) return new FilterDecision(true, []);
        var verdicts = new NodeVerdict[nodeNames.Count];
        if (!preFilter.IsSuccess)
        {
            // A PreFilter rejection (missing, lost or unowned claim; unbound immediate claim) holds for every node.
            for (var i = 0; i < verdicts.Length; i++) verdicts[i] = new NodeVerdict(nodeNames[i], preFilter, null);
            return new FilterDecision(false, verdicts);
        }
        if (nodeNames.Count >= ParallelThreshold)
        {
            Parallel.For(0, nodeNames.Count, i => verdicts[i] = FilterNode(state, scheduler.Binder, claims, nodeNames[i]));
        }
        else
        {
            for (var i = 0; i < verdicts.Length; i++) verdicts[i] = FilterNode(state, scheduler.Binder, claims, nodeNames[i]);
        }
        return new FilterDecision(false, verdicts);
    }

    /// <summary>VolumeBinding's Filter for one node (volume_binding.go Filter: FindPodVolumes → ConflictReasons).</summary>
    public static NodeVerdict FilterNode(ClusterState state, VolumeBinder binder, PodVolumeClaims claims, string nodeName)
    {
        if (state.GetNode(nodeName) is not { } node) return new NodeVerdict(nodeName, Status.Unresolvable(VolumeBinder.PluginName, UnknownNodeReason), null);
        if (!claims.HasClaims) return new NodeVerdict(nodeName, Status.Success, PodVolumes.Empty);
        var found = binder.FindPodVolumes(claims, node);
        if (found.Error is not null) return new NodeVerdict(nodeName, Status.Error(VolumeBinder.PluginName, found.Error), null);
        if (!found.IsFeasible) return new NodeVerdict(nodeName, new Status(StatusCode.UnschedulableAndUnresolvable, [.. found.Reasons], VolumeBinder.PluginName), null);
        return new NodeVerdict(nodeName, Status.Success, found.Volumes);
    }

    /// <summary>
    /// Prioritize: Core's scoring (<see cref="PodScheduler.Score"/>, 0–10) over the given nodes the filter would pass;
    /// 0 for the others. A pod without claims gets 0 everywhere: the only thing left to rank would be requested cpu and
    /// memory, which kube-scheduler's NodeResourcesFit already scores, and counting it twice would skew its choice.
    /// </summary>
    public static List<HostPriority> Prioritize(ClusterState state, PodScheduler scheduler, PodInfo pod, IReadOnlyList<string> nodeNames)
    {
        var scores = new List<HostPriority>(nodeNames.Count);
        var (preFilter, claims) = scheduler.Binder.GetPodVolumeClaims(pod);
        if (!preFilter.IsSuccess)
        {
            foreach (var name in nodeNames) scores.Add(new HostPriority { Host = name, Score = 0 });
            return scores;
        }
        var outcomes = new List<NodeOutcome>(nodeNames.Count);
        foreach (var name in nodeNames)
        {
            var verdict = FilterNode(state, scheduler.Binder, claims, name);
            if (verdict.Status.IsSuccess) outcomes.Add(new NodeOutcome(state.GetNode(name)!, verdict.Status, verdict.Volumes));
        }
        var array = outcomes.ToArray();
        scheduler.Score(pod, array);
        var byName = array.ToDictionary(o => o.Node.Name, o => o.Score, StringComparer.Ordinal);
        foreach (var name in nodeNames)
        {
            var score = byName.GetValueOrDefault(name);
            scores.Add(new HostPriority { Host = name, Score = Math.Clamp(score, 0, PodScheduler.MaxExtenderScore) });
        }
        return scores;
    }

    /// <summary>
    /// The bind-time decision for one pod on one node: VolumeBinding's PreFilter and Filter again, against the current
    /// state (in which other pods' assumed PVs are already taken). Returns the volumes, or why the node no longer works.
    /// </summary>
    public static (PodVolumes? Volumes, string? Reason) DecideForBind(ClusterState state, PodScheduler scheduler, PodInfo pod, string nodeName)
    {
        var (preFilter, claims) = scheduler.Binder.GetPodVolumeClaims(pod);
        if (preFilter.Code == StatusCode.Skip)
        {
            return state.GetNode(nodeName) is null ? (null, UnknownNodeReason) : (PodVolumes.Empty, null);
        }
        if (!preFilter.IsSuccess) return (null, preFilter.Message);
        var verdict = FilterNode(state, scheduler.Binder, claims, nodeName);
        return verdict.Status.IsSuccess ? (verdict.Volumes ?? PodVolumes.Empty, null) : (null, verdict.Status.Message);
    }

    /// <summary>A bounded metric value for a reason string (never a claim, pod or node name).</summary>
    public static string ReasonCode(string reason) => reason switch
    {
        Reasons.BindConflict => "bind_conflict",
        Reasons.NodeConflict => "node_conflict",
        Reasons.NotEnoughSpace => "not_enough_space",
        Reasons.PVNotExist => "pv_not_exist",
        Reasons.UnboundImmediateClaims => "unbound_immediate",
        UnknownNodeReason => "unknown_node",
        _ => "claim_unusable",
    };
}
