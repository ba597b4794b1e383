using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;
using VolumeAwareScheduler.Core.Scheduling.Plugins.Helper;
using static VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.PodTopologySpread.PodTopologySpreadFilteringTests;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.PodTopologySpread;

/// <summary>
/// Default constraints (PodTopologySpreadArgs) and their selector, helper/spread.go DefaultSelector: the Services of
/// the pod's namespace that select it, and its controlling ReplicationController, ReplicaSet or StatefulSet.
/// </summary>
public class DefaultSpreadingTests
{
    private static PodBuilder Web() => P("web-0").WithLabel("app", "web").WithLabel("tier", "front");

    public static TheoryData<string, string> Selectors => new()
    {
        { "no Service nor controller", "" },
        { "a Service selecting the pod", "app=web" },
        { "a Service without selector selects nothing", "" },
        { "a Service of another namespace", "" },
        { "a Service whose selector the pod does not match", "" },
        { "a ReplicaSet controller adds its selector's requirements", "app=web,tier in (front)" },
        { "a StatefulSet controller adds its selector's requirements", "app in (web)" },
        { "a ReplicationController controller merges its selector", "app=web,tier=front" },
        { "a controller of an unknown kind adds nothing", "" },
        { "a ReplicaSet of another apiVersion is not looked up", "" },
        { "a missing ReplicaSet adds nothing", "" },
    };

    [Theory]
    [MemberData(nameof(Selectors))]
    public void DefaultSelector_like_helper_spread_go(string name, string want)
    {
        var state = Cluster([], []);
        var pod = Web();
        switch (name)
        {
            case "a Service selecting the pod": state.UpsertService(new ServiceInfo(new("default", "web"), Labels(("app", "web")))); break;
            case "a Service without selector selects nothing": state.UpsertService(new ServiceInfo(new("default", "web"), null)); break;
            case "a Service of another namespace": state.UpsertService(new ServiceInfo(new("other", "web"), Labels(("app", "web")))); break;
            case "a Service whose selector the pod does not match": state.UpsertService(new ServiceInfo(new("default", "db"), Labels(("app", "db")))); break;
            case "a ReplicaSet controller adds its selector's requirements":
                state.UpsertService(new ServiceInfo(new("default", "web"), Labels(("app", "web"))));
                state.UpsertReplicaSet(new ReplicaSetInfo(new("default", "web-5d4f"), MatchLabels(("tier", "front"))));
                pod.ControlledBy("apps/v1", "ReplicaSet", "web-5d4f");
                break;
            case "a StatefulSet controller adds its selector's requirements":
                state.UpsertStatefulSet(new StatefulSetInfo(new("default", "web"), LabelSelector(null, In("app", "web"))));
                pod.ControlledBy("apps/v1", "StatefulSet", "web");
                break;
            case "a ReplicationController controller merges its selector":
                state.UpsertReplicationController(new ReplicationControllerInfo(new("default", "web"), Labels(("app", "web"), ("tier", "front"))));
                pod.ControlledBy("v1", "ReplicationController", "web");
                break;
            case "a controller of an unknown kind adds nothing":
                pod.ControlledBy("batch/v1", "Job", "web");
                break;
            case "a ReplicaSet of another apiVersion is not looked up":
                state.UpsertReplicaSet(new ReplicaSetInfo(new("default", "web"), MatchLabels(("app", "web"))));
                pod.ControlledBy("apps/v1beta2", "ReplicaSet", "web");
                break;
            case "a missing ReplicaSet adds nothing":
                pod.ControlledBy("apps/v1", "ReplicaSet", "web");
                break;
        }
        Assert.Equal(want, SpreadSelector.DefaultSelector(pod, state).ToString());
    }

