using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.DefaultPreemption;

/// <summary>
/// DefaultPreemption. Tables ported from pkg/scheduler/framework/plugins/defaultpreemption/default_preemption_test.go
/// (TestPostFilter, TestDryRunPreemption) with upstream's case names, pods, nodes and expected victims, nodes and
/// messages, run through our default profile (upstream registers NodeResourcesFit, InterPodAffinity or
/// PodTopologySpread alone; the other default plugins have nothing to say about these pods). Left out: the extender,
/// the AddPod/RemovePod error plugin (we have no PreFilterExtensions) and pod group cases.
/// </summary>
public class DefaultPreemptionTests
{
    private const int NegPriority = -100, LowPriority = 0, MidPriority = 100, HighPriority = 1000, VeryHighPriority = 10000;
    private const string ViolatingLabel = "test.kubernetes.io/is-violating-pdb";

    private static readonly Resources OnePod = new(0, 0, 0, 1);

    private static PodBuilder Small(PodBuilder pod) => pod.Requesting(100, "100");
    private static PodBuilder Medium(PodBuilder pod) => pod.Requesting(200, "200");
    private static PodBuilder Large(PodBuilder pod) => pod.Requesting(300, "300");
    private static PodBuilder VeryLarge(PodBuilder pod) => pod.Requesting(500, "500");

    private static PodBuilder P(string name) => Pod("default", name).WithUid(name);

    private static ClusterState Cluster(IEnumerable<NodeInfo> nodes, IEnumerable<PodInfo> pods, IEnumerable<PodDisruptionBudgetInfo>? budgets = null)
    {
        var cluster = new ClusterState(new VolumeIndex());
        foreach (var node in nodes) cluster.UpsertNode(node);
        foreach (var pod in pods) cluster.UpsertPod(pod);
        foreach (var budget in budgets ?? []) cluster.UpsertPodDisruptionBudget(budget);
        return cluster;
    }

    /// <summary>TestPostFilter: PostFilter over the given node statuses (a node without one is absent, as NodeToStatus's absent nodes are).</summary>
    private static (Status Status, string? Nominated, PreemptionCandidate? Chosen) PostFilter(ClusterState cluster, PodInfo pod, params (string Node, StatusCode Code)[] statuses)
    {
        var framework = new SchedulingFramework(Profiles.Default());
        var state = new CycleState(cluster, cluster.Nodes) { Framework = framework };
        var filtered = statuses.Select(s =>
        {
            var index = cluster.Nodes.ToList().FindIndex(n => n.Name == s.Node);
            return new NodeOutcome(cluster.Nodes[index], index, new Status(s.Code, []), state);
        }).ToList();
        var status = new Core.Scheduling.Plugins.DefaultPreemption().PostFilter(state, pod, filtered, out var nominated);
        return (status, nominated, Core.Scheduling.Plugins.DefaultPreemption.Chosen(state));
    }

    [Fact]
    public void pod_with_higher_priority_can_be_made_schedulable()
    {
        var cluster = Cluster([BareNode("node1").WithAllocatable(OnePod)], [P("p1").OnNode("node1")]);
        var (status, nominated, chosen) = PostFilter(cluster, P("p").WithPriority(HighPriority), ("node1", StatusCode.Unschedulable));
        Assert.True(status.IsSuccess, status.Message);
        Assert.Equal("node1", nominated);
        Assert.Equal(["p1"], chosen!.Victims.Select(v => v.Key.Name));
    }

