using System.Buffers;
using System.Collections.Concurrent;
using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.State;

namespace VolumeAwareScheduler.Extender;

/// <summary>One node's verdict in an extender call: its VolumeBinding status and the volumes it would get.</summary>
public readonly record struct NodeVerdict(string Name, Status Status, PodVolumes? Volumes);

/// <summary>
/// The extender's filter decision: pass-through (pod without claims), or a verdict per node, in a pooled array that
/// <see cref="Dispose"/> returns (a filter over 5,000 nodes allocates no verdict objects).
/// </summary>
public sealed class FilterDecision : IDisposable
{
    private NodeVerdict[]? _verdicts;

    public FilterDecision(bool passThrough, NodeVerdict[] verdicts, int count, bool pooled)
    {
        PassThrough = passThrough;
        _verdicts = verdicts;
        Count = count;
        Pooled = pooled;
        for (var i = 0; i < count; i++)
        {
            if (verdicts[i].Status.Code != StatusCode.Error) continue;
            Error = verdicts[i].Status.Message;
            break;
        }
    }

    public bool PassThrough { get; }

    public int Count { get; }

    private bool Pooled { get; }

    /// <summary>The verdicts, in the order of the names asked about.</summary>
    public ReadOnlySpan<NodeVerdict> Verdicts => _verdicts.AsSpan(0, Count);

    public IReadOnlyList<NodeVerdict> Nodes => new ArraySegment<NodeVerdict>(_verdicts ?? [], 0, Count);

    /// <summary>The first node error (a Status with code Error), which makes the whole call a scheduling error.</summary>
    public string? Error { get; }

    public void Dispose()
    {
        if (Pooled && _verdicts is { } verdicts) ArrayPool<NodeVerdict>.Shared.Return(verdicts, clearArray: true);
        _verdicts = null;
    }
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
    private const int MaxSharedRejections = 256;

    private static readonly Status UnknownNode = Status.Unresolvable(VolumeBinder.PluginName, UnknownNodeReason);

    /// <summary>Rejections by their reasons: most nodes of a cycle are rejected the same way, so they share one Status.</summary>
    private static readonly ConcurrentDictionary<string, Status> SharedRejections = new(StringComparer.Ordinal);

