using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;
using static VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.PodTopologySpread.PodTopologySpreadFilteringTests;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.PodTopologySpread;

/// <summary>
/// Ported from pkg/scheduler/framework/plugins/podtopologyspread/scoring_test.go (the version stored for Kubernetes
/// v1.37's tree): TestPodTopologySpreadScore under SystemDefaulting, as upstream runs it, with upstream's case names and
/// scores; the two rows of TestPreScoreSkip. Upstream's namespace "" is "default".
/// Left out: "matchLabelKeys ignored when feature gate disabled" (MatchLabelKeysInPodTopologySpread is on in v1.37);
/// TestPreScoreStateEmptyNodes (it compares internal state; its default-constraint rows are covered by
/// Default_constraints_spread_pods_selected_by_a_ReplicaSet below and by the system-defaulting row).
/// </summary>
public class PodTopologySpreadScoringTests
{
    private const string Hostname = "kubernetes.io/hostname";
    private const UnsatisfiableConstraintAction ScheduleAnyway = UnsatisfiableConstraintAction.ScheduleAnyway;

    private static readonly LabelSelector Foo = LabelSelector(null, Exists("foo"));
    private static readonly LabelSelector Bar = LabelSelector(null, Exists("bar"));

    private static NodeInfo H(string name, params (string Key, string Value)[] labels) => N(name, [(Hostname, name), .. labels]);

    private static PodBuilder Soft(PodBuilder pod, int maxSkew, string key, LabelSelector? selector, int? minDomains = null,
        NodeInclusionPolicy? affinityPolicy = null, NodeInclusionPolicy? taintsPolicy = null, string[]? matchLabelKeys = null) =>
        pod.WithSpreadConstraint(Spread(maxSkew, key, ScheduleAnyway, selector, minDomains, affinityPolicy, taintsPolicy, matchLabelKeys));

    private static PodBuilder FooPod() => P().WithLabel("foo", "");

    private static PodInfo[] Pods(params (string Node, int Count)[] spread) =>
        [.. spread.SelectMany(s => Enumerable.Range(1, s.Count).Select(i => On($"p-{s.Node[^1]}{i}", s.Node, "foo")))];

    private static NodeInfo[] HostNodes(string names) => [.. names.Select(c => H($"node-{c}"))];

    private static NodeInfo[] Zoned(params (string Name, string Zone)[] nodes) => [.. nodes.Select(n => H(n.Name, ("zone", n.Zone)))];

    private static NodeInfo[] PolicyNodes(bool taintC = false) =>
        [N("node-a", ("node", "node-a"), ("foo", "")), N("node-b", ("node", "node-b"), ("foo", "")), taintC ? Tainted(N("node-c", ("node", "node-c"))) : N("node-c", ("node", "node-c"))];

    private static NodeInfo[] TaintNodes() => [N("node-a", ("node", "node-a")), N("node-b", ("node", "node-b")), Tainted(N("node-c", ("node", "node-c")))];

    private static PodInfo[] PolicyPods() => [On("p-a1", "node-a", "foo"), On("p-a2", "node-a", "foo"), On("p-b1", "node-b", "foo"), On("p-c1", "node-c", "foo")];

    private static PodInfo[] DifferentSelectors() =>
        [On("p-a1", "node-a", "foo"), On("p-b1", "node-b", "foo", "bar"), On("p-y1", "node-y", "foo"), On("p-y2", "node-y", "bar")];

    private static readonly (string, string)[] ABXY = [("node-a", "zone1"), ("node-b", "zone1"), ("node-x", "zone2"), ("node-y", "zone2")];

