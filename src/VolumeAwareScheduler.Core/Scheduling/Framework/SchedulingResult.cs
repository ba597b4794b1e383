using System.Collections.Immutable;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// One scheduling cycle's answer: PreFilter's status, each evaluated node's outcome, the selected node or the FitError
/// message, and the nominated node when PostFilter (preemption) found one.
/// <para>
/// Each node's status is kept by position; a <see cref="NodeOutcome"/> is made only for a node someone reads as one.
/// A node that a PreFilter plugin's <see cref="CandidateNodes"/> ruled out, inside the nodes the filter walked, gets its
/// status (the filter chain's, exactly) when it is first read. Disposing the result gives the cycle's pooled arrays
/// back: only a caller that reads nothing of it afterwards disposes it.
/// </para>
/// </summary>
public sealed class SchedulingResult(PodInfo pod, CycleState cycle) : IDisposable
{
    /// <summary>
    /// Each node's filter status by position in <see cref="CycleState.Nodes"/>: null when not evaluated,
    /// <see cref="Deferred"/> when ruled out by <see cref="CandidateNodes"/> and not read yet.
    /// </summary>
    internal Status?[] Statuses { get; set; } = [];
    private NodeOutcome?[]? _outcomes;
    private List<NodeOutcome>? _nodes;
    private List<NodeOutcome>? _feasible;

    /// <summary>The mark of a ruled-out node whose status is computed when read; never seen outside.</summary>
    internal static readonly Status Deferred = new(StatusCode.UnschedulableAndUnresolvable, ["status computed when read"], "");

    public PodInfo Pod { get; } = pod;

    public CycleState Cycle { get; } = cycle;

    /// <summary>How many nodes the cycle was over (FitError's NumAllNodes).</summary>
    public int NodeCount => Cycle.Nodes.Count;

    public Status PreFilter { get; internal set; } = Status.Success;

    /// <summary>The PreFilter plugins whose PreFilterResult narrowed the nodes: they rejected the nodes left out.</summary>
    public IReadOnlyList<string> NarrowedBy { get; internal set; } = [];

    /// <summary>An internal error (a plugin's Error status): the cycle failed; the pod is retried with backoff.</summary>
    public string? Error { get; internal set; }

    /// <summary>The status every ruled-out node gets, when the framework knows it is one and the same (else null).</summary>
    internal Status? SharedDeferred { get; set; }

    /// <summary>The nodes evaluated, in the order of <see cref="CycleState.Nodes"/> (sampling may leave some out).</summary>
    public IReadOnlyList<NodeOutcome> Nodes => _nodes ??= Collect();

    /// <summary>The nodes that passed every filter, in node order (their outcomes are made here, and only here).</summary>
    public IReadOnlyList<NodeOutcome> Feasible => _feasible ??= CollectFeasible();

    private List<NodeOutcome> CollectFeasible()
    {
        var count = 0;
        for (var i = 0; i < NodeCount; i++)
        {
            if (Counts(i, feasibleOnly: true)) count++;
        }
        var list = new List<NodeOutcome>(count);
        for (var i = 0; i < NodeCount; i++)
        {
            if (Counts(i, feasibleOnly: true)) list.Add(new NodeOutcome(Cycle.Nodes[i], i, RawStatus(i)!, Cycle));
        }
        return list;
    }

    /// <summary>The evaluated outcomes in node order, in a list of their exact size.</summary>
    private List<NodeOutcome> Collect()
    {
        var count = 0;
        for (var i = 0; i < NodeCount; i++)
        {
            if (Counts(i, feasibleOnly: false)) count++;
        }
        var list = new List<NodeOutcome>(count);
        for (var i = 0; i < NodeCount; i++)
        {
            if (Counts(i, feasibleOnly: false)) list.Add(OutcomeAt(i)!);
        }
        return list;
    }

