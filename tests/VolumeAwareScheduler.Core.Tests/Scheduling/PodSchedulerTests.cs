using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling;

public class PodSchedulerTests
{
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

    [Fact]
    public void Best_fit_picks_the_node_whose_volume_leaves_least_unused_capacity()
    {
        var state = Cluster([Node("node-a"), Node("node-b"), Node("node-c")],
            [LocalPv("pv-a", "200Gi", "node-a"), LocalPv("pv-b", "60Gi", "node-b"), LocalPv("pv-c", "100Gi", "node-c")],
            LocalClaim("data", "50Gi"));
        var result = new PodScheduler(state).Schedule(Pod("ns", "pod").WithClaim("data"));

        Assert.Equal("node-b", result.Selected?.Node.Name);
        Assert.Equal("pv-b", Assert.Single(result.Selected!.Volumes!.StaticBindings).Volume.Name);
        var scores = result.Nodes.ToDictionary(n => n.Node.Name, n => n.Score);
        Assert.Equal(new Dictionary<string, int> { ["node-a"] = 0, ["node-b"] = 10, ["node-c"] = 5 }, scores);
        Assert.Equal(Quantity.Parse("10Gi"), result.Selected.UnusedBytes);
    }

    [Fact]
    public void Equal_fits_are_broken_by_node_name_and_share_the_top_score()
    {
        var state = Cluster([Node("node-b"), Node("node-a")], [LocalPv("pv-b", "100Gi", "node-b"), LocalPv("pv-a", "100Gi", "node-a")], LocalClaim("data", "50Gi"));
        var result = new PodScheduler(state).Schedule(Pod("ns", "pod").WithClaim("data"));
        Assert.Equal("node-a", result.Selected?.Node.Name);
        Assert.All(result.Nodes, n => Assert.Equal(PodScheduler.MaxExtenderScore, n.Score));
    }

    [Fact]
    public void Unused_capacity_is_summed_over_the_pods_claims()
    {
        var state = Cluster([Node("node-a"), Node("node-b")],
            [LocalPv("pv-a1", "10Gi", "node-a"), LocalPv("pv-a2", "100Gi", "node-a"), LocalPv("pv-b1", "40Gi", "node-b"), LocalPv("pv-b2", "40Gi", "node-b")],
            LocalClaim("small", "10Gi"), LocalClaim("big", "30Gi"));
        var result = new PodScheduler(state).Schedule(Pod("ns", "pod").WithClaim("small").WithClaim("big"));
        // node-a: 0 + 70Gi unused; node-b: 30Gi + 10Gi unused.
        Assert.Equal("node-b", result.Selected?.Node.Name);
        Assert.Equal(Quantity.Parse("40Gi"), result.Selected!.UnusedBytes);
    }

    [Fact]
    public void Scores_stay_on_the_extender_scale()
    {
        var nodes = Enumerable.Range(0, 25).Select(i => (NodeInfo)Node($"node-{i:D2}")).ToList();
        var volumes = nodes.Select((n, i) => (VolumeInfo)LocalPv($"pv-{i:D2}", $"{10 + i}Gi", n.Name)).ToList();
        var result = new PodScheduler(Cluster(nodes, volumes, LocalClaim("data", "10Gi"))).Schedule(Pod("ns", "pod").WithClaim("data"));
        Assert.All(result.Nodes, n => Assert.InRange(n.Score, 0, PodScheduler.MaxExtenderScore));
        Assert.Equal(10, result.Nodes.Single(n => n.Node.Name == "node-00").Score);
        Assert.Equal(0, result.Nodes.Single(n => n.Node.Name == "node-24").Score);
        Assert.Equal("node-00", result.Selected?.Node.Name);
    }

    [Fact]
    public void The_extenders_failed_nodes_carry_each_nodes_reasons()
    {
        var state = Cluster([Node("node-a"), Node("node-b").Unschedulable()], [LocalPv("pv-b", "10Gi", "node-b")], LocalClaim("data", "5Gi"));
        var result = new PodScheduler(state).Schedule(Pod("ns", "pod").WithClaim("data"));
        Assert.Null(result.Selected);
        Assert.Equal(new Dictionary<string, string> { ["node-a"] = Reasons.BindConflict, ["node-b"] = Reasons.NodeUnschedulable }, result.FailedNodes);
        Assert.Equal("0/2 nodes are available: 1 node(s) didn't find available persistent volumes to bind, 1 node(s) were unschedulable.", result.FailureMessage);
    }
}
