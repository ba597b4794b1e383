using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.PodTopologySpread;

/// <summary>
/// Ported from pkg/scheduler/framework/plugins/podtopologyspread/filtering_test.go (the version stored for Kubernetes
/// v1.37's tree): TestSingleConstraint and TestMultipleConstraints with upstream's case names and status codes, under
/// ListDefaulting without default constraints, as upstream runs them; our statuses also carry the reasons, checked here.
/// Upstream runs some rows with NodeInclusionPolicyInPodTopologySpread off; it is GA, and those rows set no policy,
/// so the defaults (affinity honored, taints ignored) give the same answers. Upstream's namespace "" is "default".
/// Two upstream rows are both named "NodeAffinityPolicy ignored with labelSelectors"; the second (it uses node
/// affinity) gets " (nodeAffinity)" appended.
/// Left out: TestPreFilterState, TestPreFilterStateAddPod and TestPreFilterStateRemovePod (they compare internal
/// state and AddPod/RemovePod, which serve preemption; the counts they check decide every Filter row here);
/// TestPreFilterDisabled is Filter_without_PreFilter_is_an_error.
/// </summary>
public class PodTopologySpreadFilteringTests
{
    private const StatusCode S = StatusCode.Success;
    private const StatusCode U = StatusCode.Unschedulable;
    private const StatusCode UU = StatusCode.UnschedulableAndUnresolvable;
    private const UnsatisfiableConstraintAction DoNotSchedule = UnsatisfiableConstraintAction.DoNotSchedule;

    private static readonly LabelSelector Foo = LabelSelector(null, Exists("foo"));
    private static readonly LabelSelector Bar = LabelSelector(null, Exists("bar"));

    internal static NodeInfo N(string name, params (string Key, string Value)[] labels)
    {
        var node = BareNode(name);
        foreach (var (k, v) in labels) node.WithLabel(k, v);
        return node;
    }

    /// <summary>Upstream's taints: node.kubernetes.io/unschedulable:NoSchedule, which no test pod tolerates.</summary>
    internal static NodeInfo Tainted(NodeInfo node) => node with { Taints = [new Taint("node.kubernetes.io/unschedulable", "", TaintEffect.NoSchedule)] };

    internal static PodBuilder P(string name = "p") => Pod("default", name);

    internal static PodInfo On(string name, string node, params string[] labels)
    {
        var pod = P(name).OnNode(node);
        foreach (var label in labels) pod.WithLabel(label, "");
        return pod;
    }

    private static NodeInfo[] ZoneNodes() =>
    [
        N("node-a", ("zone", "zone1"), ("node", "node-a")), N("node-b", ("zone", "zone1"), ("node", "node-b")),
        N("node-x", ("zone", "zone2"), ("node", "node-x")), N("node-y", ("zone", "zone2"), ("node", "node-y")),
    ];

    private static PodInfo[] Spread2103() =>
        [On("p-a1", "node-a", "foo"), On("p-a2", "node-a", "foo"), On("p-b1", "node-b", "foo"), On("p-y1", "node-y", "foo"), On("p-y2", "node-y", "foo"), On("p-y3", "node-y", "foo")];

    private static NodeInfo[] NodeNodes(int count) => [.. "abc".Take(count).Select(c => N($"node-{c}", ("node", $"node-{c}")))];

    private static PodInfo[] Spread221() =>
        [On("p-a1", "node-a", "foo"), On("p-a2", "node-a", "foo"), On("p-b1", "node-b", "foo"), On("p-b2", "node-b", "foo"), On("p-c1", "node-c", "foo")];

    private static NodeInfo[] FooNodes(bool taintY = false)
    {
        var y = N("node-y", ("node", "node-y"));
        return [N("node-a", ("node", "node-a"), ("foo", "")), N("node-b", ("node", "node-b"), ("foo", "")), N("node-x", ("node", "node-x"), ("foo", "")), taintY ? Tainted(y) : y];
    }

    private static PodInfo[] Pods11x1() => [On("p-b1", "node-a", "foo"), On("p-b2", "node-b", "foo"), On("p-y1", "node-y", "foo")];

