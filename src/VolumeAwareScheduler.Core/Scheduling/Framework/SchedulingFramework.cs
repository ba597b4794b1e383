using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Plugins;
using VolumeAwareScheduler.Core.State;

namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// Runs a <see cref="Profile"/>: the scheduling cycle of one pod, without side effects until Reserve. Mirrors
/// pkg/scheduler/schedule_one.go (schedulePod, findNodesThatFitPod, findNodesThatPassFilters, prioritizeNodes,
/// selectHost, numFeasibleNodesToFind) and framework/runtime/framework.go (Run*Plugins):
/// <list type="number">
/// <item>PreFilter plugins in order; the first rejection holds for every node; Skip skips the plugin's Filter; the
/// node sets of <see cref="PreFilterResult"/>s are intersected and the other nodes get "node(s) didn't satisfy
/// plugin(s) [...]".</item>
/// <item>Filter on each candidate node, in parallel, from a round-robin start; a node's first failing plugin decides
/// its status; it stops once <see cref="NumFeasibleNodesToFind"/> nodes passed (percentageOfNodesToScore). When a
/// PreFilter plugin promised which nodes alone can pass its Filter (<see cref="CandidateNodes"/>, beyond upstream), only
/// those are filtered; the walk, its stopping point and the next start are what they would be over every node, and each
/// other node the walk passed gets the filter chain's status when it is read.</item>
/// <item>No node passed: PostFilter plugins (preemption), then the FitError message.</item>
/// <item>PreScore and Score over the feasible nodes; each plugin's scores normalized to 0–100, times its weight,
/// summed. The highest sum wins; ties go to the first node name in ordinal order (upstream picks at random among
/// ties; we are deterministic so that <c>simulate</c> and <c>run</c> decide alike).</item>
/// <item>Reserve (<see cref="Reserve"/>): the chosen node is taken; Unreserve on failure.</item>
/// <item>The binding cycle (schedule_one.go bindingCycle), which the host drives: <see cref="RunPreBindPreFlights"/>
/// (the host nominates the pod to the node when PreBind has work, KEP-5278), <see cref="RunPreBindAsync"/>,
/// <see cref="RunBindAsync"/>; on failure the host runs <see cref="Unreserve"/>. The plugins write through
/// <see cref="Client"/>, as upstream's use the framework handle's clientset.</item>
/// </list>
/// The instance keeps only the round-robin start index; one instance serves one scheduling loop (or many readers that
/// never sample, such as the extender).
/// </summary>
public sealed class SchedulingFramework(Profile profile, IBindingClient? client = null)
{
    /// <summary>minFeasibleNodesToFind (schedule_one.go).</summary>
    public const int MinFeasibleNodesToFind = 100;

    /// <summary>minFeasibleNodesPercentageToFind (schedule_one.go).</summary>
    public const int MinFeasibleNodesPercentageToFind = 5;

    private const int ParallelThreshold = 256;

    /// <summary>
    /// The fewest nodes a chunk must hold to be spread over the cores. A node's filters take about a microsecond, so a
    /// sampled cycle's chunk (numFeasibleNodesToFind, 500 at 5,000 nodes) is half a millisecond of work: handing it to
    /// the thread pool cost more than it saved in the scheduler-alone load test on 2 cores (a replica waits for a core
    /// the API server or the binding cycles hold, per-item bookkeeping, GC suspensions while it waits). Only which
    /// thread evaluates a node depends on it, never the answer.
    /// </summary>
    private const int ParallelMinimumChunk = 1024;
    private int _nextStartNodeIndex;
    private int[] _identity = [];

    public Profile Profile { get; } = profile;

    /// <summary>What the PreBind and Bind plugins write through (the handle's clientset); null where nothing is bound.</summary>
    public IBindingClient? Client { get; } = client;

    /// <summary>
    /// Filter only the nodes PreFilter plugins name as candidates (<see cref="CandidateNodes"/>). Off, every node goes
    /// through the filter chain as upstream does: the same answers (the property tests compare both).
    /// </summary>
    internal bool UsesCandidateNodes { get; init; } = true;

