using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Framework;

public class SchedulingFrameworkTests
{
    private static readonly SchedulingFramework Default = new(Profiles.Default());

    private static ClusterState Cluster(IEnumerable<NodeInfo> nodes, IEnumerable<VolumeInfo> volumes, params ClaimInfo[] claims)
    {
        var state = new ClusterState(new VolumeIndex());
        state.UpsertStorageClass(StorageClass("local").WaitForFirstConsumer());
        foreach (var n in nodes) state.UpsertNode(n);
        foreach (var v in volumes) state.Volumes.Upsert(v);
        foreach (var c in claims) state.UpsertClaim(c);
        return state;
    }

    private static ClaimInfo LocalClaim(string name, string size) => Claim("ns", name).Requesting(size).WithClass("local");

    private static VolumeBuilder LocalPv(string name, string size, string node) => Volume(name).WithCapacity(size).WithClass("local").OnNode(node);

    private static long ScoreOf(NodeOutcome outcome, string plugin) => outcome.Scores.Single(s => s.Plugin == plugin).Weighted;

    [Fact]
    public void Best_fit_scores_each_node_by_the_requested_share_of_its_chosen_volume()
    {
        var state = Cluster([Node("node-a"), Node("node-b"), Node("node-c")],
            [LocalPv("pv-a", "200Gi", "node-a"), LocalPv("pv-b", "60Gi", "node-b"), LocalPv("pv-c", "100Gi", "node-c")],
            LocalClaim("data", "50Gi"));
        var result = Default.Schedule(state, Pod("ns", "pod").WithClaim("data"));

        Assert.Equal("node-b", result.Selected?.Node.Name);
        Assert.Equal("pv-b", Assert.Single(result.Selected!.Volumes!.StaticBindings).Volume.Name);
        // Utilization 50/200, 50/60, 50/100 through the best-fit shape {0→0, 100→10}, in framework units (×10).
        var scores = result.Nodes.ToDictionary(n => n.Node.Name, n => ScoreOf(n, VolumeBinding.PluginName));
        Assert.Equal(new Dictionary<string, long> { ["node-a"] = 25, ["node-b"] = 83, ["node-c"] = 50 }, scores);
    }

    [Fact]
    public void Upstreams_shape_prefers_the_node_with_the_most_free_capacity()
    {
        var state = Cluster([Node("node-a"), Node("node-b")], [LocalPv("pv-a", "200Gi", "node-a"), LocalPv("pv-b", "60Gi", "node-b")], LocalClaim("data", "50Gi"));
        var upstream = new SchedulingFramework(Profiles.Default(volumeBinding: new VolumeBindingArgs { Shape = VolumeBindingArgs.UpstreamShape }));
        var result = upstream.Schedule(state, Pod("ns", "pod").WithClaim("data"));
        Assert.Equal("node-a", result.Selected?.Node.Name);
        Assert.Equal(75, ScoreOf(result.Selected!, VolumeBinding.PluginName)); // 100 - 25
    }

    [Fact]
    public void Equal_totals_are_broken_by_node_name()
    {
        var state = Cluster([Node("node-b"), Node("node-a")], [LocalPv("pv-b", "100Gi", "node-b"), LocalPv("pv-a", "100Gi", "node-a")], LocalClaim("data", "50Gi"));
        var result = Default.Schedule(state, Pod("ns", "pod").WithClaim("data"));
        Assert.Equal("node-a", result.Selected?.Node.Name);
        Assert.Equal(result.Nodes[0].TotalScore, result.Nodes[1].TotalScore);
    }

    [Fact]
    public void Requests_and_capacities_of_one_class_are_summed_over_the_pods_claims()
    {
        var state = Cluster([Node("node-a"), Node("node-b")],
            [LocalPv("pv-a1", "10Gi", "node-a"), LocalPv("pv-a2", "100Gi", "node-a"), LocalPv("pv-b1", "40Gi", "node-b"), LocalPv("pv-b2", "40Gi", "node-b")],
            LocalClaim("small", "10Gi"), LocalClaim("big", "30Gi"));
        var result = Default.Schedule(state, Pod("ns", "pod").WithClaim("small").WithClaim("big"));
        // node-a: 40Gi of 110Gi (36); node-b: 40Gi of 80Gi (50).
        Assert.Equal("node-b", result.Selected?.Node.Name);
        Assert.Equal(50, ScoreOf(result.Selected!, VolumeBinding.PluginName));
        Assert.Equal(36, ScoreOf(result.Nodes.Single(n => n.Node.Name == "node-a"), VolumeBinding.PluginName));
    }