    private static PodBuilder WithFoo(PodBuilder pod, int maxSkew, string key, LabelSelector? selector = null, int? minDomains = null,
        NodeInclusionPolicy? affinityPolicy = null, NodeInclusionPolicy? taintsPolicy = null) =>
        pod.WithSpreadConstraint(Spread(maxSkew, key, DoNotSchedule, selector ?? Foo, minDomains, affinityPolicy, taintsPolicy));

    private static readonly Dictionary<string, SpreadFilterRow> Single = new()
    {
        ["no existing pods"] = new(WithFoo(P().WithLabel("foo", ""), 1, "zone"), ZoneNodes(), [], [S, S, S, S]),
        ["no existing pods, incoming pod doesn't match itself"] = new(WithFoo(P().WithLabel("foo", ""), 1, "zone", Bar), ZoneNodes(), [], [S, S, S, S]),
        ["existing pods in a different namespace do not count"] = new(WithFoo(P().WithLabel("foo", ""), 1, "zone"), ZoneNodes(),
            [Pod("ns1", "p-a1").OnNode("node-a").WithLabel("foo", ""), Pod("ns2", "p-b1").OnNode("node-a").WithLabel("foo", ""), On("p-x1", "node-x", "foo"), On("p-y1", "node-y", "foo")],
            [S, S, U, U]),
        ["existing pods do not match null selector"] = new(P().WithLabel("foo", "").WithSpreadConstraint(Spread(1, "zone", DoNotSchedule, null)), ZoneNodes(),
            [On("p-x1", "node-x", "foo"), On("p-y1", "node-y", "foo")], [S, S, S, S]),
        ["pods spread across zones as 3/3, all nodes fit"] = new(WithFoo(P().WithLabel("foo", ""), 1, "zone"), ZoneNodes(), Spread2103(), [S, S, S, S]),
        ["pods spread across zones as 1/2 due to absence of label 'zone' on node-b"] = new(WithFoo(P().WithLabel("foo", ""), 1, "zone"),
            [N("node-a", ("zone", "zone1"), ("node", "node-a")), N("node-b", ("zon", "zone1"), ("node", "node-b")), N("node-x", ("zone", "zone2"), ("node", "node-x")), N("node-y", ("zone", "zone2"), ("node", "node-y"))],
            [On("p-a1", "node-a", "foo"), On("p-b1", "node-b", "foo"), On("p-x1", "node-x", "foo"), On("p-y1", "node-y", "foo")], [S, UU, U, U]),
        ["pod cannot be scheduled as all nodes don't have label 'rack'"] = new(WithFoo(P().WithLabel("foo", ""), 1, "rack"),
            [N("node-a", ("zone", "zone1"), ("node", "node-a")), N("node-x", ("zone", "zone2"), ("node", "node-x"))], [], [UU, UU]),
        ["pods spread across nodes as 2/1/0/3, only node-x fits"] = new(WithFoo(P().WithLabel("foo", ""), 1, "node"), ZoneNodes(), Spread2103(), [U, U, S, U]),
        ["pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit"] = new(WithFoo(P().WithLabel("foo", ""), 2, "node"), ZoneNodes(), Spread2103(), [U, S, S, U]),
        ["pods spread across nodes as 2/1/0/3, but pod doesn't match itself"] = new(WithFoo(P().WithLabel("bar", ""), 1, "node"), ZoneNodes(), Spread2103(), [U, S, S, U]),
        ["incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3, hence node-a fits"] =
            new(WithFoo(P().WithLabel("foo", "").WithRequiredAffinity(Selector(Term(In("node", "node-a", "node-y")))), 1, "node"), ZoneNodes(), Spread2103(), [S, S, S, U]),
        ["terminating Pods should be excluded"] = new(WithFoo(P().WithLabel("foo", ""), 1, "node"), NodeNodes(2),
            [P("p-a").OnNode("node-a").WithLabel("foo", "").Terminating(), On("p-b", "node-b", "foo")], [S, U]),
        ["incoming pod has nodeAffinity, pods spread as 0/~2~/0/1, hence node-a fits"] =
            new(WithFoo(P().WithLabel("foo", "").WithRequiredAffinity(Selector(Term(NotIn("node", "node-b")))), 1, "zone"), ZoneNodes(),
                [On("p-b1", "node-b", "foo"), On("p-b2", "node-b", "foo"), On("p-y1", "node-y", "foo")], [S, S, U, U]),
        ["pods spread across nodes as 2/2/1, maxSkew is 2, and the number of domains < minDomains, then the third node fits"] =
            new(WithFoo(P().WithLabel("foo", ""), 2, "node", minDomains: 4), NodeNodes(3), Spread221(), [U, U, S]),
        ["pods spread across nodes as 2/2/1, maxSkew is 2, and the number of domains > minDomains, then the all nodes fit"] =
            new(WithFoo(P().WithLabel("foo", ""), 2, "node", minDomains: 2), NodeNodes(3), Spread221(), [S, S, S]),
        ["pods spread across zone as 2/1, maxSkew is 2 and the number of domains < minDomains, then the third and fourth nodes fit"] =
            new(WithFoo(P().WithLabel("foo", ""), 2, "zone", minDomains: 3), ZoneNodes(),
                [On("p-b1", "node-a", "foo"), On("p-b2", "node-b", "foo"), On("p-y1", "node-y", "foo")], [U, U, S, S]),
        ["pods spread across zone as 2/1, maxSkew is 2 and the number of domains > minDomains, then the all nodes fit"] =
            new(WithFoo(P().WithLabel("foo", ""), 2, "zone", minDomains: 1), ZoneNodes(),
                [On("p-b1", "node-a", "foo"), On("p-b2", "node-b", "foo"), On("p-y1", "node-y", "foo")], [S, S, S, S]),
        ["NodeAffinityPolicy honored with labelSelectors"] =
            new(WithFoo(P().WithLabel("foo", "").WithNodeSelector("foo", ""), 1, "node"), FooNodes(), Pods11x1(), [U, U, S, S]),
        ["NodeAffinityPolicy ignored with labelSelectors"] =
            new(WithFoo(P().WithLabel("foo", "").WithNodeSelector("foo", ""), 1, "node", affinityPolicy: NodeInclusionPolicy.Ignore), FooNodes(), Pods11x1(), [U, U, S, U]),
        ["NodeAffinityPolicy honored with nodeAffinity"] =
            new(WithFoo(P().WithLabel("foo", "").WithRequiredAffinity(Selector(Term(In("foo", "")))), 1, "node"), FooNodes(), Pods11x1(), [U, U, S, S]),
        ["NodeAffinityPolicy ignored with labelSelectors (nodeAffinity)"] =
            new(WithFoo(P().WithLabel("foo", "").WithRequiredAffinity(Selector(Term(In("foo", "")))), 1, "node", affinityPolicy: NodeInclusionPolicy.Ignore), FooNodes(), Pods11x1(), [U, U, S, U]),
        ["NodeTaintsPolicy honored"] =
            new(WithFoo(P().WithLabel("foo", ""), 1, "node", taintsPolicy: NodeInclusionPolicy.Honor), FooNodes(taintY: true), Pods11x1(), [U, U, S, S]),
        ["NodeTaintsPolicy ignored"] = new(WithFoo(P().WithLabel("foo", ""), 1, "node"), FooNodes(taintY: true), Pods11x1(), [U, U, S, U]),
    };