    /// <summary>RunPreEnqueuePlugins: the first non-success keeps the pod out of the active queue.</summary>
    public Status RunPreEnqueue(PodInfo pod)
    {
        foreach (var plugin in Profile.PreEnqueue)
        {
            var status = plugin.PreEnqueue(pod);
            if (!status.IsSuccess) return status.WithPlugin(plugin.Name);
        }
        return Status.Success;
    }

    /// <summary>
    /// The whole scheduling cycle over all nodes of <paramref name="cluster"/> (or <paramref name="nodes"/>):
    /// filter with percentageOfNodesToScore, score, select. Reserve is the caller's next step.
    /// </summary>
    public SchedulingResult Schedule(ClusterState cluster, PodInfo pod, IReadOnlyList<NodeInfo>? nodes = null)
    {
        var result = Filter(cluster, pod, nodes ?? cluster.Nodes, sample: true);
        if (result.Error is not null || result.Feasible.Count == 0) return result;
        Score(result);
        if (result.Error is not null) return result;
        NodeOutcome? selected = null;
        foreach (var outcome in result.Feasible)
        {
            if (selected is null || outcome.TotalScore > selected.TotalScore
                || (outcome.TotalScore == selected.TotalScore && string.CompareOrdinal(outcome.Node.Name, selected.Node.Name) < 0))
            {
                selected = outcome;
            }
        }
        result.Selected = selected;
        return result;
    }

    /// <summary>
    /// PreFilter and Filter over exactly <paramref name="nodes"/> (every node evaluated, none sampled): the extender's
    /// filter, where kube-scheduler already chose the nodes to ask about.
    /// </summary>
    /// <param name="parallel">Spread the nodes over the cores (above a few hundred); false when other requests keep them busy.</param>
    /// <param name="statusesOnly">The caller reads only the nodes' statuses: plugins need not record what Score and Reserve read.</param>
    public SchedulingResult FilterAll(ClusterState cluster, PodInfo pod, IReadOnlyList<NodeInfo> nodes, bool parallel = true, bool statusesOnly = false) =>
        Filter(cluster, pod, nodes, sample: false, parallel, statusesOnly);