    [Fact]
    public void System_defaults_spread_a_ReplicaSets_pods_by_hostname_and_zone_and_a_node_without_zone_still_by_hostname()
    {
        // scoring_test.go TestPreScoreStateEmptyNodes "system default constraints and a replicaset": nodes without a
        // zone are not excluded, they form the zone "".
        var nodes = new[] { N("node-a", (HostnameLabel, "node-a"), (ZoneLabel, "mars")), N("node-b", (HostnameLabel, "node-b"), (ZoneLabel, "mars")), N("node-c", (HostnameLabel, "node-c")) };
        var state = Cluster(nodes, [On("p-a1", "node-a", "foo"), On("p-a2", "node-a", "foo"), On("p-b1", "node-b", "foo")]);
        state.UpsertReplicaSet(new ReplicaSetInfo(new("default", "rs1"), LabelSelector(null, Exists("foo"))));
        var pod = P().WithLabel("foo", "tar").ControlledBy("apps/v1", "ReplicaSet", "rs1").Build();
        var plugin = new VolumeAwareScheduler.Core.Scheduling.Plugins.PodTopologySpread();
        var cycle = new CycleState(state, state.Nodes);

        Assert.Equal(StatusCode.Skip, plugin.PreFilter(cycle, pod, out _).Code); // ScheduleAnyway only: nothing to filter
        Assert.Equal(StatusCode.Success, plugin.PreScore(cycle, pod, nodes).Code);
        var scores = nodes.Select((n, i) => new NodeScore(n.Name, plugin.Score(cycle, pod, n, i, out _))).ToArray();
        Assert.True(plugin.NormalizeScore(cycle, pod, scores).IsSuccess);
        // hostname (maxSkew 3, weight ln 5): 2/1/0 pods; zone (maxSkew 5, weight ln 4): mars holds 3, node-c has no zone
        // label and scores by hostname only. Raw: a 2·ln5+2 + 3·ln4+4 = 13, b 1·ln5+2 + 3·ln4+4 = 12, c 0+2 = 2;
        // normalized 100·(13+2−s)/13.
        Assert.Equal([15L, 23, 100], scores.Select(s => s.Score).ToArray());
    }

    [Fact]
    public void A_pod_with_constraints_of_its_own_gets_no_default_constraints()
    {
        var state = Cluster([N("node-a", (HostnameLabel, "node-a"), ("planet", "mars"))], []);
        state.UpsertReplicaSet(new ReplicaSetInfo(new("default", "rs1"), LabelSelector(null, Exists("foo"))));
        var pod = P().WithLabel("foo", "").ControlledBy("apps/v1", "ReplicaSet", "rs1")
            .WithSpreadConstraint(Spread(1, "zone", UnsatisfiableConstraintAction.DoNotSchedule, LabelSelector(null, Exists("bar")))).Build();
        var plugin = new VolumeAwareScheduler.Core.Scheduling.Plugins.PodTopologySpread();
        var cycle = new CycleState(state, state.Nodes);
        // Its DoNotSchedule constraint is used (the node lacks "zone"); no ScheduleAnyway constraint is left to score.
        Assert.Equal(StatusCode.Success, plugin.PreFilter(cycle, pod, out _).Code);
        Assert.Equal([Reasons.TopologySpreadNodeLabelNotMatch], plugin.Filter(cycle, pod, state.Nodes[0], 0).Reasons.ToArray());
        Assert.Equal(StatusCode.Skip, plugin.PreScore(cycle, pod, state.Nodes).Code);
    }

    public static TheoryData<string, string[]> InvalidArgs => new()
    {
        { "System with constraints", ["defaultConstraints: Invalid value: when .defaultingType is \"System\", .defaultConstraints must be empty"] },
        { "zero maxSkew", ["defaultConstraints[0].maxSkew: Invalid value: 0: must be greater than zero"] },
        { "a selector", ["defaultConstraints[0].labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod"] },
        { "a duplicate", ["defaultConstraints[1]: Duplicate value: {zone, ScheduleAnyway}"] },
    };

    [Theory]
    [MemberData(nameof(InvalidArgs))]
    public void Invalid_args_are_rejected_with_every_problem(string name, string[] want)
    {
        var zone = new TopologySpreadConstraint(1, "zone", UnsatisfiableConstraintAction.ScheduleAnyway, null);
        var args = name switch
        {
            "System with constraints" => new PodTopologySpreadArgs { DefaultConstraints = [zone] },
            "zero maxSkew" => new PodTopologySpreadArgs { DefaultingType = TopologySpreadDefaulting.List, DefaultConstraints = [zone with { MaxSkew = 0 }] },
            "a selector" => new PodTopologySpreadArgs { DefaultingType = TopologySpreadDefaulting.List, DefaultConstraints = [zone with { LabelSelector = LabelSelector() }] },
            _ => new PodTopologySpreadArgs { DefaultingType = TopologySpreadDefaulting.List, DefaultConstraints = [zone, zone] },
        };
        Assert.Equal(want, args.Validate());
        Assert.Throws<ArgumentException>(() => new VolumeAwareScheduler.Core.Scheduling.Plugins.PodTopologySpread(args));
    }
}