    public static TheoryData<string, NodeInfo[], PodInfo[], PodDisruptionBudgetInfo[], PodInfo, (string, StatusCode)[], string?, string> PostFilterCases => new()
    {
        {
            "pod with tied priority is still unschedulable",
            [BareNode("node1").WithAllocatable(OnePod)], [P("p1").OnNode("node1")], [], P("p"),
            [("node1", StatusCode.Unschedulable)],
            "", "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."
        },
        {
            "preemption should respect filteredNodesStatuses",
            [BareNode("node1").WithAllocatable(OnePod)], [P("p1").OnNode("node1")], [], P("p").WithPriority(HighPriority),
            [("node1", StatusCode.UnschedulableAndUnresolvable)],
            "", "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
        },
        {
            "preemption should respect absent NodeToStatusReader entry meaning UnschedulableAndUnresolvable",
            [BareNode("node1").WithAllocatable(OnePod)], [P("p1").OnNode("node1")], [], P("p").WithPriority(HighPriority),
            [],
            "", "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
        },
        {
            "pod can be made schedulable on one node",
            [BareNode("node1").WithAllocatable(OnePod), BareNode("node2").WithAllocatable(OnePod)],
            [P("p1").WithPriority(HighPriority).OnNode("node1"), P("p2").WithPriority(LowPriority).OnNode("node2")], [],
            P("p").WithPriority(MidPriority),
            [("node1", StatusCode.Unschedulable), ("node2", StatusCode.Unschedulable)],
            "node2", ""
        },
        {
            "pod can be made schedulable on minHighestPriority node",
            [BareNode("node1").WithAllocatable(OnePod), BareNode("node2").WithAllocatable(OnePod)],
            [
                P("p1").WithLabel(ViolatingLabel, "non-violating").WithPriority(HighPriority).OnNode("node1"),
                P("p2").WithLabel(ViolatingLabel, "violating").WithPriority(LowPriority).OnNode("node1"),
                P("p3").WithLabel(ViolatingLabel, "violating").WithPriority(MidPriority).OnNode("node2"),
            ],
            [
                Pdb("default", "violating-pdb", MatchLabels((ViolatingLabel, "violating")), 0),
                Pdb("default", "non-violating-pdb", MatchLabels((ViolatingLabel, "non-violating")), int.MaxValue),
            ],
            P("p").WithPriority(VeryHighPriority),
            [("node1", StatusCode.Unschedulable), ("node2", StatusCode.Unschedulable)],
            "node2", ""
        },
        {
            "no candidate nodes found, no enough resource after removing low priority pods",
            [BareNode("node1").WithAllocatable(200, "400", 32), BareNode("node2").WithAllocatable(200, "400", 32)],
            [P("p1").OnNode("node1"), P("p2").OnNode("node2")], [],
            Large(P("p").WithPriority(HighPriority)),
            [("node1", StatusCode.Unschedulable), ("node2", StatusCode.Unschedulable)],
            "", "preemption: 0/2 nodes are available: 2 Insufficient cpu."
        },
        {
            "no candidate nodes found with mixed reasons, no lower priority pod and no enough CPU resource",
            [BareNode("node1").WithAllocatable(OnePod), BareNode("node2").WithAllocatable(200, "400", 32), BareNode("node3").WithAllocatable(OnePod)],
            [P("p1").OnNode("node1").WithPriority(HighPriority), P("p2").OnNode("node2"), P("p3").OnNode("node3").WithPriority(HighPriority)], [],
            Large(P("p").WithPriority(HighPriority)),
            [("node1", StatusCode.Unschedulable), ("node2", StatusCode.Unschedulable), ("node3", StatusCode.Unschedulable)],
            "", "preemption: 0/3 nodes are available: 1 Insufficient cpu, 2 No preemption victims found for incoming pod."
        },
        {
            "no candidate nodes found with mixed reason, 2 UnschedulableAndUnresolvable nodes and 2 nodes don't have enough CPU resource",
            [BareNode("node1").WithAllocatable(200, "400", 32), BareNode("node2").WithAllocatable(200, "400", 32), BareNode("node3").WithAllocatable(200, "400", 32), BareNode("node4").WithAllocatable(200, "400", 32)],
            [P("p1").OnNode("node1"), P("p2").OnNode("node2")], [],
            Large(P("p").WithPriority(HighPriority)),
            [("node1", StatusCode.Unschedulable), ("node2", StatusCode.Unschedulable), ("node4", StatusCode.UnschedulableAndUnresolvable)],
            "", "preemption: 0/4 nodes are available: 2 Insufficient cpu, 2 Preemption is not helpful for scheduling."
        },
    };