    private static readonly Dictionary<string, SpreadScoreRow> Score = new()
    {
        ["one constraint on node, no existing pods"] = new(Soft(FooPod(), 1, Hostname, Foo), [], HostNodes("ab"), [], [100, 100]),
        ["one constraint on node, only one node is candidate"] = new(Soft(FooPod(), 1, Hostname, Foo), Pods(("node-a", 2), ("node-b", 1)), HostNodes("a"), HostNodes("b"), [100]),
        ["one constraint on node, all nodes have the same number of matching pods"] = new(Soft(FooPod(), 1, Hostname, Foo), Pods(("node-a", 1), ("node-b", 1)), HostNodes("ab"), [], [100, 100]),
        ["one constraint on node, all 4 nodes are candidates"] = new(Soft(FooPod(), 1, Hostname, Foo), Pods(("node-a", 2), ("node-b", 1), ("node-d", 3)), HostNodes("abcd"), [], [20, 60, 100, 0]),
        ["one constraint on node, null selector"] = new(Soft(FooPod(), 1, Hostname, null), Pods(("node-a", 2), ("node-b", 1), ("node-d", 3)), HostNodes("abcd"), [], [100, 100, 100, 100]),
        ["one constraint on node, all 4 nodes are candidates, maxSkew=2"] = new(Soft(FooPod(), 2, Hostname, Foo), Pods(("node-a", 2), ("node-b", 1), ("node-d", 3)), HostNodes("abcd"), [], [33, 66, 100, 16]),
        ["one constraint on node, all 4 nodes are candidates, maxSkew=3"] =
            new(Soft(FooPod(), 3, Hostname, Foo), Pods(("node-a", 4), ("node-b", 3), ("node-c", 2), ("node-d", 1)), HostNodes("abcd"), [], [44, 66, 77, 100]),
        ["system defaulting, nodes don't have zone, pods match service"] =
            new(FooPod(), Pods(("node-a", 4), ("node-b", 3), ("node-c", 2), ("node-d", 1)), HostNodes("abcd"), [], [44, 66, 77, 100],
                [new ServiceInfo(new ObjectKey("default", "svc"), Labels(("foo", "")))]),
        ["one constraint on node, 3 out of 4 nodes are candidates"] =
            new(Soft(FooPod(), 1, Hostname, Foo), Pods(("node-a", 4), ("node-b", 2), ("node-x", 1), ("node-y", 3)), HostNodes("abx"), HostNodes("y"), [33, 83, 100]),
        ["one constraint on node, 3 out of 4 nodes are candidates, one node doesn't match topology key"] =
            new(Soft(FooPod(), 1, Hostname, Foo), Pods(("node-a", 4), ("node-b", 2), ("node-x", 1), ("node-y", 3)),
                [H("node-a"), N("node-b", ("n", "node-b")), H("node-x")], HostNodes("y"), [16, 0, 100]),
        ["one constraint on zone, 3 out of 4 nodes are candidates"] =
            new(Soft(FooPod(), 1, "zone", Foo), Pods(("node-a", 4), ("node-b", 2), ("node-x", 1), ("node-y", 3)), Zoned(ABXY[..3]), Zoned(ABXY[3]), [75, 75, 100]),
        ["two Constraints on zone and node, 2 out of 4 nodes are candidates"] =
            new(Soft(Soft(FooPod(), 1, "zone", Foo), 1, Hostname, Foo), Pods(("node-a", 2), ("node-b", 1), ("node-x", 2), ("node-y", 4)),
                Zoned(ABXY[0], ABXY[2]), Zoned(ABXY[1], ABXY[3]), [100, 63]),
        ["two Constraints on zone and node, with different labelSelectors"] =
            new(Soft(Soft(FooPod().WithLabel("bar", ""), 1, "zone", Foo), 1, Hostname, Bar), DifferentSelectors(), Zoned(ABXY), [], [60, 20, 100, 60]),
        ["two Constraints on zone and node, with different labelSelectors, some nodes have 0 pods"] =
            new(Soft(Soft(FooPod().WithLabel("bar", ""), 1, "zone", Foo), 1, Hostname, Bar),
                [On("p-b1", "node-b", "bar"), On("p-x1", "node-x", "foo"), On("p-y1", "node-y", "foo", "bar")], Zoned(ABXY), [], [100, 60, 40, 0]),
        ["two Constraints on zone and node, with different labelSelectors, 3 out of 4 nodes are candidates"] =
            new(Soft(Soft(FooPod().WithLabel("bar", ""), 1, "zone", Foo), 1, Hostname, Bar), DifferentSelectors(), Zoned(ABXY[..3]), Zoned(ABXY[3]), [50, 25, 100]),
        ["existing pods in a different namespace do not count"] =
            new(Soft(FooPod(), 1, Hostname, Foo), [Pod("ns1", "p-a1").OnNode("node-a").WithLabel("foo", ""), On("p-a2", "node-a", "foo"), On("p-b1", "node-b", "foo"), On("p-b2", "node-b", "foo")],
                HostNodes("ab"), [], [100, 33]),
        ["terminating Pods should be excluded"] =
            new(Soft(FooPod(), 1, Hostname, Foo), [P("p-a").OnNode("node-a").WithLabel("foo", "").Terminating(), On("p-b", "node-b", "foo")], HostNodes("ab"), [], [100, 0]),
        ["minDomains has no effect when ScheduleAnyway"] =
            new(Soft(FooPod(), 2, "node", Foo, minDomains: 10), Pods(("node-a", 2), ("node-b", 2), ("node-c", 1)),
                [N("node-a", ("node", "node-a")), N("node-b", ("node", "node-b")), N("node-c", ("node", "node-c"))], [], [75, 75, 100]),
        ["NodeAffinityPolicy honoed with labelSelectors"] =
            new(Soft(FooPod().WithNodeSelector("foo", ""), 1, "node", Foo), PolicyPods(), PolicyNodes(), [], [0, 33, 100]),
        ["NodeAffinityPolicy ignored with labelSelectors"] =
            new(Soft(FooPod().WithNodeSelector("foo", ""), 1, "node", Foo, affinityPolicy: NodeInclusionPolicy.Ignore), PolicyPods(), PolicyNodes(), [], [66, 100, 100]),
        ["NodeAffinityPolicy honoed with nodeAffinity"] =
            new(Soft(FooPod().WithRequiredAffinity(Selector(Term(In("foo", "")))), 1, "node", Foo), PolicyPods(), PolicyNodes(), [], [0, 33, 100]),
        ["NodeAffinityPolicy ignored with nodeAffinity"] =
            new(Soft(FooPod().WithRequiredAffinity(Selector(Term(In("foo", "")))), 1, "node", Foo, affinityPolicy: NodeInclusionPolicy.Ignore), PolicyPods(), PolicyNodes(), [], [66, 100, 100]),
        ["NodeTaintsPolicy honored"] =
            new(Soft(FooPod(), 1, "node", Foo, taintsPolicy: NodeInclusionPolicy.Honor), PolicyPods(), TaintNodes(), [], [0, 33, 100]),
        ["NodeTaintsPolicy ignored"] = new(Soft(FooPod(), 1, "node", Foo), PolicyPods(), TaintNodes(), [], [66, 100, 100]),
        ["matchLabelKeys ANDed with LabelSelector when LabelSelector is empty"] =
            new(Soft(Soft(FooPod().WithLabel("bar", ""), 1, "zone", LabelSelector(), matchLabelKeys: ["foo"]), 1, Hostname, LabelSelector(), matchLabelKeys: ["bar"]),
                [On("p-a1", "node-a", "foo"), On("p-b1", "node-b", "foo", "bar"), On("p-y1", "node-c", "foo"), On("p-y2", "node-c", "bar")],
                Zoned(("node-a", "zone1"), ("node-b", "zone1"), ("node-c", "zone2"), ("node-d", "zone2")), [], [60, 20, 60, 100]),
        ["matchLabelKeys ANDed with LabelSelector when LabelSelector isn't empty"] =
            new(Soft(Soft(FooPod().WithLabel("bar", "").WithLabel("baz", ""), 1, "zone", Foo), 1, Hostname, Bar, matchLabelKeys: ["baz"]),
                [On("p-a1", "node-a", "foo"), On("p-b1", "node-b", "foo", "bar", "baz"), On("p-c1", "node-c", "foo"), On("p-c2", "node-c", "bar"), On("p-d3", "node-c", "bar", "baz")],
                Zoned(("node-a", "zone1"), ("node-b", "zone1"), ("node-c", "zone2"), ("node-d", "zone2")), [], [60, 20, 60, 100]),
        // TestPreScoreSkip, under ListDefaulting.
        ["the pod doesn't have soft topology spread Constraints"] =
            new(P(), [], HostNodes("ab"), [], null, Args: new PodTopologySpreadArgs { DefaultingType = TopologySpreadDefaulting.List }),
        ["default constraints and a replicaset that doesn't match"] =
            new(P().WithLabel("foo", "bar").WithLabel("baz", "sup").ControlledBy("apps/v1", "ReplicaSet", "rs2"), [], [N("node-a", ("planet", "mars"))], [], null,
                Args: new PodTopologySpreadArgs
                {
                    DefaultingType = TopologySpreadDefaulting.List,
                    DefaultConstraints = [new TopologySpreadConstraint(2, "planet", ScheduleAnyway, null)],
                }),
    };