    [Fact]
    public void The_total_is_the_weighted_sum_of_the_normalized_scores()
    {
        // node-a has a PreferNoSchedule taint the pod does not tolerate: TaintToleration (weight 3) gives it 0, node-b 100.
        var state = Cluster([Node("node-a").WithTaint("slow", "", TaintEffect.PreferNoSchedule), Node("node-b")],
            [LocalPv("pv-a", "55Gi", "node-a"), LocalPv("pv-b", "100Gi", "node-b")], LocalClaim("data", "50Gi"));
        var result = Default.Schedule(state, Pod("ns", "pod").WithClaim("data"));

        var a = result.Nodes.Single(n => n.Node.Name == "node-a");
        var b = result.Nodes.Single(n => n.Node.Name == "node-b");
        Assert.Equal(new PluginScore(TaintToleration.PluginName, 1, 0, 0), a.Scores.Single(s => s.Plugin == TaintToleration.PluginName));
        Assert.Equal(new PluginScore(TaintToleration.PluginName, 0, 100, 300), b.Scores.Single(s => s.Plugin == TaintToleration.PluginName));
        Assert.Equal(a.Scores.Sum(s => s.Weighted), a.TotalScore);
        // node-a's better fit (90 against 50) does not outweigh the taint's 300.
        Assert.Equal("node-b", result.Selected?.Node.Name);
    }

    [Fact]
    public void The_failed_nodes_carry_each_nodes_reasons()
    {
        var state = Cluster([Node("node-a"), Node("node-b").Unschedulable()], [LocalPv("pv-b", "10Gi", "node-b")], LocalClaim("data", "5Gi"));
        var result = Default.Schedule(state, Pod("ns", "pod").WithClaim("data"));
        Assert.Null(result.Selected);
        Assert.Equal(new Dictionary<string, string> { ["node-a"] = Reasons.BindConflict, ["node-b"] = Reasons.NodeUnschedulable }, result.FailedNodes);
        Assert.Equal("0/2 nodes are available: 1 node(s) didn't find available persistent volumes to bind, 1 node(s) were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.", result.FailureMessage);
    }

    [Fact]
    public void A_cluster_without_nodes_is_an_error_as_ErrNoNodesAvailable()
    {
        var result = Default.Schedule(Cluster([], []), Pod("ns", "pod"));
        Assert.Equal(Reasons.NoNodesAvailable, result.FailureMessage);
    }

    [Fact]
    public void Nodes_a_PreFilterResult_leaves_out_did_not_satisfy_the_plugin()
    {
        // NodeAffinity's PreFilter turns a metadata.name In term into a PreFilterResult (node_affinity.go PreFilter).
        var state = Cluster([Node("node-a"), Node("node-b"), Node("node-c")], []);
        var pod = Pod("ns", "pod").WithRequiredAffinity(Selector(FieldTerm([In("metadata.name", "node-b")]))).Build();
        var result = Default.Schedule(state, pod);
        Assert.Equal("node-b", result.Selected?.Node.Name);
        Assert.Equal(new Dictionary<string, string>
        {
            ["node-a"] = "node(s) didn't satisfy plugin(s) [NodeAffinity]",
            ["node-c"] = "node(s) didn't satisfy plugin(s) [NodeAffinity]",
        }, result.FailedNodes);
    }

    [Fact]
    public void Required_terms_that_each_name_nodes_but_none_in_common_conflict()
    {
        var state = Cluster([Node("node-a"), Node("node-b")], []);
        var pod = Pod("ns", "pod").WithRequiredAffinity(Selector(FieldTerm([In("metadata.name", "node-a"), In("metadata.name", "node-b")]))).Build();
        var result = Default.Schedule(state, pod);
        Assert.Null(result.Selected);
        Assert.Equal("0/2 nodes are available: pod affinity terms conflict. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.", result.FailureMessage);
    }