    private SchedulingResult Filter(ClusterState cluster, PodInfo pod, IReadOnlyList<NodeInfo> nodes, bool sample, bool parallel = true, bool statusesOnly = false)
    {
        var cycle = new CycleState(cluster, nodes) { Framework = this, AcceptsCandidateNodes = UsesCandidateNodes, StatusesOnly = statusesOnly };
        var result = new SchedulingResult(pod, cycle);
        if (nodes.Count == 0 && sample)
        {
            result.Error = Reasons.NoNodesAvailable; // schedule_one.go ErrNoNodesAvailable
            return result;
        }

        var preFilter = RunPreFilter(cycle, pod, out var narrowed, out var narrowedBy);
        result.PreFilter = preFilter;
        result.NarrowedBy = narrowedBy;
        if (preFilter.Code == StatusCode.Error)
        {
            result.Error = $"running PreFilter plugin \"{preFilter.Plugin}\": {preFilter.Message}";
            return result;
        }
        var statuses = cycle.Rent<Status?>(nodes.Count);
        result.Statuses = statuses;
        if (preFilter.IsRejected)
        {
            Array.Fill(statuses, preFilter, 0, nodes.Count);
            RunPostFilter(result);
            return result;
        }

        if (narrowed is null && Profile.Filter.All(p => cycle.SkipsFilter(p.Name)))
        {
            // Nothing to filter: every node passes (sampling aside). Unsampled, outcomes are made only when asked for.
            result.AllFiltersSkipped = true;
            if (!sample || nodes.Count == 0) return result;
            var passing = NumFeasibleNodesToFind(Profile.PercentageOfNodesToScore, nodes.Count);
            var first = _nextStartNodeIndex % nodes.Count;
            for (var k = 0; k < passing; k++)
            {
                statuses[(first + k) % nodes.Count] = Status.Success;
            }
            _nextStartNodeIndex = (first + passing) % nodes.Count;
            result.Sampled = true;
            return result;
        }

        // evaluateNominatedNode (schedule_one.go): a node nominated in an earlier cycle (preemption) is likely the only
        // one that fits; it is tried first, and when it passes it is the only feasible node.
        if (sample && pod.NominatedNodeName.Length > 0 && (narrowed is null || narrowed.Contains(pod.NominatedNodeName)))
        {
            for (var i = 0; i < nodes.Count; i++)
            {
                if (nodes[i].Name != pod.NominatedNodeName) continue;
                var status = RunFilterWithNominatedPods(cycle, pod, nodes[i], i);
                if (status.IsSuccess)
                {
                    statuses[i] = status;
                    return result;
                }
                break;
            }
        }

        // The candidates: every node, or those a PreFilterResult named; the others get upstream's absent-node status.
        int[] candidates;
        var candidateCount = 0;
        if (narrowed is null)
        {
            candidates = Identity(nodes.Count);
            candidateCount = nodes.Count;
        }
        else
        {
            candidates = new int[nodes.Count];
            var absent = Status.Unresolvable("", Reasons.DidNotSatisfyPlugins(narrowedBy));
            for (var i = 0; i < nodes.Count; i++)
            {
                if (narrowed.Contains(nodes[i].Name)) candidates[candidateCount++] = i;
                else statuses[i] = absent;
            }
        }

        // A PreFilter plugin's CandidateNodes: only those (their positions among the candidates) are filtered.
        int[]? evaluate = null;
        var evaluateCount = 0;
        if (cycle.Candidates is { } promised)
        {
            if (narrowed is null)
            {
                evaluate = promised.Indices;
                evaluateCount = promised.Count;
            }
            else
            {
                evaluate = cycle.Rent<int>(candidateCount);
                for (var p = 0; p < candidateCount; p++)
                {
                    if (promised.Contains(candidates[p])) evaluate[evaluateCount++] = p;
                }
            }
            result.SharedDeferred = SharedRejection(cycle, promised);
        }

        var toFind = sample ? NumFeasibleNodesToFind(Profile.PercentageOfNodesToScore, candidateCount) : candidateCount;
        var start = sample && candidateCount > 0 ? _nextStartNodeIndex % candidateCount : 0;
        var processed = FilterCandidates(cycle, pod, candidates, candidateCount, evaluate, evaluateCount, start, toFind, statuses, parallel, out var found, out var error);
        if (sample && candidateCount > 0) _nextStartNodeIndex = (start + processed) % candidateCount;
        if (evaluate is not null)
        {
            // The nodes the walk passed without filtering them: their status is the chain's, computed when read.
            for (var k = 0; k < processed; k++)
            {
                var index = candidates[(start + k) % candidateCount];
                statuses[index] ??= SchedulingResult.Deferred;
            }
        }
        if (error is not null)
        {
            result.Error = error;
            return result;
        }
        if (found == 0) RunPostFilter(result); // read from the walk: Feasible would make an outcome per feasible node
        return result;
    }

    /// <summary>
    /// RunPreFilterPlugins: each plugin in order; the first non-success, non-skip status stops the phase. Returns the
    /// intersection of the plugins' node sets (null: all nodes) and the names of the plugins that narrowed it.
    /// </summary>
    private Status RunPreFilter(CycleState cycle, PodInfo pod, out IReadOnlySet<string>? narrowed, out List<string> narrowedBy)
    {
        narrowed = null;
        narrowedBy = [];
        var merged = PreFilterResult.AllNodes;
        foreach (var plugin in Profile.PreFilter)
        {
            var status = plugin.PreFilter(cycle, pod, out var result);
            if (status.IsSkip)
            {
                cycle.SkipFilter(plugin.Name);
                continue;
            }
            if (!status.IsSuccess) return status.WithPlugin(plugin.Name);
            if (result is { IsAllNodes: false })
            {
                narrowedBy.Add(plugin.Name);
                merged = merged.Merge(result);
                if (merged.NodeNames!.Count == 0)
                {
                    var message = narrowedBy.Count == 1
                        ? $"node(s) didn't satisfy plugin {narrowedBy[0]}"
                        : $"node(s) didn't satisfy plugin(s) [{string.Join(' ', narrowedBy)}] simultaneously";
                    return Status.Unschedulable(narrowedBy.Count == 1 ? narrowedBy[0] : "", message);
                }
            }
        }
        narrowedBy.Sort(StringComparer.Ordinal);
        narrowed = merged.NodeNames;
        return Status.Success;
    }

