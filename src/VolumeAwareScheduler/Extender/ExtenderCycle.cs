using System.Buffers;
using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;
using VolumeAwareScheduler.Core.State;

namespace VolumeAwareScheduler.Extender;

/// <summary>
/// The extender verbs on the scheduling framework: names in, the framework's answer out. No decision is made here: the
/// extender profile (<see cref="Profiles.Extender"/>, VolumeBinding alone) decides, over the nodes kube-scheduler
/// asked about.
/// <para>
/// Scope, decided deliberately: kube-scheduler calls the extender's filter only with nodes that already passed its
/// own filter plugins (contract §3.2), and its profile disables only the in-tree VolumeBinding plugin; re-running the
/// other plugins here would judge them against our possibly older copy of the cluster and could only disagree.
/// </para>
/// <para>
/// Nodes are looked up by name in our state in both request forms: the state is what the volumes were matched against.
/// A node we do not know is rejected with <see cref="UnknownNodeReason"/>, as UnschedulableAndUnresolvable: deleting
/// pods (preemption) cannot cure it, and kube-scheduler requeues the pod on the next cluster event
/// (kubernetes/kubernetes#122022), by which time our state has caught up.
/// </para>
/// </summary>
public sealed class ExtenderCycle(SchedulingFramework framework, SchedulingFramework explainer)
{
    public const string UnknownNodeReason = "node(s) unknown to the volume-aware-scheduler extender";

    private static readonly Status UnknownNode = Status.Unresolvable(VolumeBinding.PluginName, UnknownNodeReason);

    /// <summary>
    /// The node list of the previous request. kube-scheduler sends the same candidates again and again; handing the
    /// framework the same array lets the index reuse the layout it keeps for a node list it sees twice.
    /// </summary>
    private volatile NodeInfo[] _lastResolved = [];

    public SchedulingFramework Framework { get; } = framework;

    /// <summary>
    /// explain: the whole default profile over every node, so the answer shows every rule's verdict (not only the
    /// volume decision the verbs make).
    /// </summary>
    public PodExplanation Explain(ClusterState state, PodInfo pod) => Explainer.Explain(state, explainer, pod);

    /// <summary>Filter over the named nodes. Pass-through when the profile has nothing to filter (a pod without claims).</summary>
    /// <param name="parallel">Spread the nodes over the cores (above a few hundred); false when other requests keep them busy.</param>
    /// <param name="volumes">Give each feasible node's volumes in its verdict; without them (the filter reply needs none) nothing is built per node.</param>
    public FilterDecision Filter(ClusterState state, PodInfo pod, IReadOnlyList<string> nodeNames, bool parallel = true, bool volumes = true)
    {
        if (NothingToFilter(state, pod)) return new FilterDecision(true, [], 0, pooled: false);
        var count = nodeNames.Count;
        var (known, positions) = Resolve(state, nodeNames);
        try
        {
            using var result = Framework.FilterAll(state, pod, known, parallel, statusesOnly: !volumes);
            if (result.AllFiltersSkipped) return new FilterDecision(true, [], 0, pooled: false);
            var verdicts = ArrayPool<NodeVerdict>.Shared.Rent(Math.Max(1, count));
            for (var i = 0; i < count; i++)
            {
                verdicts[i] = positions[i] < 0
                    ? new NodeVerdict(nodeNames[i], result.PreFilter.IsRejected ? result.PreFilter : UnknownNode, null)
                    : Verdict(nodeNames[i], result, positions[i], volumes);
            }
            return new FilterDecision(false, verdicts, count, pooled: true, result.Error);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(positions);
        }
    }

    /// <summary>The framework's verdict for one named node, filtered alone (for checks against the batched form).</summary>
    public NodeVerdict FilterNode(ClusterState state, PodInfo pod, string nodeName)
    {
        if (state.GetNode(nodeName) is not { } node) return new NodeVerdict(nodeName, UnknownNode, null);
        using var result = Framework.FilterAll(state, pod, [node], parallel: false);
        return result.AllFiltersSkipped ? new NodeVerdict(nodeName, Status.Success, PodVolumes.Empty) : Verdict(nodeName, result, 0, volumes: true);
    }