    private static PodBuilder Two(PodBuilder pod, LabelSelector zone, LabelSelector node) => WithFoo(WithFoo(pod, 1, "zone", zone), 1, "node", node);

    private static readonly Dictionary<string, SpreadFilterRow> Multiple = new()
    {
        ["two Constraints on zone and node, spreads = [3/3, 2/1/0/3]"] = new(Two(P().WithLabel("foo", ""), Foo, Foo), ZoneNodes(), Spread2103(), [U, U, S, U]),
        ["two Constraints on zone and node, spreads = [3/4, 2/1/0/4]"] = new(Two(P().WithLabel("foo", ""), Foo, Foo), ZoneNodes(), [.. Spread2103(), On("p-y4", "node-y", "foo")], [U, U, U, U]),
        ["Constraints hold different labelSelectors, spreads = [1/0, 1/0/0/1]"] = new(Two(P().WithLabel("foo", "").WithLabel("bar", ""), Foo, Bar), ZoneNodes(),
            [On("p-a1", "node-a", "foo"), On("p-y1", "node-y", "bar")], [U, U, S, U]),
        ["Constraints hold different labelSelectors, spreads = [1/0, 0/0/1/1]"] = new(Two(P().WithLabel("foo", "").WithLabel("bar", ""), Foo, Bar), ZoneNodes(),
            [On("p-a1", "node-a", "foo"), On("p-x1", "node-x", "bar"), On("p-y1", "node-y", "bar")], [U, U, U, U]),
        ["Constraints hold different labelSelectors, spreads = [2/3, 1/0/0/1]"] = new(Two(P().WithLabel("foo", "").WithLabel("bar", ""), Foo, Bar), ZoneNodes(),
            [On("p-a1", "node-a", "foo"), On("p-a2", "node-a", "foo", "bar"), On("p-y1", "node-y", "foo"), On("p-y2", "node-y", "foo", "bar"), On("p-y3", "node-y", "foo")], [U, S, U, U]),
        ["Constraints hold different labelSelectors but pod doesn't match itself on 'zone' constraint"] = new(Two(P().WithLabel("bar", ""), Foo, Bar), ZoneNodes(),
            [On("p-a1", "node-a", "foo"), On("p-x1", "node-x", "bar"), On("p-y1", "node-y", "bar")], [S, S, U, U]),
        ["two Constraints on zone and node, absence of label 'node' on node-x, spreads = [1/1, 1/0/0/1]"] = new(Two(P().WithLabel("foo", ""), Foo, Foo),
            [N("node-a", ("zone", "zone1"), ("node", "node-a")), N("node-b", ("zone", "zone1"), ("node", "node-b")), N("node-x", ("zone", "zone2")), N("node-y", ("zone", "zone2"), ("node", "node-y"))],
            [On("p-a1", "node-a", "foo"), On("p-y3", "node-y", "foo")], [U, S, UU, U]),
        ["two node inclusion Constraints, zone: honor/ignore, node: ignore/ignore"] =
            new(WithFoo(WithFoo(P().WithLabel("foo", "").WithNodeSelector("foo", ""), 1, "zone"), 1, "node", affinityPolicy: NodeInclusionPolicy.Ignore),
                [N("node-a", ("zone", "zone1"), ("node", "node-a"), ("foo", "")), N("node-b", ("zone", "zone1"), ("node", "node-b"), ("foo", "")),
                    N("node-x", ("zone", "zone2"), ("node", "node-x"), ("foo", "")), N("node-y", ("zone", "zone2"), ("node", "node-y"))],
                [On("p-a1", "node-a", "foo"), On("p-b1", "node-b", "foo"), On("p-y1", "node-y", "foo")], [U, U, S, U]),
        ["two node inclusion Constraints, zone: honor/honor, node: honor/ignore"] =
            new(WithFoo(WithFoo(P().WithLabel("foo", ""), 1, "zone", taintsPolicy: NodeInclusionPolicy.Honor), 1, "node"),
                [N("node-a", ("zone", "zone1"), ("node", "node-a"), ("foo", "")), N("node-b", ("zone", "zone1"), ("node", "node-b"), ("foo", "")),
                    N("node-x", ("zone", "zone2"), ("node", "node-x"), ("foo", "")), Tainted(N("node-y", ("zone", "zone2"), ("node", "node-y")))],
                [On("p-a1", "node-a", "foo"), On("p-b1", "node-b", "foo"), On("p-y1", "node-y", "foo")], [U, U, S, U]),
        ["two node inclusion Constraints, zone: honor/ignore, node: honor/ignore"] =
            new(WithFoo(WithFoo(P().WithLabel("foo", "").WithNodeSelector("foo", ""), 1, "zone"), 1, "node"),
                [N("node-a", ("zone", "zone1"), ("node", "node-a"), ("foo", "")), N("node-b", ("zone", "zone1"), ("node", "node-b")),
                    N("node-x", ("zone", "zone2"), ("node", "node-x"), ("foo", "")), Tainted(N("node-y", ("zone", "zone2"), ("node", "node-y"), ("foo", "")))],
                [On("p-a1", "node-a", "foo"), On("p-b1", "node-b", "foo"), On("p-y1", "node-y", "foo")], [U, S, S, U]),
        ["two node inclusion Constraints, zone: honor/honor, node: ignore/ignore"] =
            new(WithFoo(WithFoo(P().WithLabel("foo", "").WithNodeSelector("foo", ""), 1, "zone", taintsPolicy: NodeInclusionPolicy.Honor), 1, "node", affinityPolicy: NodeInclusionPolicy.Ignore),
                [N("node-a", ("zone", "zone1"), ("node", "node-a"), ("foo", "")), N("node-b", ("zone", "zone1"), ("node", "node-b")),
                    N("node-x", ("zone", "zone2"), ("node", "node-x"), ("foo", "")), Tainted(N("node-y", ("zone", "zone2"), ("node", "node-y"), ("foo", "")))],
                [On("p-a1", "node-a", "foo"), On("p-b1", "node-b", "foo"), On("p-y1", "node-y", "foo")], [U, U, S, U]),
    };

