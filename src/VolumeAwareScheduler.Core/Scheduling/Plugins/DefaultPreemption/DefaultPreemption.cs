using VolumeAwareScheduler.Core.Matching;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.State;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// DefaultPreemption, the PostFilter that makes room for a pod no node can take by choosing lower-priority pods to
/// remove. Mirrors pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go and
/// pkg/scheduler/framework/preemption/preemption.go (Evaluator.Preempt):
/// <list type="number">
/// <item>Eligibility (PodEligibleToPreemptOthers): not with preemptionPolicy Never; not while a lower-priority pod on
/// the pod's nominated node is terminating because of preemption, unless the filters found that node
/// UnschedulableAndUnresolvable.</item>
/// <item>Nodes where preemption might help: those whose filter status is Unschedulable. UnschedulableAndUnresolvable
/// nodes (a PV's node affinity, a missing label, a taint...) are never dry-run: removing pods cannot cure them.</item>
/// <item>DryRunPreemption from an offset over those nodes, until enough candidates are found (calculateNumCandidates:
/// minCandidateNodesPercentage of them, at least minCandidateNodesAbsolute) and at least one violates no PDB.</item>
/// <item>SelectVictimsOnNode: every lower-priority pod removed, the pod must then pass the whole filter set (with the
/// nominated pods); then victims are reprieved one by one, the PDB-violating ones first, each group from the most
/// important, keeping each one the pod still fits with.</item>
/// <item>pickOneNodeForPreemption: fewest PDB violations, lowest highest-victim priority, smallest priority sum,
/// fewest victims, latest start among the highest-priority victims, then the first.</item>
/// </list>
/// The chosen candidate (node and victims) is written to the cycle state (<see cref="Chosen"/>) and the node is
/// nominated; the host evicts the victims and clears lower-priority nominations (executor.go prepareCandidate), since
/// the core does no I/O. Volume-aware because the dry run reruns the pod's whole PreFilter and Filter set on the node
/// without its victims: the pod's WaitForFirstConsumer claims must still be bindable there. The offset is 0 (upstream
/// draws it at random; tests pin it to 0) so that <c>simulate</c> and <c>run</c> decide alike.
/// </summary>
public sealed class DefaultPreemption(DefaultPreemptionArgs args) : IPostFilterPlugin
{
    public const string PluginName = "DefaultPreemption";

    /// <summary>Most important first (<see cref="MoreImportantPod"/>); Order keeps equals in their order.</summary>
    private static readonly IComparer<PodInfo> ByImportance = Comparer<PodInfo>.Create((x, y) => MoreImportantPod(x, y) ? -1 : MoreImportantPod(y, x) ? 1 : 0);

    public DefaultPreemption() : this(new DefaultPreemptionArgs())
    {
    }

    public string Name => PluginName;

    public DefaultPreemptionArgs Args { get; } = args;

    /// <summary>The candidate PostFilter chose in this cycle, if any: the victims the host must evict.</summary>
    public static PreemptionCandidate? Chosen(CycleState state) => state.Read<PreemptionCandidate>(PluginName);