    [Theory]
    [MemberData(nameof(PostFilterCases))]
    public void PostFilter_nominates_the_node_or_explains_why_not(string name, NodeInfo[] nodes, PodInfo[] pods, PodDisruptionBudgetInfo[] budgets, PodInfo pod,
        (string, StatusCode)[] statuses, string? wantNominated, string wantMessage)
    {
        var (status, nominated, _) = PostFilter(Cluster(nodes, pods, budgets), pod, statuses);
        Assert.False(string.IsNullOrEmpty(name));
        Assert.Equal(wantNominated, nominated);
        if (wantMessage.Length == 0) Assert.True(status.IsSuccess, status.Message);
        else
        {
            Assert.Equal(StatusCode.Unschedulable, status.Code);
            Assert.Equal(wantMessage, status.Message);
        }
    }

    [Fact]
    public void A_pod_that_never_preempts_is_not_eligible_and_keeps_its_nomination()
    {
        var cluster = Cluster([BareNode("node1").WithAllocatable(OnePod)], [P("p1").OnNode("node1")]);
        var (status, nominated, chosen) = PostFilter(cluster, P("p").WithPriority(HighPriority).NeverPreempting(), ("node1", StatusCode.Unschedulable));
        Assert.Equal(StatusCode.Unschedulable, status.Code);
        Assert.Equal("preemption: not eligible due to preemptionPolicy=Never.", status.Message);
        Assert.Null(nominated);
        Assert.Null(chosen);
    }

    public static TheoryData<string, string, StatusCode, string?> Terminating => new()
    {
        { "a victim being deleted by preemption on the nominated node makes the pod wait", Reasons.PreemptionByScheduler, StatusCode.Unschedulable, Reasons.NotEligibleTerminatingPod },
        { "a victim our executor evicted counts as terminating by preemption", Reasons.EvictionByEvictionApi, StatusCode.Unschedulable, Reasons.NotEligibleTerminatingPod },
        { "a pod deleted for another reason does not", "DeletionByTaintManager", StatusCode.Unschedulable, null },
        { "a nominated node the filters found unresolvable is preempted for again", Reasons.PreemptionByScheduler, StatusCode.UnschedulableAndUnresolvable, null },
    };

    [Theory]
    [MemberData(nameof(Terminating))]
    public void PodEligibleToPreemptOthers_waits_for_the_victims_of_an_earlier_preemption(string name, string reason, StatusCode nominatedStatus, string? want)
    {
        var cluster = Cluster([BareNode("node1").WithAllocatable(OnePod)], [P("victim").OnNode("node1").TerminatingBecause(reason)]);
        var pod = P("p").WithPriority(HighPriority).NominatedTo("node1").Build();
        Assert.False(string.IsNullOrEmpty(name));
        Assert.Equal(want, Core.Scheduling.Plugins.DefaultPreemption.PodEligibleToPreemptOthers(cluster, pod, new Status(nominatedStatus, [])));
    }

    /// <summary>TestDryRunPreemption: nodes of 500m cpu and 500 bytes (veryLargeRes), 32 pods, labelled hostname/zone/region from their name.</summary>
    private static NodeInfo DryRunNode(string spec)
    {
        var parts = spec.Split('/');
        var node = BareNode(parts[0]).WithAllocatable(500, "500", 32);
        string[] keys = ["hostname", "zone", "region"];
        for (var i = 0; i < parts.Length; i++) node.WithLabel(keys[i], parts[i]);
        return node;
    }

