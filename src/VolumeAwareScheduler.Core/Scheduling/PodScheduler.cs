using System.Collections.Immutable;
using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.State;

namespace VolumeAwareScheduler.Core.Scheduling;

/// <summary>
/// One scheduling cycle for one pod, without side effects: PreFilter, Filter on every node (in parallel when
/// there are many), Score, and the choice of a node. Reserve and bind are the caller's (see <see cref="AssumeLedger"/>).
/// </summary>
public sealed class PodScheduler(ClusterState state)
{
    private const int ParallelThreshold = 256;
    public const int MaxExtenderScore = 10;

    private readonly VolumeBinder _binder = new(state);

    public VolumeBinder Binder => _binder;

    /// <summary>Schedules the pod over all nodes, or over the named ones (the extender's candidate list).</summary>
    public SchedulingResult Schedule(PodInfo pod, IReadOnlyList<NodeInfo>? candidates = null)
    {
        var nodes = candidates ?? state.Nodes;
        if (nodes.Count == 0)
        {
            // schedule_one.go schedulePod: ErrNoNodesAvailable
            return new SchedulingResult(pod, 0, Status.Success, [], null, Reasons.NoNodesAvailable);
        }
        // PreFilter in kube-scheduler's order: VolumeRestrictions runs before VolumeBinding.
        var restrictions = VolumeRestrictions.PreFilter(state, pod);
        var (preFilter, claims) = _binder.GetPodVolumeClaims(pod);
        if (restrictions.PreFilter.Code is not (StatusCode.Success or StatusCode.Skip)) preFilter = restrictions.PreFilter;
        if (preFilter.Code is not (StatusCode.Success or StatusCode.Skip))
        {
            var rejected = nodes.Select(n => new NodeOutcome(n, preFilter, null)).ToArray();
            return new SchedulingResult(pod, nodes.Count, preFilter, rejected, null, FitMessage(nodes.Count, preFilter, rejected));
        }

        // Each unbound delayed claim's best PV on every node, from one all-nodes index query per claim; Filter reads it.
        var matches = _binder.PrepareMatches(claims, nodes);
        var outcomes = new NodeOutcome[nodes.Count];
        if (nodes.Count >= ParallelThreshold)
        {
            Parallel.For(0, nodes.Count, i => outcomes[i] = Filter(pod, claims, nodes[i], matches, i, restrictions));
        }
        else
        {
            for (var i = 0; i < nodes.Count; i++) outcomes[i] = Filter(pod, claims, nodes[i], matches, i, restrictions);
        }

        Score(pod, outcomes);
        NodeOutcome? selected = null;
        foreach (var outcome in outcomes)
        {
            if (!outcome.Status.IsSuccess) continue;
            if (selected is null || CompareForSelection(outcome, selected) < 0) selected = outcome;
        }
        var message = selected is null ? FitMessage(nodes.Count, preFilter, outcomes) : null;
        return new SchedulingResult(pod, nodes.Count, preFilter, outcomes, selected, message);
    }

    /// <summary>The filter plugins in kube-scheduler's order; the first that fails decides the node's status.</summary>
    public NodeOutcome Filter(PodInfo pod, PodVolumeClaims claims, NodeInfo node) => Filter(pod, claims, node, matches: null, nodeIndex: -1);

    /// <summary>
    /// <see cref="Filter(PodInfo, PodVolumeClaims, NodeInfo)"/> for the node at <paramref name="nodeIndex"/> of a cycle
    /// whose claims' best PVs were computed for all nodes at once (<see cref="VolumeBinder.PrepareMatches"/>).
    /// </summary>
    /// <param name="restrictions">The cycle's VolumeRestrictions PreFilter state; computed here when not given.</param>
    public NodeOutcome Filter(PodInfo pod, PodVolumeClaims claims, NodeInfo node, ClaimMatches? matches, int nodeIndex,
        VolumeRestrictionsState? restrictions = null)
    {
        var status = NodePredicates.NodeUnschedulable(pod, node);
        if (status.IsSuccess) status = NodePredicates.NodeName(pod, node);
        if (status.IsSuccess) status = NodePredicates.TaintToleration(pod, node);
        if (status.IsSuccess) status = NodePredicates.NodeAffinity(pod, node);
        if (status.IsSuccess) status = NodePredicates.NodeResourcesFit(pod, node, state.RequestedOn(node.Name));
        if (status.IsSuccess) status = (restrictions ?? VolumeRestrictions.PreFilter(state, pod)).Filter();
        if (!status.IsSuccess) return new NodeOutcome(node, status, null);
        if (!claims.HasClaims) return new NodeOutcome(node, Status.Success, PodVolumes.Empty);

        var found = _binder.FindPodVolumes(claims, node, matches, nodeIndex);
        if (found.Error is not null) return new NodeOutcome(node, Status.Error(VolumeBinder.PluginName, found.Error), null);
        if (!found.IsFeasible) return new NodeOutcome(node, found.ToRejectedStatus(), null);
        return new NodeOutcome(node, Status.Success, found.Volumes);
    }