    public static TheoryData<string> SingleCases => [.. Single.Keys];

    public static TheoryData<string> MultipleCases => [.. Multiple.Keys];

    internal static ClusterState Cluster(IEnumerable<NodeInfo> nodes, IEnumerable<PodInfo> pods)
    {
        var state = new ClusterState(new VolumeIndex());
        foreach (var node in nodes) state.UpsertNode(node);
        foreach (var pod in pods) state.UpsertPod(pod);
        return state;
    }

    [Theory]
    [MemberData(nameof(SingleCases))]
    public void TestSingleConstraint(string name) => Run(Single[name]);

    [Theory]
    [MemberData(nameof(MultipleCases))]
    public void TestMultipleConstraints(string name) => Run(Multiple[name]);

    private static void Run(SpreadFilterRow row)
    {
        var state = Cluster(row.Nodes, row.Pods);
        var plugin = new VolumeAwareScheduler.Core.Scheduling.Plugins.PodTopologySpread(new PodTopologySpreadArgs { DefaultingType = TopologySpreadDefaulting.List });
        var cycle = new CycleState(state, state.Nodes);
        Assert.Equal(StatusCode.Success, plugin.PreFilter(cycle, row.Pod, out _).Code);
        var got = row.Nodes.Select((n, i) => plugin.Filter(cycle, row.Pod, n, i)).ToArray();
        Assert.Equal(row.Want, got.Select(s => s.Code).ToArray());
        foreach (var status in got)
        {
            string[] reasons = status.Code switch
            {
                U => [Reasons.TopologySpreadConstraintsNotMatch],
                UU => [Reasons.TopologySpreadNodeLabelNotMatch],
                _ => [],
            };
            Assert.Equal(reasons, status.Reasons.ToArray());
        }
    }

