using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Framework;

/// <summary>
/// Volumes are decided in the same cycle as the inter-pod rules: pods scheduled one after another as <c>run</c> does
/// (Schedule, Reserve, the pod assumed on its node), each cycle seeing the earlier replicas and their assumed PVs.
/// Each scenario is also run without the rule, to show that best fit alone would have piled the replicas up.
/// </summary>
public class VolumesWithInterPodRulesTests
{
    private const string Class = "local";

    private static ClusterState Cluster(IEnumerable<NodeInfo> nodes, IEnumerable<VolumeInfo> volumes)
    {
        var state = new ClusterState(new VolumeIndex());
        state.UpsertStorageClass(StorageClass(Class).WaitForFirstConsumer());
        foreach (var node in nodes) state.UpsertNode(node);
        foreach (var volume in volumes) state.Volumes.Upsert(volume);
        return state;
    }

    private static IEnumerable<VolumeInfo> LocalPvs(string node, int count, string size) =>
        Enumerable.Range(0, count).Select(i => (VolumeInfo)Volume($"pv-{node}-{i}").WithCapacity(size).WithClass(Class).OnNode(node));

    /// <summary>Schedules the pods in order; each placement is reserved and the pod assumed on its node. Returns pod → (node, PV).</summary>
    private static Dictionary<string, (string Node, string Volume)> ScheduleInOrder(ClusterState state, IEnumerable<PodInfo> pods)
    {
        var framework = new SchedulingFramework(Profiles.Default());
        var ledger = new AssumeLedger(state);
        var placed = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            var result = framework.Schedule(state, pod);
            Assert.True(result.Selected is not null, $"{pod.Key}: {result.FailureMessage}");
            Assert.True(framework.Reserve(result, ledger).IsSuccess);
            state.UpsertPod(pod with { NodeName = result.Selected.Node.Name });
            var binding = Assert.Single(result.Selected.Volumes!.StaticBindings);
            placed[pod.Key.Name] = (result.Selected.Node.Name, binding.Volume.Name);
        }
        return placed;
    }

    private static IEnumerable<PodInfo> Replicas(string set, int count, ClusterState state, Func<PodBuilder, PodBuilder> rule)
    {
        for (var i = 0; i < count; i++)
        {
            var claim = $"data-{set}-{i}";
            state.UpsertClaim(Claim("ns", claim).Requesting("10Gi").WithClass(Class));
            yield return rule(Pod("ns", $"{set}-{i}").WithLabel("app", set).WithClaim(claim));
        }
    }

    // node-a has the best-fitting PVs for every replica (10Gi for 10Gi claims); node-b and node-c have larger ones.
    private static ClusterState HostnameCluster() =>
        Cluster([Node("node-a"), Node("node-b"), Node("node-c")], [.. LocalPvs("node-a", 3, "10Gi"), .. LocalPvs("node-b", 3, "50Gi"), .. LocalPvs("node-c", 3, "100Gi")]);

    private static readonly PodAffinityTerm AwayFromOtherReplicas = PodTerm(HostnameLabel, MatchLabels(("app", "web")));

    [Fact]
    public void Required_anti_affinity_on_hostname_gives_each_replica_its_own_node_and_a_local_PV_there()
    {
        var state = HostnameCluster();
        var placed = ScheduleInOrder(state, [.. Replicas("web", 3, state, p => p.WithPodAntiAffinity(AwayFromOtherReplicas))]);

        Assert.Equal(["node-a", "node-b", "node-c"], placed.Values.Select(p => p.Node).Order(StringComparer.Ordinal));
        // The first replica takes node-a's best-fitting PV; the others the best fit of the nodes left to them.
        Assert.Equal(("node-a", "pv-node-a-0"), placed["web-0"]);
        Assert.All(placed.Values, p => Assert.StartsWith($"pv-{p.Node}-", p.Volume, StringComparison.Ordinal));
    }

    [Fact]
    public void Without_the_anti_affinity_best_fit_puts_every_replica_on_the_node_with_the_best_fitting_PVs()
    {
        var state = HostnameCluster();
        var placed = ScheduleInOrder(state, [.. Replicas("web", 3, state, p => p)]);
        Assert.All(placed.Values, p => Assert.Equal("node-a", p.Node));
        Assert.Equal(3, placed.Values.Select(p => p.Volume).Distinct().Count());
    }

    [Fact]
    public void A_replica_that_only_fits_beside_another_replica_is_rejected_by_the_anti_affinity_not_placed_there()
    {
        // Only node-a has PVs: the second replica has nowhere to go.
        var state = Cluster([Node("node-a"), Node("node-b")], LocalPvs("node-a", 2, "10Gi"));
        var pods = Replicas("web", 2, state, p => p.WithPodAntiAffinity(AwayFromOtherReplicas)).ToList();
        ScheduleInOrder(state, pods.Take(1));

        var result = new SchedulingFramework(Profiles.Default()).Schedule(state, pods[1]);

        Assert.Null(result.Selected);
        Assert.Equal(
            $"0/2 nodes are available: 1 {Reasons.BindConflict}, 1 {Reasons.PodAntiAffinityRulesNotMatch}. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.",
            result.FailureMessage);
    }

    // zone-1 has the best-fitting PVs (10Gi, enough for every replica); zone-2 and zone-3 have larger ones.
    private static ClusterState ZoneCluster() =>
        Cluster(
            [Node("node-1a").InZone("zone-1"), Node("node-1b").InZone("zone-1"), Node("node-2a").InZone("zone-2"), Node("node-3a").InZone("zone-3")],
            [.. LocalPvs("node-1a", 3, "10Gi"), .. LocalPvs("node-1b", 3, "10Gi"), .. LocalPvs("node-2a", 3, "20Gi"), .. LocalPvs("node-3a", 3, "40Gi")]);

    [Fact]
    public void A_zone_spread_constraint_with_maxSkew_1_spreads_replicas_over_the_three_zones_with_a_local_PV_each()
    {
        var state = ZoneCluster();
        var spread = Spread(1, ZoneLabel, UnsatisfiableConstraintAction.DoNotSchedule, MatchLabels(("app", "db")));
        var placed = ScheduleInOrder(state, [.. Replicas("db", 6, state, p => p.WithSpreadConstraint(spread))]);

        var perZone = placed.Values.GroupBy(p => state.GetNode(p.Node)!.Labels[ZoneLabel]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["zone-1"] = 2, ["zone-2"] = 2, ["zone-3"] = 2 }, perZone);
        // Replica by replica the skew never exceeds 1: the first goes to the best fit, the next two to the other zones.
        Assert.Equal("zone-1", state.GetNode(placed["db-0"].Node)!.Labels[ZoneLabel]);
        Assert.Equal(["zone-2", "zone-3"], new[] { "db-1", "db-2" }.Select(p => state.GetNode(placed[p].Node)!.Labels[ZoneLabel]).Order(StringComparer.Ordinal));
        Assert.All(placed.Values, p => Assert.StartsWith($"pv-{p.Node}-", p.Volume, StringComparison.Ordinal));
        Assert.Equal(6, placed.Values.Select(p => p.Volume).Distinct().Count());
    }

    [Fact]
    public void Without_the_spread_constraint_best_fit_keeps_every_replica_in_the_zone_with_the_best_fitting_PVs()
    {
        var state = ZoneCluster();
        var placed = ScheduleInOrder(state, [.. Replicas("db", 6, state, p => p)]);
        Assert.All(placed.Values, p => Assert.Equal("zone-1", state.GetNode(p.Node)!.Labels[ZoneLabel]));
    }
}