    /// <summary>
    /// The status every node outside <paramref name="promised"/> gets, when it is one and the same: the promising
    /// plugin's shared rejection, when no Filter plugin runs before it and no nominated pod makes a node's filters
    /// differ. Null otherwise (each such node's chain runs when its status is read).
    /// </summary>
    private Status? SharedRejection(CycleState cycle, CandidateNodes promised)
    {
        if (promised.SharedRejection is not { } shared || cycle.Cluster.HasNominatedPods) return null;
        foreach (var plugin in Profile.Filter)
        {
            if (cycle.SkipsFilter(plugin.Name)) continue;
            return plugin.Name == promised.Plugin ? shared.WithPlugin(plugin.Name) : null;
        }
        return null;
    }

    /// <summary>
    /// The status of a node that PreFilter's <see cref="CandidateNodes"/> ruled out: what filtering it would have given
    /// (the first failing plugin of the chain; the promising plugin fails at the latest).
    /// </summary>
    internal Status RuledOutStatus(CycleState cycle, PodInfo pod, NodeInfo node, int nodeIndex) =>
        cycle.Cluster.HasNominatedPods ? RunFilterWithNominatedPods(cycle, pod, node, nodeIndex) : RunFilter(cycle, pod, node, nodeIndex);

    /// <summary>
    /// findNodesThatPassFilters: candidates from <paramref name="start"/>, round robin, until <paramref name="toFind"/>
    /// passed. Chunks run in parallel; within the last chunk only the first feasible nodes in order are kept, so the
    /// answer does not depend on thread timing. Returns how many candidates were processed.
    /// <para>
    /// With <paramref name="evaluate"/> (ascending positions in <paramref name="candidates"/>: the only ones that can
    /// pass), only those are filtered, in the same round-robin order; the count returned is still over all
    /// <paramref name="count"/> positions: up to the node that completed <paramref name="toFind"/>, or all of them.
    /// </para>
    /// </summary>
    private int FilterCandidates(CycleState cycle, PodInfo pod, int[] candidates, int count, int[]? evaluate, int evaluateCount, int start, int toFind,
        Status?[] statuses, bool parallel, out int found, out string? error)
    {
        error = null;
        found = 0;
        var nodes = cycle.Nodes;
        var total = evaluate is null ? count : evaluateCount;
        var first = 0;
        if (evaluate is not null)
        {
            first = Array.BinarySearch(evaluate, 0, evaluateCount, start);
            if (first < 0) first = ~first;
        }
        // The k-th position of the walk, and how far it lies from the start over all positions.
        int PositionAt(int k) => evaluate is null ? (start + k) % count : evaluate[(first + k) % evaluateCount];
        int Offset(int position) => position >= start ? position - start : position - start + count;
        var chunk = total >= ParallelThreshold ? Math.Max(ParallelThreshold, Math.Min(total, toFind)) : total;
        // The Filter plugins PreFilter did not skip, looked up once for the cycle rather than once per node.
        var active = new List<IFilterPlugin>(Profile.Filter.Count);
        foreach (var plugin in Profile.Filter)
        {
            if (!cycle.SkipsFilter(plugin.Name)) active.Add(plugin);
        }
        var processed = 0;
        var walked = 0;
        while (walked < total && found < toFind)
        {
            var from = walked;
            var size = Math.Min(chunk, total - from);
            void Evaluate(int k)
            {
                var index = candidates[PositionAt(from + k)];
                statuses[index] = cycle.Cluster.HasNominatedPods
                    ? RunFilterWithNominatedPods(cycle, pod, nodes[index], index)
                    : RunFilter(active, pod, cycle, nodes[index], index);
            }
            if (parallel && size >= ParallelMinimumChunk) Parallel.For(0, size, Evaluate);
            else for (var k = 0; k < size; k++) Evaluate(k);

            for (var k = 0; k < size; k++)
            {
                var position = PositionAt(from + k);
                var index = candidates[position];
                if (found >= toFind)
                {
                    statuses[index] = null; // past the nodes upstream would have looked at: not evaluated
                    continue;
                }
                var status = statuses[index]!;
                if (status.Code == StatusCode.Error)
                {
                    error = $"running \"{status.Plugin}\" filter plugin: {status.Message}";
                    return Offset(position) + 1;
                }
                if (status.IsSuccess) found++;
                processed = Offset(position) + 1;
            }
            walked = from + size;
        }
        // Too few passed: upstream's walk went round every position, the ruled-out ones too.
        return evaluate is not null && found < toFind ? count : processed;
    }

