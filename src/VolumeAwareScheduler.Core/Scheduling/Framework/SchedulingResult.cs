using System.Collections.Immutable;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// One scheduling cycle's answer: PreFilter's status, each evaluated node's outcome, the selected node or the FitError
/// message, and the nominated node when PostFilter (preemption) found one.
/// </summary>
public sealed class SchedulingResult(PodInfo pod, CycleState cycle)
{
    internal NodeOutcome?[] Outcomes { get; set; } = [];
    private List<NodeOutcome>? _nodes;
    private List<NodeOutcome>? _feasible;

    public PodInfo Pod { get; } = pod;

    public CycleState Cycle { get; } = cycle;

    /// <summary>How many nodes the cycle was over (FitError's NumAllNodes).</summary>
    public int NodeCount => Cycle.Nodes.Count;

    public Status PreFilter { get; internal set; } = Status.Success;

    /// <summary>The PreFilter plugins whose PreFilterResult narrowed the nodes: they rejected the nodes left out.</summary>
    public IReadOnlyList<string> NarrowedBy { get; internal set; } = [];

    /// <summary>An internal error (a plugin's Error status): the cycle failed; the pod is retried with backoff.</summary>
    public string? Error { get; internal set; }

    /// <summary>The nodes evaluated, in the order of <see cref="CycleState.Nodes"/> (sampling may leave some out).</summary>
    public IReadOnlyList<NodeOutcome> Nodes => _nodes ??= Collect(EnsureOutcomes(), feasibleOnly: false);

    /// <summary>The nodes that passed every filter, in node order.</summary>
    public IReadOnlyList<NodeOutcome> Feasible => _feasible ??= Collect(EnsureOutcomes(), feasibleOnly: true);

    /// <summary>The evaluated outcomes (those that passed, with <paramref name="feasibleOnly"/>) in node order, in a list of their exact size.</summary>
    private static List<NodeOutcome> Collect(NodeOutcome?[] outcomes, bool feasibleOnly)
    {
        var count = 0;
        foreach (var outcome in outcomes)
        {
            if (outcome is not null && (!feasibleOnly || outcome.Status.IsSuccess)) count++;
        }
        var list = new List<NodeOutcome>(count);
        foreach (var outcome in outcomes)
        {
            if (outcome is not null && (!feasibleOnly || outcome.Status.IsSuccess)) list.Add(outcome);
        }
        return list;
    }

    public NodeOutcome? Selected { get; internal set; }

    /// <summary>
    /// PreFilter left no Filter plugin to run (every one answered Skip) and named no nodes: every node passed without
    /// being looked at (the extender's pass-through for a pod without claims).
    /// </summary>
    public bool AllFiltersSkipped { get; internal set; }

    /// <summary>
    /// The node PostFilter nominated for the pod (preemption) when a node was found; "" when PostFilter asks to clear
    /// the pod's nomination (preemption found no candidate); null to leave the nomination as it is.
    /// </summary>
    public string? NominatedNodeName { get; internal set; }

    /// <summary>The PostFilter plugins' message ("preemption: ..."), part of the FitError.</summary>
    public string? PostFilterMessage { get; internal set; }

    /// <summary>The outcome of the node at <paramref name="nodeIndex"/> of the cycle, when evaluated.</summary>
    public NodeOutcome? OutcomeAt(int nodeIndex)
    {
        var outcomes = EnsureOutcomes();
        return (uint)nodeIndex < (uint)outcomes.Length ? outcomes[nodeIndex] : null;
    }

    /// <summary>Set when the cycle sampled nodes (percentageOfNodesToScore): nodes without an outcome were not looked at.</summary>
    internal bool Sampled { get; set; }

    private NodeOutcome?[] EnsureOutcomes()
    {
        if (!AllFiltersSkipped || Sampled) return Outcomes;
        for (var i = 0; i < Outcomes.Length; i++) Outcomes[i] ??= new NodeOutcome(Cycle.Nodes[i], i, Status.Success, Cycle);
        return Outcomes;
    }

    /// <summary>Why the pod was not placed: the error, or the FitError message; null when a node was selected.</summary>
    public string? FailureMessage => Selected is not null ? null : Error ?? FitError.Message(NodeCount, PreFilter, Nodes, PostFilterMessage);

    /// <summary>
    /// The failed nodes and their reasons, joined by ", " (the extender's FailedNodes form). When PreFilter rejected
    /// the pod every node carries its status, as the framework records it for each node.
    /// </summary>
    public ImmutableSortedDictionary<string, string> FailedNodes =>
        Nodes.Where(n => !n.Status.IsSuccess).ToImmutableSortedDictionary(n => n.Node.Name, n => n.Status.Message, StringComparer.Ordinal);
}