    /// <summary>
    /// Prioritize: the profile's weighted score of each feasible node, from 0–100 per weight onto the extender's 0–10;
    /// 0 for the nodes the filter rejects, and everywhere for a pod with nothing to score (kube-scheduler's own
    /// plugins rank it; counting their rules twice would skew its choice).
    /// </summary>
    public List<HostPriority> Prioritize(ClusterState state, PodInfo pod, IReadOnlyList<string> nodeNames, bool parallel = true)
    {
        var scores = new List<HostPriority>(nodeNames.Count);
        if (NothingToFilter(state, pod))
        {
            foreach (var name in nodeNames) scores.Add(new HostPriority { Host = name, Score = 0 });
            return scores;
        }
        var (known, positions) = Resolve(state, nodeNames);
        try
        {
            using var result = Framework.FilterAll(state, pod, known, parallel);
            if (!result.AllFiltersSkipped && result.Error is null) Framework.Score(result);
            long weights = 0;
            foreach (var plugin in Framework.Profile.Score) weights += plugin.Weight;
            var scale = Math.Max(1, weights) * NodeScore.MaxNodeScore;
            for (var i = 0; i < nodeNames.Count; i++)
            {
                long score = 0;
                if (!result.AllFiltersSkipped && result.Error is null && positions[i] >= 0 && result.OutcomeAt(positions[i]) is { Status.IsSuccess: true } outcome)
                {
                    score = outcome.TotalScore * NodeScore.MaxExtenderPriority / scale;
                }
                scores.Add(new HostPriority { Host = nodeNames[i], Score = score });
            }
            return scores;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(positions);
        }
    }

    /// <summary>
    /// The bind-time decision for one pod on one node: the profile's PreFilter and Filter again, against the current
    /// state (in which other pods' assumed PVs are already taken). Returns the cycle with the node selected, ready for
    /// Reserve, PreBind and Bind; or, when the node no longer works, why.
    /// </summary>
    public (SchedulingResult Result, string? Reason) DecideForBind(ClusterState state, PodInfo pod, NodeInfo node)
    {
        var result = Framework.ScheduleOn(state, pod, node);
        return (result, result.Selected is null ? Verdict(node.Name, result, 0, volumes: false).Status.Message : null);
    }

    /// <summary>
    /// The profile's PreFilter over no node: when it leaves no Filter plugin to run (a pod without claims), the request
    /// is answered without resolving the thousands of names kube-scheduler sent.
    /// </summary>
    private bool NothingToFilter(ClusterState state, PodInfo pod)
    {
        using var result = Framework.FilterAll(state, pod, [], parallel: false, statusesOnly: true);
        return result.AllFiltersSkipped;
    }

    /// <summary>One node's verdict, read from its status (no outcome object); its volumes only when <paramref name="volumes"/>.</summary>
    private static NodeVerdict Verdict(string name, SchedulingResult result, int position, bool volumes)
    {
        if (result.PreFilter.IsRejected) return new NodeVerdict(name, result.PreFilter, null);
        if (result.StatusAt(position) is not { } status)
            return new NodeVerdict(name, Status.Error(VolumeBinding.PluginName, result.Error ?? "node not evaluated"), null);
        return new NodeVerdict(name, status, volumes && status.IsSuccess ? result.OutcomeAt(position)!.Volumes : null);
    }

    /// <summary>The named nodes our state knows, in order, and for each name its position among them (-1: unknown).</summary>
    private (NodeInfo[] Known, int[] Positions) Resolve(ClusterState state, IReadOnlyList<string> nodeNames)
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
            var last = _lastResolved;
            if (last.Length == known && scratch.AsSpan(0, known).SequenceEqual(last, ReferenceEqualityComparer.Instance)) return (last, positions);
            var resolved = scratch.AsSpan(0, known).ToArray();
            _lastResolved = resolved;
            return (resolved, positions);
        }
        finally
        {
            ArrayPool<NodeInfo>.Shared.Return(scratch, clearArray: true);
        }
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