    [Fact]
    public void Filter_without_PreFilter_is_an_error()
    {
        var state = Cluster([N("node-a")], []);
        var status = new VolumeAwareScheduler.Core.Scheduling.Plugins.PodTopologySpread().Filter(new CycleState(state, state.Nodes), P(), state.Nodes[0], 0);
        Assert.Equal(StatusCode.Error, status.Code);
        Assert.Equal("reading \"PreFilterPodTopologySpread\" from cycleState: not found", status.Message);
    }

    [Fact]
    public void A_pod_without_constraints_nor_selecting_workloads_skips_Filter()
    {
        var state = Cluster([N("node-a", ("kubernetes.io/hostname", "node-a"))], []);
        var status = new VolumeAwareScheduler.Core.Scheduling.Plugins.PodTopologySpread().PreFilter(new CycleState(state, state.Nodes), P().WithLabel("app", "web"), out _);
        Assert.Equal(StatusCode.Skip, status.Code);
    }

    [Fact]
    public void Reason_strings_are_v1_37s()
    {
        Assert.Equal("node(s) didn't match pod topology spread constraints", Reasons.TopologySpreadConstraintsNotMatch);
        Assert.Equal("node(s) didn't match pod topology spread constraints (missing required label)", Reasons.TopologySpreadNodeLabelNotMatch);
    }
}