    /// <summary>
    /// Scores feasible nodes. The order, documented in the README: (1) least unused capacity of the chosen static PVs
    /// (cluster-wide best fit), (2) most CSIStorageCapacity left for claims to provision, (3) the pod's preferred node
    /// affinity (sum of matching weights), (4) least requested cpu and memory; ties by node name. Scores on the extender's 0–10 scale come from the dense rank in that order.
    /// </summary>
    public void Score(PodInfo pod, NodeOutcome[] outcomes)
    {
        var feasible = new List<NodeOutcome>();
        foreach (var outcome in outcomes)
        {
            if (!outcome.Status.IsSuccess) continue;
            var volumes = outcome.Volumes ?? PodVolumes.Empty;
            long unused = 0;
            foreach (var binding in volumes.StaticBindings) unused += binding.UnusedBytes;
            long provisionCapacity = 0;
            foreach (var claim in volumes.DynamicProvisions)
            {
                var storageClass = state.GetStorageClass(claim.StorageClassName);
                if (storageClass is not null) provisionCapacity += _binder.AvailableCapacity(storageClass, outcome.Node);
            }
            outcome.UnusedBytes = unused;
            outcome.ProvisionCapacityBytes = provisionCapacity;
            outcome.PreferredAffinity = PreferredAffinity(pod, outcome.Node);
            outcome.LeastRequested = LeastRequested(pod, outcome.Node, state.RequestedOn(outcome.Node.Name));
            feasible.Add(outcome);
        }
        if (feasible.Count == 0) return;
        feasible.Sort(CompareByKey);
        var ranks = new int[feasible.Count];
        for (var i = 1; i < feasible.Count; i++) ranks[i] = ranks[i - 1] + (CompareByKey(feasible[i - 1], feasible[i]) == 0 ? 0 : 1);
        var worst = ranks[^1];
        for (var i = 0; i < feasible.Count; i++)
        {
            feasible[i].Score = worst == 0 ? MaxExtenderScore : (int)Math.Round(MaxExtenderScore * (double)(worst - ranks[i]) / worst, MidpointRounding.AwayFromZero);
        }
    }

    /// <summary>
    /// nodeaffinity Score: the sum of the weights of the pod's preferred terms the node matches
    /// (PreferredSchedulingTerms.Score; empty terms and zero weights count for nothing).
    /// </summary>
    public static long PreferredAffinity(PodInfo pod, NodeInfo node)
    {
        long sum = 0;
        foreach (var preferred in pod.PreferredNodeAffinity)
        {
            if (preferred.Weight != 0 && Matching.SelectorMatching.Matches(preferred.Term, node.Labels, node.Name)) sum += preferred.Weight;
        }
        return sum;
    }

    /// <summary>noderesources LeastAllocated over cpu and memory, 0–100, with the pod's own requests added.</summary>
    public static long LeastRequested(PodInfo pod, NodeInfo node, Resources requested)
    {
        static long Part(long allocatable, long used) =>
            allocatable <= 0 || used > allocatable ? 0 : (allocatable - used) * 100 / allocatable;
        var cpu = Part(node.Allocatable.MilliCpu, requested.MilliCpu + pod.Requests.MilliCpu);
        var memory = Part(node.Allocatable.MemoryBytes, requested.MemoryBytes + pod.Requests.MemoryBytes);
        return (cpu + memory) / 2;
    }

    private static int CompareByKey(NodeOutcome a, NodeOutcome b)
    {
        var c = a.UnusedBytes.CompareTo(b.UnusedBytes);
        if (c != 0) return c;
        c = b.ProvisionCapacityBytes.CompareTo(a.ProvisionCapacityBytes);
        if (c != 0) return c;
        c = b.PreferredAffinity.CompareTo(a.PreferredAffinity);
        if (c != 0) return c;
        return b.LeastRequested.CompareTo(a.LeastRequested);
    }

    private static int CompareForSelection(NodeOutcome a, NodeOutcome b)
    {
        var c = CompareByKey(a, b);
        return c != 0 ? c : string.CompareOrdinal(a.Node.Name, b.Node.Name);
    }

    /// <summary>
    /// FitError.Error (framework/types.go): "0/N nodes are available: " then either the PreFilter message or the
    /// histogram of node reasons ("count reason", sorted as strings, joined by ", "), then ".".
    /// </summary>
    public static string FitMessage(int nodeCount, Status preFilter, IReadOnlyList<NodeOutcome> outcomes)
    {
        var head = Reasons.NoNodeAvailable(nodeCount) + ":";
        if (preFilter.Code is not (StatusCode.Success or StatusCode.Skip)) return $"{head} {preFilter.Message}.";
        var histogram = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var outcome in outcomes)
        {
            if (outcome.Status.IsSuccess) continue;
            foreach (var reason in outcome.Status.Reasons) histogram[reason] = histogram.GetValueOrDefault(reason) + 1;
        }
        var parts = histogram.Select(p => $"{p.Value} {p.Key}").ToList();
        parts.Sort(StringComparer.Ordinal);
        return parts.Count == 0 ? head : $"{head} {string.Join(", ", parts)}.";
    }
}

/// <summary>A node's result in one cycle: its filter status, the volumes it would get, and its score.</summary>
public sealed class NodeOutcome(NodeInfo node, Status status, PodVolumes? volumes)
{
    public NodeInfo Node { get; } = node;
    public Status Status { get; } = status;
    public PodVolumes? Volumes { get; } = volumes;
    public long UnusedBytes { get; internal set; }
    public long ProvisionCapacityBytes { get; internal set; }
    public long PreferredAffinity { get; internal set; }
    public long LeastRequested { get; internal set; }
    /// <summary>0–10, set for feasible nodes.</summary>
    public int Score { get; internal set; }
}

public sealed record SchedulingResult(
    PodInfo Pod,
    int NodeCount,
    Status PreFilter,
    IReadOnlyList<NodeOutcome> Nodes,
    NodeOutcome? Selected,
    string? FailureMessage)
{
    /// <summary>
    /// The failed nodes and their reasons, joined by ", " (the extender's FailedNodes form). When PreFilter rejected
    /// the pod every node carries its status, as the framework records it for each node.
    /// </summary>
    public ImmutableSortedDictionary<string, string> FailedNodes =>
        Nodes.Where(n => !n.Status.IsSuccess).ToImmutableSortedDictionary(n => n.Node.Name, n => n.Status.Message, StringComparer.Ordinal);
}