    public static TheoryData<string> ScoreCases => [.. Score.Keys];

    [Theory]
    [MemberData(nameof(ScoreCases))]
    public void TestPodTopologySpreadScore(string name)
    {
        var row = Score[name];
        var state = Cluster([.. row.Nodes, .. row.Failed], row.Pods);
        foreach (var service in row.Services ?? []) state.UpsertService(service);
        // rs1 of TestPreScoreSkip: it exists, but the pod's controller is rs2.
        state.UpsertReplicaSet(new ReplicaSetInfo(new ObjectKey("default", "rs1"), LabelSelector(null, Exists("tar"))));
        var plugin = new VolumeAwareScheduler.Core.Scheduling.Plugins.PodTopologySpread(row.Args);
        var cycle = new CycleState(state, state.Nodes);
        var preScore = plugin.PreScore(cycle, row.Pod, row.Nodes);
        Assert.Equal(row.Want is null ? StatusCode.Skip : StatusCode.Success, preScore.Code);
        if (row.Want is null) return;
        var scores = new NodeScore[row.Nodes.Length];
        for (var i = 0; i < row.Nodes.Length; i++)
        {
            scores[i] = new NodeScore(row.Nodes[i].Name, plugin.Score(cycle, row.Pod, row.Nodes[i], i, out var status));
            Assert.True(status.IsSuccess, status.Message);
        }
        Assert.True(plugin.NormalizeScore(cycle, row.Pod, scores).IsSuccess);
        Assert.Equal(row.Want, scores.Select(s => s.Score).ToArray());
    }
}