    /// <summary>0, 1, … <paramref name="count"/> - 1 (or more): the candidates when no PreFilter narrowed the nodes. Shared and never written after it is made.</summary>
    private int[] Identity(int count)
    {
        var identity = Volatile.Read(ref _identity);
        if (identity.Length >= count) return identity;
        identity = new int[count];
        for (var i = 0; i < count; i++) identity[i] = i;
        Volatile.Write(ref _identity, identity);
        return identity;
    }

    /// <summary><see cref="RunFilter(CycleState, PodInfo, NodeInfo, int)"/> over the plugins left to run in the cycle, in the profile's order.</summary>
    private static Status RunFilter(List<IFilterPlugin> active, PodInfo pod, CycleState cycle, NodeInfo node, int nodeIndex)
    {
        foreach (var plugin in active)
        {
            var status = plugin.Filter(cycle, pod, node, nodeIndex);
            if (!status.IsSuccess) return status.WithPlugin(plugin.Name);
        }
        return Status.Success;
    }

    /// <summary>RunFilterPlugins: the first plugin that does not pass decides the node's status.</summary>
    public Status RunFilter(CycleState cycle, PodInfo pod, NodeInfo node, int nodeIndex)
    {
        foreach (var plugin in Profile.Filter)
        {
            if (cycle.SkipsFilter(plugin.Name)) continue;
            var status = plugin.Filter(cycle, pod, node, nodeIndex);
            if (!status.IsSuccess) return status.WithPlugin(plugin.Name);
        }
        return Status.Success;
    }

    /// <summary>
    /// RunFilterPluginsWithNominatedPods (framework/runtime/framework.go): when pods of priority at least the pod's are
    /// nominated to the node, the node must pass once with them added (addGENominatedPods) and once without them, so
    /// that the pod neither takes the room they were promised nor depends on them (inter-pod affinity). Without such
    /// pods (the common case: one dictionary lookup, or none when no pod is nominated anywhere) it is RunFilter.
    /// </summary>
    public Status RunFilterWithNominatedPods(CycleState cycle, PodInfo pod, NodeInfo node, int nodeIndex)
    {
        if (NominatedPodsToAdd(cycle.Cluster, pod, node.Name) is { } nominated)
        {
            var with = FilterOnState(cycle.Cluster.WithPods(nominated, []), pod, node, cycle.Ledger, withNominatedPods: false);
            if (!with.IsSuccess) return with;
        }
        return RunFilter(cycle, pod, node, nodeIndex);
    }