    // Ported from pkg/scheduler/schedule_one_test.go TestNumFeasibleNodesToFind (the profile's percentage; a global
    // one is merged into the profile when the configuration is loaded).
    public static TheoryData<string, int, int, int> FeasibleNodesToFind => new()
    {
        { "not set percentageOfNodesToScore and nodes number not more than 50", 0, 10, 10 },
        { "set profile percentageOfNodesToScore and nodes number not more than 50", 40, 10, 10 },
        { "not set percentageOfNodesToScore and nodes number more than 50", 0, 1000, 420 },
        { "set profile percentageOfNodesToScore and nodes number more than 50", 40, 1000, 400 },
        { "not set profile percentageOfNodesToScore and nodes number more than 50*125", 0, 6000, 300 },
        { "set profile percentageOfNodesToScore and nodes number more than 50*125", 40, 6000, 2400 },
    };

    [Theory]
    [MemberData(nameof(FeasibleNodesToFind))]
    public void NumFeasibleNodesToFind_like_upstream(string name, int percentage, int numAllNodes, int want) =>
        Assert.True(want == SchedulingFramework.NumFeasibleNodesToFind(percentage, numAllNodes), name);

    [Fact]
    public void Filtering_stops_at_the_percentage_of_nodes_to_score_and_the_next_cycle_starts_after()
    {
        var state = Cluster(Enumerable.Range(0, 300).Select(i => (NodeInfo)Node($"node-{i:D3}")), []);
        var framework = new SchedulingFramework(Profiles.Default(percentageOfNodesToScore: 50));
        var first = framework.Schedule(state, Pod("ns", "one"));
        Assert.Equal(150, first.Nodes.Count);
        Assert.Equal("node-000", first.Nodes[0].Node.Name);
        var second = framework.Schedule(state, Pod("ns", "two"));
        Assert.Equal(150, second.Nodes.Count);
        Assert.Equal("node-150", second.Nodes[0].Node.Name);
        Assert.Empty(first.Nodes.Select(n => n.Node.Name).Intersect(second.Nodes.Select(n => n.Node.Name)));
    }

    [Fact]
    public void A_failing_reserve_unreserves_and_leaves_no_assumption()
    {
        var state = Cluster([Node("node-a")], [LocalPv("pv-a", "10Gi", "node-a")], LocalClaim("data", "5Gi"));
        var ledger = new AssumeLedger(state);
        var result = Default.Schedule(state, Pod("ns", "pod").WithClaim("data"));
        // The PV changes after the decision: AssumePodVolumes refuses the out-of-date choice (assume_cache.go).
        state.Volumes.Upsert(state.Volumes.Get("pv-a")! with { ResourceVersion = "2" });
        var reserved = Default.Reserve(result, ledger);
        Assert.Equal(StatusCode.Error, reserved.Code);
        Assert.Equal(VolumeBinding.PluginName, reserved.Plugin);
        Assert.Equal(0, ledger.Count);
    }

    [Fact]
    public void Reserve_assumes_the_chosen_volumes_so_the_next_pod_cannot_take_them()
    {
        var state = Cluster([Node("node-a")], [LocalPv("pv-a", "10Gi", "node-a")], LocalClaim("one", "5Gi"), LocalClaim("two", "5Gi"));
        var ledger = new AssumeLedger(state);
        var first = Default.Schedule(state, Pod("ns", "first").WithClaim("one"));
        Assert.True(Default.Reserve(first, ledger).IsSuccess);
        var second = Default.Schedule(state, Pod("ns", "second").WithClaim("two"));
        Assert.Null(second.Selected);
        Assert.Equal($"0/1 nodes are available: 1 {Reasons.BindConflict}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.", second.FailureMessage);
        Default.Unreserve(first, ledger);
        Assert.Equal("node-a", Default.Schedule(state, Pod("ns", "second").WithClaim("two")).Selected?.Node.Name);
    }
}