    public Status PostFilter(CycleState state, PodInfo pod, IReadOnlyList<NodeOutcome> filtered, out string? nominatedNodeName)
    {
        nominatedNodeName = null;
        if (state.Framework is not { } framework) return Status.Error(PluginName, "preemption needs the framework of the cycle");
        var cluster = state.Cluster;

        // 1) Ensure the preemptor is eligible to preempt other pods.
        Status? nominatedNodeStatus = null;
        if (pod.NominatedNodeName.Length > 0)
        {
            // NodeToStatus.Get: a node the cycle has no status for has the absent nodes' status, UnschedulableAndUnresolvable.
            nominatedNodeStatus = filtered.FirstOrDefault(o => o.Node.Name == pod.NominatedNodeName)?.Status
                ?? Status.Unresolvable("");
        }
        if (PodEligibleToPreemptOthers(cluster, pod, nominatedNodeStatus) is { } notEligible)
        {
            return Status.Unschedulable(PluginName, Reasons.PreemptionPrefix + notEligible);
        }

        // 2) Find all preemption candidates.
        var allNodes = state.Nodes;
        if (allNodes.Count == 0) return Status.Error(PluginName, "no nodes available");
        var potential = new List<NodeInfo>();
        foreach (var outcome in filtered)
        {
            if (outcome.Status.Code == StatusCode.Unschedulable) potential.Add(outcome.Node);
        }
        var statuses = new Dictionary<string, Status>(StringComparer.Ordinal);
        var candidates = new List<PreemptionCandidate>();
        if (potential.Count > 0)
        {
            var budgets = cluster.PodDisruptionBudgets.ToList();
            var (error, found) = DryRunPreemption(framework, cluster, state.Ledger, pod, potential, budgets, 0, CalculateNumCandidates(potential.Count), statuses);
            if (error is not null && found.Count == 0) return Status.Error(PluginName, error);
            candidates = found;
        }

        // Return a FitError only when there are no candidates that fit the pod; its nominatedNodeName is cleared.
        if (candidates.Count == 0)
        {
            var absent = Status.Unresolvable("", Reasons.PreemptionNotHelpful);
            var outcomes = new List<NodeOutcome>(allNodes.Count);
            for (var i = 0; i < allNodes.Count; i++) outcomes.Add(new NodeOutcome(allNodes[i], i, statuses.GetValueOrDefault(allNodes[i].Name) ?? absent, null));
            nominatedNodeName = "";
            return Status.Unschedulable(PluginName, Reasons.PreemptionPrefix + FitError.Message(allNodes.Count, Status.Success, outcomes));
        }

        // 4) Find the best candidate (SelectCandidate).
        var best = candidates.Count == 1 ? candidates[0] : candidates.First(c => c.Node == PickOneNodeForPreemption(candidates));
        state.Write(PluginName, best);
        nominatedNodeName = best.Node;
        return Status.Success;
    }

    /// <summary>
    /// PodEligibleToPreemptOthers: null when the pod may preempt, otherwise the reason it may not. A terminating pod
    /// counts as terminating by preemption when its DisruptionTarget reason is PreemptionByScheduler, or
    /// EvictionByEvictionAPI, which is what our executor's eviction leaves on its victims.
    /// </summary>
    public static string? PodEligibleToPreemptOthers(ClusterState cluster, PodInfo pod, Status? nominatedNodeStatus)
    {
        if (pod.PreemptionPolicy == PreemptionPolicy.Never) return Reasons.NotEligiblePreemptNever;
        if (pod.NominatedNodeName.Length > 0)
        {
            // The pod's nominated node UnschedulableAndUnresolvable for the filters: consider preempting again.
            if (nominatedNodeStatus?.Code == StatusCode.UnschedulableAndUnresolvable) return null;
            if (cluster.GetNode(pod.NominatedNodeName) is not null)
            {
                foreach (var other in cluster.PodsOn(pod.NominatedNodeName))
                {
                    if (other.Priority < pod.Priority && IsTerminatingByPreemption(other)) return Reasons.NotEligibleTerminatingPod;
                }
            }
        }
        return null;
    }

    /// <summary>podTerminatingByPreemption: being deleted, with a True DisruptionTarget condition from preemption.</summary>
    public static bool IsTerminatingByPreemption(PodInfo pod) =>
        pod.IsDeleting && pod.DisruptionTargetReason is Reasons.PreemptionByScheduler or Reasons.EvictionByEvictionApi;

    /// <summary>calculateNumCandidates: a percentage of the nodes, at least the absolute number, at most all of them.</summary>
    public int CalculateNumCandidates(int numNodes)
    {
        var n = (int)((long)numNodes * Args.MinCandidateNodesPercentage / 100);
        if (n < Args.MinCandidateNodesAbsolute) n = Args.MinCandidateNodesAbsolute;
        if (n > numNodes) n = numNodes;
        return n;
    }