    /// <summary>
    /// PreFilter then Filter for one node over <paramref name="state"/> (a state that differs from the cycle's in its
    /// pods: victims removed, nominated pods added). Upstream keeps the cycle's PreFilter data and corrects it with the
    /// plugins' PreFilterExtensions (AddPod/RemovePod); here PreFilter simply runs again on that state, which gives the
    /// same data without an extension per plugin. A PreFilter rejection, or a PreFilterResult that leaves the node
    /// out, is the node's status. With <paramref name="withNominatedPods"/>, as <see cref="RunFilterWithNominatedPods"/>.
    /// </summary>
    public Status FilterOnState(ClusterState state, PodInfo pod, NodeInfo node, AssumeLedger? ledger, bool withNominatedPods)
    {
        var cycle = new CycleState(state, [node]) { Ledger = ledger, Framework = this };
        var preFilter = RunPreFilter(cycle, pod, out var narrowed, out var narrowedBy);
        if (!preFilter.IsSuccess) return preFilter;
        if (narrowed is not null && !narrowed.Contains(node.Name)) return Status.Unresolvable("", Reasons.DidNotSatisfyPlugins(narrowedBy));
        return withNominatedPods ? RunFilterWithNominatedPods(cycle, pod, node, 0) : RunFilter(cycle, pod, node, 0);
    }

    /// <summary>addGENominatedPods: the pods nominated to the node with priority at least the pod's (the pod itself left out), as if assigned there; null when none.</summary>
    private static List<PodInfo>? NominatedPodsToAdd(ClusterState cluster, PodInfo pod, string nodeName)
    {
        if (!cluster.HasNominatedPods) return null;
        List<PodInfo>? added = null;
        foreach (var nominated in cluster.NominatedPodsOn(nodeName))
        {
            if (nominated.Priority < pod.Priority || nominated.Key == pod.Key || (nominated.Uid.Length > 0 && nominated.Uid == pod.Uid)) continue;
            (added ??= []).Add(nominated with { NodeName = nodeName });
        }
        return added;
    }

    /// <summary>RunPostFilterPlugins: the first plugin that succeeds ends the phase; the others' messages are joined.</summary>
    private void RunPostFilter(SchedulingResult result)
    {
        if (Profile.PostFilter.Count == 0) return;
        var messages = new List<string>();
        foreach (var plugin in Profile.PostFilter)
        {
            var status = plugin.PostFilter(result.Cycle, result.Pod, result.Nodes, out var nominated);
            if (status.IsSuccess)
            {
                result.NominatedNodeName = nominated;
                result.PostFilterMessage = null;
                return;
            }
            if (status.Code == StatusCode.Error)
            {
                result.Error = $"running PostFilter plugin \"{plugin.Name}\": {status.Message}";
                return;
            }
            if (nominated is not null) result.NominatedNodeName = nominated; // "" clears the pod's nomination
            if (status.Reasons.Length > 0) messages.Add(status.Message);
        }
        result.PostFilterMessage = messages.Count == 0 ? null : string.Join("; ", messages);
    }

    /// <summary>
    /// RunPreScorePlugins and RunScorePlugins over the feasible nodes: raw scores, NormalizeScore where the plugin has
    /// it, times the weight; each node's total is the sum. A plugin error makes the cycle an error (result.Error).
    /// </summary>
    public void Score(SchedulingResult result)
    {
        var feasible = result.Feasible;
        if (feasible.Count == 0) return;
        var cycle = result.Cycle;
        var feasibleNodes = new NodeInfo[feasible.Count];
        for (var i = 0; i < feasible.Count; i++) feasibleNodes[i] = feasible[i].Node;
        foreach (var plugin in Profile.PreScore)
        {
            var status = plugin.PreScore(cycle, result.Pod, feasibleNodes);
            if (status.IsSkip) cycle.SkipScore(plugin.Name);
            else if (!status.IsSuccess)
            {
                result.Error = $"running PreScore plugin \"{plugin.Name}\": {status.Message}";
                return;
            }
        }
        var scores = new NodeScore[feasible.Count];
        var raw = new long[feasible.Count];
        foreach (var (plugin, weight) in Profile.Score)
        {
            if (cycle.SkipsScore(plugin.Name)) continue;
            for (var i = 0; i < feasible.Count; i++)
            {
                raw[i] = plugin.Score(cycle, result.Pod, feasible[i].Node, feasible[i].NodeIndex, out var status);
                if (!status.IsSuccess)
                {
                    result.Error = $"running Score plugin \"{plugin.Name}\": {status.Message}";
                    return;
                }
                scores[i] = new NodeScore(feasible[i].Node.Name, raw[i]);
            }
            if (plugin is IScoreExtensions extensions)
            {
                var status = extensions.NormalizeScore(cycle, result.Pod, scores);
                if (!status.IsSuccess)
                {
                    result.Error = $"running Normalize on Score plugins: plugin \"{plugin.Name}\" failed with: {status.Message}";
                    return;
                }
            }
            for (var i = 0; i < feasible.Count; i++)
            {
                var normalized = scores[i].Score;
                if (normalized is < 0 or > NodeScore.MaxNodeScore)
                {
                    result.Error = $"plugin \"{plugin.Name}\" returns an invalid score {normalized}, it should in the range of [0, {NodeScore.MaxNodeScore}] after normalizing";
                    return;
                }
                feasible[i].AddScore(new PluginScore(plugin.Name, raw[i], normalized, normalized * weight), Profile.Score.Count);
            }
        }
    }