    /// <summary>Filter over the given nodes. A pod without claims passes through untouched: no index look-up at all.</summary>
    /// <param name="parallel">Spread the nodes over the cores (above a few hundred nodes); false when other requests keep them busy.</param>
    public static FilterDecision Filter(ClusterState state, PodScheduler scheduler, PodInfo pod, IReadOnlyList<string> nodeNames, bool parallel = true)
    {
        var (preFilter, claims) = scheduler.Binder.GetPodVolumeClaims(pod);
        if (preFilter.Code == StatusCode.Skip) return new FilterDecision(true, [], 0, pooled: false);
        var count = nodeNames.Count;
        var verdicts = ArrayPool<NodeVerdict>.Shared.Rent(Math.Max(1, count));
        if (!preFilter.IsSuccess)
        {
            // A PreFilter rejection (missing, lost or unowned claim; unbound immediate claim) holds for every node.
            for (var i = 0; i < count; i++) verdicts[i] = new NodeVerdict(nodeNames[i], preFilter, null);
            return new FilterDecision(false, verdicts, count, pooled: true);
        }
        var binder = scheduler.Binder;
        var (known, positions) = Resolve(state, nodeNames);
        try
        {
            // Each delayed claim's best PV on every known node, from one all-nodes index query per claim; the per-node
            // pass below then only reads it (FindPodVolumes with matches answers as FindPodVolumes alone would).
            var matches = claims.HasClaims && known.Length > 0 ? binder.PrepareMatches(claims, known) : null;
            if (parallel && count >= ParallelThreshold)
            {
                // Ranges rather than single nodes: one delegate call per chunk, not per node.
                Parallel.ForEach(Partitioner.Create(0, count, Math.Max(ParallelThreshold / 2, count / (Environment.ProcessorCount * 4))), range =>
                {
                    for (var i = range.Item1; i < range.Item2; i++) verdicts[i] = FilterKnownNode(binder, claims, nodeNames[i], known, positions[i], matches);
                });
            }
            else
            {
                for (var i = 0; i < count; i++) verdicts[i] = FilterKnownNode(binder, claims, nodeNames[i], known, positions[i], matches);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(positions);
        }
        return new FilterDecision(false, verdicts, count, pooled: true);
    }

    /// <summary>
    /// The named nodes our state knows, in order, and for each name its position among them (-1: unknown). The array
    /// of the previous request is reused when it holds the same nodes (kube-scheduler sends the same candidates again
    /// and again): the index keeps a laid-out copy of a node list it sees twice, and nothing is allocated.
    /// </summary>
    private static (NodeInfo[] Known, int[] Positions) Resolve(ClusterState state, IReadOnlyList<string> nodeNames)
    {
        var count = nodeNames.Count;
        var positions = ArrayPool<int>.Shared.Rent(Math.Max(1, count));
        var scratch = ArrayPool<NodeInfo>.Shared.Rent(Math.Max(1, count));
        try
        {
            var known = 0;
            for (var i = 0; i < count; i++)
            {
                if (state.GetNode(nodeNames[i]) is { } node)
                {
                    positions[i] = known;
                    scratch[known++] = node;
                }
                else
                {
                    positions[i] = -1;
                }
            }
            var last = s_lastResolved;
            if (last.Length == known && scratch.AsSpan(0, known).SequenceEqual(last, ReferenceEqualityComparer.Instance)) return (last, positions);
            var resolved = scratch.AsSpan(0, known).ToArray();
            s_lastResolved = resolved;
            return (resolved, positions);
        }
        finally
        {
            ArrayPool<NodeInfo>.Shared.Return(scratch, clearArray: true);
        }
    }

    private static volatile NodeInfo[] s_lastResolved = [];

    private static NodeVerdict FilterKnownNode(VolumeBinder binder, PodVolumeClaims claims, string nodeName, NodeInfo[] known, int position, ClaimMatches? matches)
    {
        if (position < 0) return new NodeVerdict(nodeName, UnknownNode, null);
        if (!claims.HasClaims) return new NodeVerdict(nodeName, Status.Success, PodVolumes.Empty);
        return Verdict(nodeName, binder.FindPodVolumes(claims, known[position], matches, position));
    }

    /// <summary>VolumeBinding's Filter for one node (volume_binding.go Filter: FindPodVolumes → ConflictReasons).</summary>
    public static NodeVerdict FilterNode(ClusterState state, VolumeBinder binder, PodVolumeClaims claims, string nodeName)
    {
        if (state.GetNode(nodeName) is not { } node) return new NodeVerdict(nodeName, UnknownNode, null);
        if (!claims.HasClaims) return new NodeVerdict(nodeName, Status.Success, PodVolumes.Empty);
        return Verdict(nodeName, binder.FindPodVolumes(claims, node));
    }

    private static NodeVerdict Verdict(string nodeName, FindResult found)
    {
        if (found.Error is not null) return new NodeVerdict(nodeName, Status.Error(VolumeBinder.PluginName, found.Error), null);
        if (!found.IsFeasible) return new NodeVerdict(nodeName, Rejection(found.Reasons), null);
        return new NodeVerdict(nodeName, Status.Success, found.Volumes);
    }

    /// <summary>The UnschedulableAndUnresolvable status for these reasons, shared between nodes and requests.</summary>
    private static Status Rejection(IReadOnlyList<string> reasons)
    {
        var key = reasons.Count == 1 ? reasons[0] : string.Join('\n', reasons);
        if (SharedRejections.TryGetValue(key, out var shared)) return shared;
        var status = new Status(StatusCode.UnschedulableAndUnresolvable, [.. reasons], VolumeBinder.PluginName);
        return SharedRejections.Count < MaxSharedRejections ? SharedRejections.GetOrAdd(key, status) : status;
    }

    /// <summary>
    /// Prioritize: Core's scoring (<see cref="PodScheduler.Score"/>, 0–10) over the given nodes the filter would pass;
    /// 0 for the others. A pod without claims gets 0 everywhere: the only thing left to rank would be requested cpu and
    /// memory, which kube-scheduler's NodeResourcesFit already scores, and counting it twice would skew its choice.
    /// </summary>
    /// <param name="parallel">As for <see cref="Filter"/>: the per-node filtering is spread over the cores.</param>
    public static List<HostPriority> Prioritize(ClusterState state, PodScheduler scheduler, PodInfo pod, IReadOnlyList<string> nodeNames, bool parallel = true)
    {
        var scores = new List<HostPriority>(nodeNames.Count);
        var (preFilter, _) = scheduler.Binder.GetPodVolumeClaims(pod);
        if (!preFilter.IsSuccess)
        {
            foreach (var name in nodeNames) scores.Add(new HostPriority { Host = name, Score = 0 });
            return scores;
        }
        var outcomes = new List<NodeOutcome>(nodeNames.Count);
        using (var decision = Filter(state, scheduler, pod, nodeNames, parallel))
        {
            foreach (var verdict in decision.Verdicts)
            {
                if (verdict.Status.IsSuccess) outcomes.Add(new NodeOutcome(state.GetNode(verdict.Name)!, verdict.Status, verdict.Volumes));
            }
        }
        var array = outcomes.ToArray();
        scheduler.Score(pod, array);
        // A name given twice (kube-scheduler does not, but the wire allows it) has the same score both times.
        var byName = new Dictionary<string, int>(array.Length, StringComparer.Ordinal);
        foreach (var outcome in array) byName[outcome.Node.Name] = outcome.Score;
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
