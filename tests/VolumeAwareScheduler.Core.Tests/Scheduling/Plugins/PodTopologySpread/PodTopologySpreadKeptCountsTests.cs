using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.PodTopologySpread;

/// <summary>
/// PodTopologySpread reads the per-domain counts the cluster state keeps when a constraint's inclusion policies admit
/// every node, and counts node by node (upstream's loop in calPreFilterState and PreScore) otherwise. On seeded
/// random clusters, a pod and the same pod with a nodeSelector every node matches (which takes the node-by-node
/// path) must get the same PreFilter, Filter, PreScore, Score and NormalizeScore answers, before and after the
/// cluster changes under kept counts.
/// </summary>
public class PodTopologySpreadKeptCountsTests
{
    private const string RackLabel = "example.com/rack";

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Kept_counts_decide_as_counting_node_by_node(int seed)
    {
        var random = new Random(seed);
        var cluster = new ClusterState(new VolumeIndex());
        for (var i = 0; i < 12; i++)
        {
            var node = Node($"node-{i}").WithLabel("all", "yes");
            if (random.Next(6) > 0) node.InZone($"z{random.Next(3)}");
            if (random.Next(2) == 0) node.WithLabel(RackLabel, $"r{random.Next(2)}");
            cluster.UpsertNode(node);
        }
        for (var i = 0; i < 20; i++) cluster.UpsertPod(RandomPod(random, $"p{i}"));

        var pod = IncomingPod(random);
        var everyNode = pod.WithNodeSelector("all", "yes").Build();
        var kept = Pod("ns", "incoming").WithLabels(everyNode.Labels);
        foreach (var c in everyNode.TopologySpreadConstraints) kept.WithSpreadConstraint(c);
        var keptPod = kept.Build();

        Assert.Equal(Decide(cluster, everyNode), Decide(cluster, keptPod));
        for (var i = 0; i < 20; i++)
        {
            cluster.UpsertPod(RandomPod(random, $"p{random.Next(40)}"));
            if (random.Next(4) == 0) cluster.RemovePod(new ObjectKey("ns", $"p{random.Next(40)}"));
        }
        Assert.Equal(Decide(cluster, everyNode), Decide(cluster, keptPod));
    }

    private static PodInfo RandomPod(Random random, string name)
    {
        var pod = Pod(random.Next(5) == 0 ? "other" : "ns", name).WithLabel("app", random.Next(3) == 0 ? "b" : "a")
            .OnNode($"node-{random.Next(12)}");
        if (random.Next(8) == 0) pod.Terminating();
        return pod.Build();
    }

    private static PodBuilder IncomingPod(Random random)
    {
        var pod = Pod("ns", "incoming").WithLabel("app", "a");
        var keys = new[] { ZoneLabel, RackLabel, HostnameLabel }.OrderBy(_ => random.Next()).Take(random.Next(1, 3));
        foreach (var key in keys)
        {
            var selector = random.Next(3) switch
            {
                0 => MatchLabels(("app", "a")),
                1 => LabelSelector(null, In("app", "a", "b")),
                _ => MatchLabels(("app", "b")),
            };
            var action = random.Next(2) == 0 ? UnsatisfiableConstraintAction.DoNotSchedule : UnsatisfiableConstraintAction.ScheduleAnyway;
            pod.WithSpreadConstraint(Spread(random.Next(1, 3), key, action, selector, minDomains: random.Next(3) == 0 ? 4 : null));
        }
        return pod;
    }

    /// <summary>Every PodTopologySpread answer about every node, as text.</summary>
    private static List<string> Decide(ClusterState cluster, PodInfo pod)
    {
        var plugin = new VolumeAwareScheduler.Core.Scheduling.Plugins.PodTopologySpread();
        var nodes = cluster.Nodes;
        var cycle = new CycleState(cluster, nodes);
        var lines = new List<string>();
        var preFilter = plugin.PreFilter(cycle, pod, out _);
        lines.Add($"prefilter {preFilter.Code}");
        var feasible = new List<NodeInfo>();
        for (var i = 0; i < nodes.Count; i++)
        {
            var status = preFilter.IsSkip ? Status.Success : plugin.Filter(cycle, pod, nodes[i], i);
            lines.Add($"filter {nodes[i].Name} {status.Code} {string.Join(",", status.Reasons)}");
            if (status.IsSuccess) feasible.Add(nodes[i]);
        }
        var preScore = plugin.PreScore(cycle, pod, feasible);
        lines.Add($"prescore {preScore.Code}");
        if (!preScore.IsSuccess) return lines;
        var scores = new NodeScore[feasible.Count];
        for (var i = 0; i < feasible.Count; i++) scores[i] = new NodeScore(feasible[i].Name, plugin.Score(cycle, pod, feasible[i], i, out _));
        lines.Add("scores " + string.Join(" ", scores.Select(s => s.Score)));
        plugin.NormalizeScore(cycle, pod, scores);
        lines.Add("normalized " + string.Join(" ", scores.Select(s => s.Score)));
        return lines;
    }
}