    /// <summary>
    /// RunReservePluginsReserve for the selected node; on failure every Reserve plugin's Unreserve runs, in reverse
    /// order (framework.go), and the status is returned. The assumptions go into <paramref name="ledger"/>: the store's
    /// writer passes each replica's in turn, so Reserve reads only the cycle's decisions and the ledger.
    /// </summary>
    public Status Reserve(SchedulingResult result, AssumeLedger ledger)
    {
        if (result.Selected is not { } selected) throw new InvalidOperationException("Reserve needs a selected node");
        result.Cycle.Ledger = ledger;
        foreach (var plugin in Profile.Reserve)
        {
            var status = plugin.Reserve(result.Cycle, result.Pod, selected.Node.Name);
            if (!status.IsSuccess)
            {
                Unreserve(result, ledger);
                return status.WithPlugin(plugin.Name);
            }
        }
        return Status.Success;
    }

    /// <summary>RunReservePluginsUnreserve, in reverse order.</summary>
    public void Unreserve(SchedulingResult result, AssumeLedger ledger)
    {
        if (result.Selected is not { } selected) return;
        result.Cycle.Ledger = ledger;
        for (var i = Profile.Reserve.Count - 1; i >= 0; i--) Profile.Reserve[i].Unreserve(result.Cycle, result.Pod, selected.Node.Name);
    }

    /// <summary>
    /// The scheduling cycle for a node chosen elsewhere (the extender's bind: kube-scheduler chose it): PreFilter and
    /// Filter on that node alone, against <paramref name="cluster"/>; the node is selected when it passes, ready for
    /// <see cref="Reserve"/>.
    /// </summary>
    public SchedulingResult ScheduleOn(ClusterState cluster, PodInfo pod, NodeInfo node)
    {
        var result = FilterAll(cluster, pod, [node], parallel: false);
        if (result.Error is null && result.OutcomeAt(0) is { Status.IsSuccess: true } outcome) result.Selected = outcome;
        return result;
    }

    /// <summary>
    /// RunPreBindPreFlights (framework/runtime/framework.go): Success when a PreBind plugin has work for the pod on the
    /// node, Skip when every one answered Skip (or there is none). A plugin's Error, or any other answer, is an Error with
    /// upstream's message. The plugins that answered Skip are recorded in the cycle: their PreBind does not run.
    /// </summary>
    public Status RunPreBindPreFlights(CycleState state, PodInfo pod, string nodeName)
    {
        HashSet<string>? skipped = null;
        var answer = Status.Skip("");
        foreach (var plugin in Profile.PreBind)
        {
            var status = plugin.PreBindPreFlight(state, pod, nodeName);
            switch (status.Code)
            {
                case StatusCode.Error:
                    return Status.Error(plugin.Name, $"running PreBindPreFlight \"{plugin.Name}\": {status.Message}");
                case StatusCode.Success:
                    answer = Status.Success;
                    break;
                case StatusCode.Skip:
                    (skipped ??= new HashSet<string>(StringComparer.Ordinal)).Add(plugin.Name);
                    break;
                default:
                    return Status.Error(plugin.Name,
                        $"PreBindPreFlight {plugin.Name} returned \"{status.Code}\", which is unsupported. It is supposed to return Success, Skip, or Error status");
            }
        }
        state.SetSkipPreBind(skipped);
        return answer;
    }