    public static TheoryData<string, string[], PodInfo[], PodDisruptionBudgetInfo[], PodInfo, string[]> DryRunCases => new()
    {
        {
            "a pod that fits on both nodes when lower priority pods are preempted",
            ["node1", "node2"],
            [Large(P("p1").OnNode("node1").WithPriority(MidPriority)), Large(P("p2").OnNode("node2").WithPriority(MidPriority))], [],
            Large(P("p").WithPriority(HighPriority)),
            ["node1: p1 (0)", "node2: p2 (0)"]
        },
        {
            "a pod that would fit on the nodes, but other pods running are higher priority, no preemption would happen",
            ["node1", "node2"],
            [Large(P("p1").OnNode("node1").WithPriority(MidPriority)), Large(P("p2").OnNode("node2").WithPriority(MidPriority))], [],
            Large(P("p").WithPriority(LowPriority)),
            []
        },
        {
            "medium priority pod is preempted, but lower priority one stays as it is small",
            ["node1", "node2"],
            [Small(P("p1.1").OnNode("node1").WithPriority(LowPriority)), Large(P("p1.2").OnNode("node1").WithPriority(MidPriority)), Large(P("p2").OnNode("node2").WithPriority(MidPriority))], [],
            Large(P("p").WithPriority(HighPriority)),
            ["node1: p1.2 (0)", "node2: p2 (0)"]
        },
        {
            "mixed priority pods are preempted",
            ["node1", "node2"],
            [
                Small(P("p1.1").OnNode("node1").WithPriority(MidPriority)), Small(P("p1.2").OnNode("node1").WithPriority(LowPriority)),
                Medium(P("p1.3").OnNode("node1").WithPriority(MidPriority)), Small(P("p1.4").OnNode("node1").WithPriority(HighPriority)),
                Large(P("p2").OnNode("node2").WithPriority(HighPriority)),
            ], [],
            Large(P("p").WithPriority(HighPriority)),
            ["node1: p1.2,p1.3 (0)"]
        },
        {
            "mixed priority pods are preempted, pick later StartTime one when priorities are equal",
            ["node1", "node2"],
            [
                Small(P("p1.1").OnNode("node1").WithPriority(LowPriority).StartedAt(Epoch(5))), Small(P("p1.2").OnNode("node1").WithPriority(LowPriority).StartedAt(Epoch(4))),
                Medium(P("p1.3").OnNode("node1").WithPriority(MidPriority).StartedAt(Epoch(3))), Small(P("p1.4").OnNode("node1").WithPriority(HighPriority).StartedAt(Epoch(2))),
                Large(P("p2").OnNode("node2").WithPriority(HighPriority).StartedAt(Epoch(1))),
            ], [],
            Large(P("p").WithPriority(HighPriority)),
            ["node1: p1.1,p1.3 (0)"]
        },
        {
            "pod with anti-affinity is preempted",
            ["node1", "node2"],
            [
                Small(P("p1.1").OnNode("node1").WithLabel("foo", "").WithPriority(LowPriority).WithPodAntiAffinity(PodTerm("hostname", LabelSelector(null, Exists("foo"))))),
                Small(P("p1.2").OnNode("node1").WithPriority(MidPriority)), Small(P("p1.3").OnNode("node1").WithPriority(HighPriority)),
                Small(P("p2").OnNode("node2").WithPriority(HighPriority)),
            ], [],
            Small(P("p").WithLabel("foo", "").WithPriority(HighPriority)),
            ["node1: p1.1 (0)"]
        },
        {
            "preemption to resolve pod topology spread filter failure",
            ["node-a/zone1", "node-b/zone1", "node-x/zone2"],
            [
                P("pod-a1").OnNode("node-a").WithLabel("foo", "").WithPriority(MidPriority), P("pod-a2").OnNode("node-a").WithLabel("foo", "").WithPriority(LowPriority),
                P("pod-b1").OnNode("node-b").WithLabel("foo", "").WithPriority(LowPriority),
                P("pod-x1").OnNode("node-x").WithLabel("foo", "").WithPriority(HighPriority), P("pod-x2").OnNode("node-x").WithLabel("foo", "").WithPriority(HighPriority),
            ], [],
            P("p").WithLabel("foo", "").WithPriority(HighPriority)
                .WithSpreadConstraint(Spread(1, "zone", UnsatisfiableConstraintAction.DoNotSchedule, LabelSelector(null, Exists("foo"))))
                .WithSpreadConstraint(Spread(1, "hostname", UnsatisfiableConstraintAction.DoNotSchedule, LabelSelector(null, Exists("foo")))),
            ["node-a: pod-a2 (0)", "node-b: pod-b1 (0)"]
        },
        {
            "preemption with violation of same pdb",
            ["node1"],
            [Medium(P("p1.1").OnNode("node1").WithLabel("app", "foo").WithPriority(MidPriority)), Medium(P("p1.2").OnNode("node1").WithLabel("app", "foo").WithPriority(MidPriority))],
            [Pdb("default", "pdb", MatchLabels(("app", "foo")), 1)],
            VeryLarge(P("p").WithPriority(HighPriority)),
            ["node1: p1.1,p1.2 (1)"]
        },
        {
            "preemption with violation of the pdb with pod whose eviction was processed, the victim doesn't belong to DisruptedPods",
            ["node1"],
            [Medium(P("p1.1").OnNode("node1").WithLabel("app", "foo").WithPriority(MidPriority)), Medium(P("p1.2").OnNode("node1").WithLabel("app", "foo").WithPriority(MidPriority))],
            [Pdb("default", "pdb", MatchLabels(("app", "foo")), 1, "p2")],
            VeryLarge(P("p").WithPriority(HighPriority)),
            ["node1: p1.1,p1.2 (1)"]
        },
        {
            "preemption with violation of the pdb with pod whose eviction was processed, the victim belongs to DisruptedPods",
            ["node1"],
            [Medium(P("p1.1").OnNode("node1").WithLabel("app", "foo").WithPriority(MidPriority)), Medium(P("p1.2").OnNode("node1").WithLabel("app", "foo").WithPriority(MidPriority))],
            [Pdb("default", "pdb", MatchLabels(("app", "foo")), 1, "p1.2")],
            VeryLarge(P("p").WithPriority(HighPriority)),
            ["node1: p1.1,p1.2 (0)"]
        },
        {
            "preemption with violation of the pdb with pod whose eviction was processed, the victim which belongs to DisruptedPods is treated as 'nonViolating'",
            ["node1"],
            [
                Medium(P("p1.1").OnNode("node1").WithLabel("app", "foo").WithPriority(MidPriority)), Medium(P("p1.2").OnNode("node1").WithLabel("app", "foo").WithPriority(MidPriority)),
                Medium(P("p1.3").OnNode("node1").WithLabel("app", "foo").WithPriority(MidPriority)),
            ],
            [Pdb("default", "pdb", MatchLabels(("app", "foo")), 1, "p1.3")],
            VeryLarge(P("p").WithPriority(HighPriority)),
            ["node1: p1.1,p1.2,p1.3 (1)"]
        },
    };