    /// <summary>
    /// DryRunPreemption: SelectVictimsOnNode on the potential nodes from <paramref name="offset"/>, round robin, until
    /// <paramref name="candidatesNum"/> candidates are found with at least one that violates no PDB. Candidates that
    /// violate none come first. The statuses of the nodes without victims that help go to <paramref name="statuses"/>.
    /// Nodes are tried in order (upstream tries them in parallel and keeps the first ones found).
    /// </summary>
    public (string? Error, List<PreemptionCandidate> Candidates) DryRunPreemption(SchedulingFramework framework, ClusterState cluster, AssumeLedger? ledger,
        PodInfo pod, IReadOnlyList<NodeInfo> potentialNodes, IReadOnlyList<PodDisruptionBudgetInfo> budgets, int offset, int candidatesNum,
        Dictionary<string, Status> statuses)
    {
        var nonViolating = new List<PreemptionCandidate>();
        var violating = new List<PreemptionCandidate>();
        string? error = null;
        for (var i = 0; i < potentialNodes.Count; i++)
        {
            if (nonViolating.Count > 0 && nonViolating.Count + violating.Count >= candidatesNum) break;
            var node = potentialNodes[(offset + i) % potentialNodes.Count];
            var (victims, numViolations, status) = SelectVictimsOnNode(framework, cluster, ledger, pod, node, budgets);
            if (status.IsSuccess && victims.Count > 0)
            {
                var candidate = new PreemptionCandidate(node.Name, victims, numViolations);
                if (numViolations == 0) nonViolating.Add(candidate);
                else violating.Add(candidate);
                continue;
            }
            if (status.IsSuccess) status = Status.Error(PluginName, $"expected at least one victim pod on node \"{node.Name}\"");
            if (status.Code == StatusCode.Error) error ??= status.Message;
            statuses[node.Name] = status;
        }
        // Each list holds at most candidatesNum (candidateList's fixed size).
        return (error, [.. nonViolating.Take(candidatesNum), .. violating.Take(candidatesNum)]);
    }

    /// <summary>
    /// SelectVictimsOnNode: the fewest pods of the node to remove for the pod to fit, in order of importance, and how
    /// many of them violate a PDB. Each "does it fit" question reruns the pod's PreFilter and Filter with the nominated
    /// pods (RunFilterPluginsWithNominatedPods) on a state that differs only in the node's pods; see
    /// <see cref="SchedulingFramework.FilterOnState"/>.
    /// </summary>
    public static (List<PodInfo> Victims, int NumPdbViolations, Status Status) SelectVictimsOnNode(SchedulingFramework framework, ClusterState cluster,
        AssumeLedger? ledger, PodInfo pod, NodeInfo node, IReadOnlyList<PodDisruptionBudgetInfo> budgets)
    {
        // As the first step, remove all pods eligible for preemption (lower priority) and check the pod fits without them.
        var potential = cluster.PodsOn(node.Name).Where(p => p.Priority < pod.Priority).ToList();
        if (potential.Count == 0) return ([], 0, Status.Unresolvable("", Reasons.NoPreemptionVictims));
        var trial = cluster.WithPods([], potential.Select(p => p.Key));
        var status = framework.FilterOnState(trial, pod, node, ledger, withNominatedPods: true);
        if (!status.IsSuccess) return ([], 0, status);

        // Reprieve as many pods as possible, the PDB-violating ones first, each group from the most important.
        potential = [.. potential.Order(ByImportance)];
        var (violatingPods, nonViolatingPods) = FilterPodsWithPdbViolation(potential, budgets);
        var victims = new List<PodInfo>();
        var numViolating = 0;
        bool Reprieve(PodInfo victim)
        {
            var withVictim = trial.WithPods([victim], []);
            if (framework.FilterOnState(withVictim, pod, node, ledger, withNominatedPods: true).IsSuccess)
            {
                trial = withVictim;
                return true;
            }
            victims.Add(victim);
            return false;
        }
        foreach (var victim in violatingPods)
        {
            if (!Reprieve(victim)) numViolating++;
        }
        foreach (var victim in nonViolatingPods) Reprieve(victim);
        if (violatingPods.Count > 0 && nonViolatingPods.Count > 0) victims = [.. victims.Order(ByImportance)];
        return (victims, numViolating, Status.Success);
    }