    /// <summary>
    /// RunPreBindPlugins (framework.go): each PreBind plugin in order but those PreBindPreFlight skipped; the first that
    /// does not succeed ends the phase. A rejection is returned as the plugin answered it; any other failure becomes an
    /// Error. The plugin's own message is kept (the extender's bind answers with it); <see cref="FailureMessage"/> gives
    /// upstream's wording.
    /// </summary>
    public async ValueTask<Status> RunPreBindAsync(CycleState state, PodInfo pod, string nodeName, CancellationToken cancellationToken)
    {
        foreach (var plugin in Profile.PreBind)
        {
            if (state.SkipsPreBind(plugin.Name)) continue;
            var status = await plugin.PreBindAsync(state, pod, nodeName, cancellationToken).ConfigureAwait(false);
            if (!status.IsSuccess) return status.IsRejected ? status.WithPlugin(plugin.Name) : Status.Error(plugin.Name, status.Message);
        }
        return Status.Success;
    }

    /// <summary>
    /// RunBindPlugins (framework.go): the Bind plugins in order until one answers other than Skip, whose answer decides
    /// (a failure other than a rejection becomes an Error). Skip when every plugin skipped, or there is none: the pod is
    /// then not bound, which the binding cycle treats as a failure.
    /// </summary>
    public async ValueTask<Status> RunBindAsync(CycleState state, PodInfo pod, string nodeName, CancellationToken cancellationToken)
    {
        var status = Status.Skip("");
        foreach (var plugin in Profile.Bind)
        {
            status = await plugin.BindAsync(state, pod, nodeName, cancellationToken).ConfigureAwait(false);
            if (status.IsSkip) continue;
            if (status.IsSuccess) return status;
            return status.IsRejected ? status.WithPlugin(plugin.Name) : Status.Error(plugin.Name, status.Message);
        }
        return status;
    }

    /// <summary>
    /// The writes of the binding cycle (schedule_one.go bindingCycle, after PreBindPreFlight and the nomination):
    /// <see cref="RunPreBindAsync"/>, then <see cref="RunBindAsync"/> when PreBind succeeded. The answer names the
    /// extension point that decided it, for <see cref="BindingOutcome.FailureMessage"/>.
    /// </summary>
    public async ValueTask<BindingOutcome> RunPreBindAndBindAsync(CycleState state, PodInfo pod, string nodeName, CancellationToken cancellationToken)
    {
        var status = await RunPreBindAsync(state, pod, nodeName, cancellationToken).ConfigureAwait(false);
        if (!status.IsSuccess) return new BindingOutcome(ExtensionPoint.PreBind, status);
        return new BindingOutcome(ExtensionPoint.Bind, await RunBindAsync(state, pod, nodeName, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// How upstream words a failed PreBind or Bind (framework.go): an Error as <c>running PreBind plugin "Name": message</c>,
    /// a rejection as its message; a Bind that every plugin skipped says so.
    /// </summary>
    public static string FailureMessage(ExtensionPoint point, Status status) => status.Code switch
    {
        StatusCode.Error => $"running {point} plugin \"{status.Plugin}\": {status.Message}",
        StatusCode.Skip => $"no {point} plugin took the pod",
        _ => status.Message,
    };

    /// <summary>numFeasibleNodesToFind (schedule_one.go).</summary>
    public static int NumFeasibleNodesToFind(int percentageOfNodesToScore, int numAllNodes)
    {
        if (numAllNodes < MinFeasibleNodesToFind) return numAllNodes;
        var percentage = percentageOfNodesToScore;
        if (percentage == 0)
        {
            percentage = 50 - numAllNodes / 125;
            if (percentage < MinFeasibleNodesPercentageToFind) percentage = MinFeasibleNodesPercentageToFind;
        }
        var numNodes = (int)((long)numAllNodes * percentage / 100);
        return numNodes < MinFeasibleNodesToFind ? MinFeasibleNodesToFind : numNodes;
    }
}