    private static DateTimeOffset Epoch(long nanoseconds) => DateTimeOffset.UnixEpoch.AddTicks(nanoseconds);

    private static string Describe(PreemptionCandidate c) => $"{c.Node}: {string.Join(',', c.Victims.Select(v => v.Key.Name).Order(StringComparer.Ordinal))} ({c.NumPdbViolations})";

    [Theory]
    [MemberData(nameof(DryRunCases))]
    public void DryRunPreemption_finds_the_victims_of_each_node(string name, string[] nodes, PodInfo[] pods, PodDisruptionBudgetInfo[] budgets, PodInfo pod, string[] want)
    {
        var cluster = Cluster(nodes.Select(DryRunNode), pods, budgets);
        var plugin = new Core.Scheduling.Plugins.DefaultPreemption();
        var framework = new SchedulingFramework(Profiles.Default());
        var (error, candidates) = plugin.DryRunPreemption(framework, cluster, null, pod, cluster.Nodes, cluster.PodDisruptionBudgets.ToList(), 0,
            plugin.CalculateNumCandidates(cluster.Nodes.Count), []);
        Assert.False(string.IsNullOrEmpty(name));
        Assert.Null(error);
        Assert.Equal(want, candidates.Select(Describe).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void all_nodes_are_possible_candidates_but_DefaultPreemptionArgs_limits_to_2()
    {
        var cluster = Cluster(new[] { "node1", "node2", "node3", "node4", "node5" }.Select(DryRunNode),
            Enumerable.Range(1, 5).Select(i => Large(P($"p{i}").OnNode($"node{i}").WithPriority(MidPriority)).Build()));
        var plugin = new Core.Scheduling.Plugins.DefaultPreemption(new DefaultPreemptionArgs { MinCandidateNodesPercentage = 40, MinCandidateNodesAbsolute = 1 });
        var (_, candidates) = plugin.DryRunPreemption(new SchedulingFramework(Profiles.Default()), cluster, null, Large(P("p").WithPriority(HighPriority)),
            cluster.Nodes, [], 4, plugin.CalculateNumCandidates(cluster.Nodes.Count), []);
        // cycle=0 => offset=4 => node5 (yes), node1 (yes)
        Assert.Equal(["node5: p5 (0)", "node1: p1 (0)"], candidates.Select(Describe));
    }

    public static TheoryData<string, int, int, int, int> NumCandidates => new()
    {
        { "no nodes", 0, 10, 100, 0 },
        { "nodes less than the absolute minimum", 75, 10, 100, 75 },
        { "a percentage below the absolute minimum", 500, 10, 100, 100 },
        { "a percentage above the absolute minimum", 5000, 10, 100, 500 },
        { "the absolute minimum above the node count", 20, 10, 30, 20 },
        { "a zero percentage", 5000, 0, 100, 100 },
    };

    [Theory]
    [MemberData(nameof(NumCandidates))]
    public void CalculateNumCandidates_takes_a_percentage_of_the_nodes_bounded_by_the_absolute_minimum(string name, int nodes, int percentage, int absolute, int want)
    {
        var plugin = new Core.Scheduling.Plugins.DefaultPreemption(new DefaultPreemptionArgs { MinCandidateNodesPercentage = percentage, MinCandidateNodesAbsolute = absolute });
        Assert.False(string.IsNullOrEmpty(name));
        Assert.Equal(want, plugin.CalculateNumCandidates(nodes));
    }

    private static PreemptionCandidate Candidate(string node, int violations, params PodInfo[] victims) => new(node, victims, violations);

    public static TheoryData<string, PreemptionCandidate[], string> PickOne => new()
    {
        {
            "a node with fewer PDB violations is picked first",
            [Candidate("node1", 1, P("a").WithPriority(LowPriority)), Candidate("node2", 0, P("b").WithPriority(HighPriority))], "node2"
        },
        {
            "a node with min highest priority pod is picked",
            [Candidate("node1", 0, P("a").WithPriority(HighPriority)), Candidate("node2", 0, P("b").WithPriority(MidPriority), P("c").WithPriority(LowPriority))], "node2"
        },
        {
            "when highest priorities are the same, minimum sum of lower priority pods is used",
            [Candidate("node1", 0, P("a").WithPriority(MidPriority), P("b").WithPriority(MidPriority)), Candidate("node2", 0, P("c").WithPriority(MidPriority), P("d").WithPriority(LowPriority))], "node2"
        },
        {
            "sum of adjusted priorities is considered",
            [Candidate("node1", 0, P("a").WithPriority(NegPriority), P("b").WithPriority(NegPriority)), Candidate("node2", 0, P("c").WithPriority(NegPriority))], "node2"
        },
        {
            "when highest priority and sum are the same, minimum number of pods is picked",
            [Candidate("node1", 0, P("a").WithPriority(MidPriority), P("b").WithPriority(LowPriority), P("c").WithPriority(LowPriority)),
             Candidate("node2", 0, P("d").WithPriority(MidPriority), P("e").WithPriority(LowPriority))], "node2"
        },
        {
            "same priority, same number of victims, different start time for each node's pod",
            [Candidate("node1", 0, P("a").WithPriority(MidPriority).StartedAt(Epoch(2))), Candidate("node2", 0, P("b").WithPriority(MidPriority).StartedAt(Epoch(3))),
             Candidate("node3", 0, P("c").WithPriority(MidPriority).StartedAt(Epoch(1)))], "node2"
        },
        {
            "the start time counted is the earliest among the highest-priority victims",
            [Candidate("node1", 0, P("a").WithPriority(MidPriority).StartedAt(Epoch(4)), P("b").WithPriority(MidPriority).StartedAt(Epoch(1))),
             Candidate("node2", 0, P("c").WithPriority(MidPriority).StartedAt(Epoch(3)), P("d").WithPriority(MidPriority).StartedAt(Epoch(2)))], "node2"
        },
        {
            "all ties: the first node",
            [Candidate("node1", 0, P("a").WithPriority(MidPriority)), Candidate("node2", 0, P("b").WithPriority(MidPriority))], "node1"
        },
    };

    [Theory]
    [MemberData(nameof(PickOne))]
    public void PickOneNodeForPreemption_applies_upstreams_criteria_in_order(string name, PreemptionCandidate[] candidates, string want)
    {
        Assert.False(string.IsNullOrEmpty(name));
        Assert.Equal(want, Core.Scheduling.Plugins.DefaultPreemption.PickOneNodeForPreemption(candidates));
    }

    [Fact]
    public void Victims_are_chosen_with_the_whole_filter_set_so_the_pods_claim_stays_bindable()
    {
        // Both nodes are full of low-priority pods; the pod's WaitForFirstConsumer claim has a PV only on node2. Without
        // its victims node1 still fails VolumeBinding, so node1 (first, and otherwise tied) is no candidate.
        var cluster = Cluster([Node("node1").WithAllocatable(500, "1Gi"), Node("node2").WithAllocatable(500, "1Gi")],
            [Large(P("low1").OnNode("node1")), Large(P("low2").OnNode("node2"))]);
        cluster.UpsertStorageClass(StorageClass("local").WaitForFirstConsumer());
        cluster.Volumes.Upsert(Volume("pv-2").WithClass("local").WithCapacity("1Gi").OnNode("node2"));
        cluster.UpsertClaim(Claim("default", "data").WithClass("local").Requesting("1Gi"));
        var framework = new SchedulingFramework(Profiles.Default());
        var result = framework.Schedule(cluster, Large(P("p").WithPriority(HighPriority).WithClaim("data")));
        Assert.Null(result.Selected);
        Assert.Equal("node2", result.NominatedNodeName);
        Assert.Equal(["low2"], Core.Scheduling.Plugins.DefaultPreemption.Chosen(result.Cycle)!.Victims.Select(v => v.Key.Name));
    }

    [Fact]
    public void A_pod_whose_only_obstacle_is_a_volume_preempts_nobody()
    {
        var cluster = Cluster([Node("node1").WithAllocatable(500, "1Gi")], [Small(P("low").OnNode("node1"))]);
        cluster.UpsertStorageClass(StorageClass("local").WaitForFirstConsumer());
        cluster.Volumes.Upsert(Volume("pv-elsewhere").WithClass("local").WithCapacity("1Gi").OnNode("node9"));
        cluster.UpsertClaim(Claim("default", "data").WithClass("local").Requesting("1Gi"));
        var result = new SchedulingFramework(Profiles.Default()).Schedule(cluster, P("p").WithPriority(HighPriority).WithClaim("data"));
        Assert.Equal("", result.NominatedNodeName);
        Assert.Null(Core.Scheduling.Plugins.DefaultPreemption.Chosen(result.Cycle));
        Assert.EndsWith("preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.", result.FailureMessage);
    }

    [Fact]
    public void A_nominated_pod_of_higher_priority_keeps_its_room_from_a_lower_priority_pod()
    {
        // RunFilterPluginsWithNominatedPods: node1 has room for one pod, promised to "first" (nominated there).
        var cluster = Cluster([BareNode("node1").WithAllocatable(OnePod)], [P("first").WithPriority(HighPriority).NominatedTo("node1")]);
        var framework = new SchedulingFramework(Profiles.Default());
        var lower = framework.Schedule(cluster, P("lower").WithPriority(LowPriority));
        Assert.Null(lower.Selected);
        Assert.StartsWith("0/1 nodes are available: 1 Too many pods.", lower.FailureMessage);
        var equal = framework.Schedule(cluster, P("equal").WithPriority(HighPriority));
        Assert.Null(equal.Selected);
        var higher = framework.Schedule(cluster, P("higher").WithPriority(VeryHighPriority));
        Assert.Equal("node1", higher.Selected?.Node.Name);
        var itself = framework.Schedule(cluster, P("first").WithPriority(HighPriority).NominatedTo("node1"));
        Assert.Equal("node1", itself.Selected?.Node.Name);
    }

    [Fact]
    public void The_nominated_node_is_tried_first_and_taken_when_it_fits()
    {
        var cluster = Cluster([BareNode("node1").WithAllocatable(500, "1Gi"), BareNode("node2").WithAllocatable(500, "1Gi")], []);
        var result = new SchedulingFramework(Profiles.Default()).Schedule(cluster, P("p").NominatedTo("node2"));
        Assert.Equal("node2", result.Selected?.Node.Name);
        Assert.Single(result.Nodes);
    }

    [Fact]
    public void WithPods_leaves_the_receiver_unchanged()
    {
        var cluster = Cluster([BareNode("node1").WithAllocatable(500, "1Gi")], [Small(P("a").OnNode("node1")), P("n").NominatedTo("node1")]);
        var changed = cluster.WithPods([Small(P("b").OnNode("node1"))], [new ObjectKey("default", "a"), new ObjectKey("default", "n")]);
        Assert.Equal(["a"], cluster.PodsOn("node1").Select(p => p.Key.Name));
        Assert.Equal(["n"], cluster.NominatedPodsOn("node1").Select(p => p.Key.Name));
        Assert.Equal(new Resources(100, 100, 0, 1), cluster.RequestedOn("node1"));
        Assert.Equal(["b"], changed.PodsOn("node1").Select(p => p.Key.Name));
        Assert.Empty(changed.NominatedPodsOn("node1"));
        Assert.False(changed.HasNominatedPods);
        Assert.Same(cluster.Volumes, changed.Volumes);
    }

    public static TheoryData<string, string, string> BadArgs => new()
    {
        { "percentage above 100", "minCandidateNodesPercentage: 101", "minCandidateNodesPercentage: Invalid value: 101: not in valid range [0, 100]" },
        { "negative absolute", "minCandidateNodesAbsolute: -1", "minCandidateNodesAbsolute: Invalid value: -1: not in valid range [0, inf)" },
        { "both zero", "minCandidateNodesPercentage: 0\nminCandidateNodesAbsolute: 0", "cannot be zero at the same time as minCandidateNodesAbsolute" },
    };

    [Fact]
    public void DefaultPreemptionArgs_default_to_10_percent_and_100_nodes()
    {
        Assert.Equal(new DefaultPreemptionArgs { MinCandidateNodesPercentage = 10, MinCandidateNodesAbsolute = 100 }, DefaultPreemptionArgs.Decode(null));
        Assert.Equal(new DefaultPreemptionArgs(), Profiles.Default().Get<Core.Scheduling.Plugins.DefaultPreemption>(Core.Scheduling.Plugins.DefaultPreemption.PluginName)!.Args);
    }

    [Theory]
    [MemberData(nameof(BadArgs))]
    public void DefaultPreemptionArgs_are_validated_as_upstream_does(string name, string yaml, string want)
    {
        var args = new DefaultPreemptionArgs();
        foreach (var line in yaml.Split('\n'))
        {
            var (field, value) = (line.Split(": ")[0], int.Parse(line.Split(": ")[1], System.Globalization.CultureInfo.InvariantCulture));
            args = field == "minCandidateNodesPercentage" ? args with { MinCandidateNodesPercentage = value } : args with { MinCandidateNodesAbsolute = value };
        }
        Assert.False(string.IsNullOrEmpty(name));
        Assert.Contains(args.Validate(), e => e.Contains(want, StringComparison.Ordinal));
    }
}