    /// <summary>Whether the node at <paramref name="i"/> was evaluated (and passed, with <paramref name="feasibleOnly"/>); a ruled-out node never passed.</summary>
    private bool Counts(int i, bool feasibleOnly)
    {
        var status = RawStatus(i);
        return status is not null && (!feasibleOnly || (!ReferenceEquals(status, Deferred) && status.IsSuccess));
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

    /// <summary>
    /// The outcome of the node at <paramref name="nodeIndex"/> of the cycle, when evaluated: a feasible node's is its
    /// entry of <see cref="Feasible"/> (where scores go); the others' are made when first asked for.
    /// </summary>
    public NodeOutcome? OutcomeAt(int nodeIndex)
    {
        if ((uint)nodeIndex >= (uint)NodeCount) return null;
        if (StatusAt(nodeIndex) is not { } status) return null;
        if (status.IsSuccess)
        {
            var feasible = Feasible;
            int lo = 0, hi = feasible.Count - 1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                var at = feasible[mid].NodeIndex;
                if (at == nodeIndex) return feasible[mid];
                if (at < nodeIndex) lo = mid + 1;
                else hi = mid - 1;
            }
            return null;
        }
        var outcomes = _outcomes ??= new NodeOutcome?[NodeCount];
        if (outcomes[nodeIndex] is { } outcome) return outcome;
        outcome = new NodeOutcome(Cycle.Nodes[nodeIndex], nodeIndex, status, Cycle);
        return Interlocked.CompareExchange(ref outcomes[nodeIndex], outcome, null) ?? outcome;
    }

    /// <summary>
    /// The filter status of the node at <paramref name="nodeIndex"/> of the cycle, without making an outcome for it;
    /// null when the node was not evaluated (sampling, or an error stopped the cycle first).
    /// </summary>
    public Status? StatusAt(int nodeIndex)
    {
        if (RawStatus(nodeIndex) is not { } status) return null;
        if (!ReferenceEquals(status, Deferred)) return status;
        status = SharedDeferred ?? Cycle.Framework!.RuledOutStatus(Cycle, Pod, Cycle.Nodes[nodeIndex], nodeIndex);
        Statuses[nodeIndex] = status; // the same answer on every read: a race writes it twice
        return status;
    }

    private Status? RawStatus(int nodeIndex)
    {
        if ((uint)nodeIndex >= (uint)NodeCount) return null;
        var status = (uint)nodeIndex < (uint)Statuses.Length ? Statuses[nodeIndex] : null;
        return status ?? (AllFiltersSkipped && !Sampled ? Status.Success : null);
    }

    /// <summary>Set when the cycle sampled nodes (percentageOfNodesToScore): nodes without an outcome were not looked at.</summary>
    internal bool Sampled { get; set; }

    /// <summary>The statuses of the evaluated nodes that did not pass, in node order.</summary>
    private IEnumerable<Status> FailedStatuses()
    {
        for (var i = 0; i < NodeCount; i++)
        {
            if (StatusAt(i) is { IsSuccess: false } status) yield return status;
        }
    }

    /// <summary>Why the pod was not placed: the error, or the FitError message; null when a node was selected.</summary>
    public string? FailureMessage => Selected is not null ? null : Error ?? FitError.FromStatuses(NodeCount, PreFilter, FailedStatuses(), PostFilterMessage);

    /// <summary>
    /// The failed nodes and their reasons, joined by ", " (the extender's FailedNodes form). When PreFilter rejected
    /// the pod every node carries its status, as the framework records it for each node.
    /// </summary>
    public ImmutableSortedDictionary<string, string> FailedNodes =>
        Nodes.Where(n => !n.Status.IsSuccess).ToImmutableSortedDictionary(n => n.Node.Name, n => n.Status.Message, StringComparer.Ordinal);

    /// <summary>Gives the cycle's pooled arrays back; the result and its cycle must not be read afterwards.</summary>
    public void Dispose()
    {
        Statuses = [];
        _outcomes = null;
        _feasible = null;
        _nodes = null;
        Cycle.ReturnRented();
    }
}