    /// <summary>
    /// filterPodsWithPDBViolation: splits the pods (order kept) into those whose eviction would take a matching
    /// budget below zero disruptions allowed and the others. A pod without labels, a budget of another namespace or
    /// with a missing or empty selector match nothing; a pod already in a budget's disruptedPods is not counted again.
    /// </summary>
    public static (List<PodInfo> Violating, List<PodInfo> NonViolating) FilterPodsWithPdbViolation(IReadOnlyList<PodInfo> pods, IReadOnlyList<PodDisruptionBudgetInfo> budgets)
    {
        var allowed = budgets.Select(b => b.DisruptionsAllowed).ToArray();
        var violating = new List<PodInfo>();
        var nonViolating = new List<PodInfo>();
        foreach (var pod in pods)
        {
            var violated = false;
            if (pod.Labels.Count != 0)
            {
                for (var i = 0; i < budgets.Count; i++)
                {
                    var budget = budgets[i];
                    if (budget.Key.Namespace != pod.Key.Namespace) continue;
                    if (budget.Selector is not { } selector || (selector.MatchLabels.Count == 0 && selector.MatchExpressions.IsDefaultOrEmpty)) continue;
                    if (!SelectorMatching.Matches(selector, pod.Labels)) continue;
                    if (budget.DisruptedPods.Contains(pod.Key.Name)) continue;
                    allowed[i]--;
                    if (allowed[i] < 0) violated = true;
                }
            }
            (violated ? violating : nonViolating).Add(pod);
        }
        return (violating, nonViolating);
    }

    /// <summary>
    /// pickOneNodeForPreemption: each criterion keeps the candidates with the best score; the first criterion that
    /// leaves one decides, and after the last the first left wins. Victims are ordered by importance, highest first.
    /// </summary>
    public static string PickOneNodeForPreemption(IReadOnlyList<PreemptionCandidate> candidates)
    {
        if (candidates.Count == 0) return "";
        Func<PreemptionCandidate, long>[] scores =
        [
            c => -c.NumPdbViolations,
            c => -(long)c.Victims[0].Priority,
            // MaxInt32+1 added to each priority so that negative priorities do not favour more victims.
            c => -c.Victims.Sum(v => (long)v.Priority + int.MaxValue + 1L),
            c => -c.Victims.Count,
            c => EarliestStartTime(c.Victims).UtcTicks,
        ];
        IReadOnlyList<PreemptionCandidate> left = candidates;
        foreach (var score in scores)
        {
            var best = long.MinValue;
            var selected = new List<PreemptionCandidate>();
            foreach (var candidate in left)
            {
                var value = score(candidate);
                if (value > best)
                {
                    best = value;
                    selected.Clear();
                }
                if (value == best) selected.Add(candidate);
            }
            if (selected.Count == 1) return selected[0].Node;
            left = selected;
        }
        return left[0].Node;
    }

    /// <summary>GetEarliestPodStartTime: the earliest start among the victims of the highest priority.</summary>
    public static DateTimeOffset EarliestStartTime(IReadOnlyList<PodInfo> victims)
    {
        var earliest = StartTimeOf(victims[0]);
        var maxPriority = victims[0].Priority;
        foreach (var victim in victims)
        {
            if (victim.Priority == maxPriority)
            {
                if (StartTimeOf(victim) < earliest) earliest = StartTimeOf(victim);
            }
            else if (victim.Priority > maxPriority)
            {
                maxPriority = victim.Priority;
                earliest = StartTimeOf(victim);
            }
        }
        return earliest;
    }

    /// <summary>GetPodStartTime: a pod not started yet counts as starting now, later than any start recorded.</summary>
    private static DateTimeOffset StartTimeOf(PodInfo pod) => pod.StartTime ?? DateTimeOffset.MaxValue;

    /// <summary>MoreImportantPod (scheduler/util): higher priority first, then the one that started earlier.</summary>
    public static bool MoreImportantPod(PodInfo first, PodInfo second)
    {
        if (first.Priority != second.Priority) return first.Priority > second.Priority;
        return StartTimeOf(first) < StartTimeOf(second);
    }
}
