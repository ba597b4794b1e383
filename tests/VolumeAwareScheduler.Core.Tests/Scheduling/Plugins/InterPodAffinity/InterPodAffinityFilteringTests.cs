using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.InterPodAffinity;

/// <summary>
/// Ported from pkg/scheduler/framework/plugins/interpodaffinity/filtering_test.go (the version stored for Kubernetes
/// v1.37's tree): TestRequiredAffinitySingleNode and TestRequiredAffinityMultipleNodes, with upstream's case names and
/// expected statuses. Upstream's namespace "" is "default" here (the pods' and the terms' alike).
/// Left out: "PodAffinity fails PreFilter with an invalid affinity label syntax" and "PodAntiAffinity fails PreFilter
/// with an invalid antiaffinity label syntax" (label values are validated by the API server and by our conversion,
/// Core never sees them); TestPreFilterDisabled (our framework always runs PreFilter before Filter; the missing-state
/// error is covered by Filter_without_PreFilter_is_an_error); TestPreFilterStateAddRemovePod (AddPod/RemovePod serve
/// preemption, which we do not implement).
/// </summary>
public class InterPodAffinityFilteringTests
{
    private const string Ns = "default";
    private static readonly (StatusCode, string) Affinity = (StatusCode.UnschedulableAndUnresolvable, Reasons.PodAffinityRulesNotMatch);
    private static readonly (StatusCode, string) Anti = (StatusCode.Unschedulable, Reasons.PodAntiAffinityRulesNotMatch);
    private static readonly (StatusCode, string) Existing = (StatusCode.Unschedulable, Reasons.ExistingPodsAntiAffinityRulesNotMatch);

    private static readonly Dictionary<string, string> PodLabel = new() { ["service"] = "securityscan" };
    private static readonly Dictionary<string, string> PodLabel2 = new() { ["security"] = "S1" };

    private static PodAffinityTerm In(string key, string topologyKey, params string[] values) => PodTerm(topologyKey, LabelSelector(null, Make.In(key, values)));

    private static PodAffinityTerm NotIn(string key, string topologyKey, params string[] values) => PodTerm(topologyKey, LabelSelector(null, Make.NotIn(key, values)));

    private static PodAffinityTerm Exists(string key, string topologyKey) => PodTerm(topologyKey, LabelSelector(null, Make.Exists(key)));

    private static PodBuilder P(string ns = Ns) => Pod(ns, "p");

    private static NodeInfo N(string name, params (string Key, string Value)[] labels)
    {
        var node = BareNode(name);
        foreach (var (k, v) in labels) node.WithLabel(k, v);
        return node;
    }

    private static readonly NodeInfo Node1 = N("node1", ("region", "r1"), ("zone", "z11"));
    private static readonly PodInfo ExistingPod = P().WithLabels(PodLabel).OnNode("node1");
    private static readonly LabelSelector Team1 = LabelSelector(null, Make.In("team", "team1"));

    // TestRequiredAffinitySingleNode: one node, node1.
    private static readonly Dictionary<string, AffinityFilterRow> SingleNode = new()
    {
        ["A pod that has no required pod affinity scheduling rules can schedule onto a node with no existing pods"] =
            new(P(), [], [Node1], WantSkip: true),
        ["satisfies with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using In operator that matches the existing pod"] =
            new(P().WithLabels(PodLabel2).WithPodAffinity(In("service", "region", "securityscan", "value2")), [ExistingPod], [Node1], WantFilter: [null]),
        ["satisfies the pod with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using not in operator in labelSelector that matches the existing pod"] =
            new(P().WithLabels(PodLabel2).WithPodAffinity(NotIn("service", "region", "securityscan3", "value3")), [ExistingPod], [Node1], WantFilter: [null]),
        ["Does not satisfy the PodAffinity with labelSelector because of diff Namespace"] =
            new(P().WithLabels(PodLabel2).WithPodAffinity(PodTerm("", LabelSelector(null, Make.In("service", "securityscan", "value2")), ["DiffNameSpace"])),
                [Pod("ns", "p").WithLabel("service", "securityscan").OnNode("node1")], [Node1], WantFilter: [Affinity]),
        ["Doesn't satisfy the PodAffinity because of unmatching labelSelector with the existing pod"] =
            new(P().WithLabels(PodLabel).WithPodAffinity(In("service", "", "antivirusscan", "value2")), [ExistingPod], [Node1], WantFilter: [Affinity]),
        ["satisfies the PodAffinity with different label Operators in multiple RequiredDuringSchedulingIgnoredDuringExecution "] =
            new(P().WithLabels(PodLabel2).WithPodAffinity(
                    PodTerm("region", LabelSelector(null, Make.Exists("service"), DoesNotExist("wrongkey"))),
                    PodTerm("region", LabelSelector(null, Make.In("service", "securityscan"), Make.NotIn("service", "WrongValue")))),
                [ExistingPod], [Node1], WantFilter: [null]),
        ["The labelSelector requirements(items of matchExpressions) are ANDed, the pod cannot schedule onto the node because one of the matchExpression item don't match."] =
            new(P().WithLabels(PodLabel2).WithPodAffinity(
                    PodTerm("region", LabelSelector(null, Make.Exists("service"), DoesNotExist("wrongkey"))),
                    PodTerm("region", LabelSelector(null, Make.In("service", "securityscan2"), Make.NotIn("service", "WrongValue")))),
                [ExistingPod], [Node1], WantFilter: [Affinity]),
        ["satisfies the PodAffinity and PodAntiAffinity with the existing pod"] =
            new(P().WithLabels(PodLabel2).WithPodAffinity(In("service", "region", "securityscan", "value2")).WithPodAntiAffinity(In("service", "node", "antivirusscan", "value2")),
                [ExistingPod], [Node1], WantFilter: [null]),
        ["satisfies the PodAffinity and PodAntiAffinity and PodAntiAffinity symmetry with the existing pod"] =
            new(P().WithLabels(PodLabel2).WithPodAffinity(In("service", "region", "securityscan", "value2")).WithPodAntiAffinity(In("service", "node", "antivirusscan", "value2")),
                [P().OnNode("node1").WithLabels(PodLabel).WithPodAntiAffinity(In("service", "node", "antivirusscan", "value2"))], [Node1], WantFilter: [null]),
        ["satisfies the PodAffinity but doesn't satisfy the PodAntiAffinity with the existing pod"] =
            new(P().WithLabels(PodLabel2).WithPodAffinity(In("service", "region", "securityscan", "value2")).WithPodAntiAffinity(In("service", "zone", "securityscan", "value2")),
                [ExistingPod], [Node1], WantFilter: [Anti]),
        ["satisfies the PodAffinity and PodAntiAffinity but doesn't satisfy PodAntiAffinity symmetry with the existing pod"] =
            new(P().WithLabels(PodLabel).WithPodAffinity(In("service", "region", "securityscan", "value2")).WithPodAntiAffinity(In("service", "node", "antivirusscan", "value2")),
                [P().WithLabels(PodLabel).OnNode("node1").WithPodAntiAffinity(In("service", "zone", "securityscan", "value2"))], [Node1], WantFilter: [Existing]),
        ["pod matches its own Label in PodAffinity and that matches the existing pod Labels"] =
            new(P().WithLabels(PodLabel).WithPodAffinity(NotIn("service", "region", "securityscan", "value2")),
                [P().WithLabel("service", "securityscan").OnNode("node2")], [Node1], WantFilter: [Affinity]),
        ["verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. doesn't satisfy PodAntiAffinity symmetry with the existing pod"] =
            new(P().WithLabels(PodLabel), [P().OnNode("node1").WithLabels(PodLabel).WithPodAntiAffinity(In("service", "zone", "securityscan", "value2"))], [Node1], WantFilter: [Existing]),
        ["verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. satisfy PodAntiAffinity symmetry with the existing pod"] =
            new(P().WithLabels(PodLabel), [P().OnNode("node1").WithLabels(PodLabel).WithPodAntiAffinity(NotIn("service", "zone", "securityscan", "value2"))], [Node1], WantSkip: true),
        ["satisfies the PodAntiAffinity with existing pod but doesn't satisfy PodAntiAffinity symmetry with incoming pod"] =
            new(P().WithLabels(PodLabel).WithPodAntiAffinity(Exists("service", "region"), Exists("security", "region")),
                [P().OnNode("node1").WithLabels(PodLabel2).WithPodAntiAffinity(Exists("security", "zone"))], [Node1], WantFilter: [Anti]),
        ["PodAntiAffinity symmetry check a1: incoming pod and existing pod partially match each other on AffinityTerms"] =
            new(P().WithLabels(PodLabel).WithPodAntiAffinity(Exists("service", "zone"), Exists("security", "zone")),
                [P().OnNode("node1").WithLabels(PodLabel2).WithPodAntiAffinity(Exists("security", "zone"))], [Node1], WantFilter: [Anti]),
        ["PodAntiAffinity symmetry check a2: incoming pod and existing pod partially match each other on AffinityTerms"] =
            new(P().WithLabels(PodLabel2).WithPodAntiAffinity(Exists("security", "zone")),
                [P().OnNode("node1").WithLabels(PodLabel).WithPodAntiAffinity(Exists("service", "zone"), Exists("security", "zone"))], [Node1], WantFilter: [Existing]),
        ["PodAntiAffinity symmetry check b1: incoming pod and existing pod partially match each other on AffinityTerms"] =
            new(P().WithLabel("abc", "").WithLabel("xyz", "").WithPodAntiAffinity(Exists("abc", "zone"), Exists("def", "zone")),
                [P().OnNode("node1").WithLabel("def", "").WithLabel("xyz", "").WithPodAntiAffinity(Exists("abc", "zone"), Exists("def", "zone"))], [Node1], WantFilter: [Anti]),
        ["PodAntiAffinity symmetry check b2: incoming pod and existing pod partially match each other on AffinityTerms"] =
            new(P().WithLabel("def", "").WithLabel("xyz", "").WithPodAntiAffinity(Exists("abc", "zone"), Exists("def", "zone")),
                [P().OnNode("node1").WithLabel("abc", "").WithLabel("xyz", "").WithPodAntiAffinity(Exists("abc", "zone"), Exists("def", "zone"))], [Node1], WantFilter: [Anti]),
        ["affinity with NamespaceSelector"] =
            new(P().WithLabels(PodLabel2).WithPodAffinity(PodTerm("region", LabelSelector(null, Make.In("service", "securityscan", "value2")), namespaceSelector: Team1)),
                [Pod("subteam1.team1", "p").OnNode("node1").WithLabels(PodLabel)], [Node1], WantFilter: [null]),
        ["affinity with non-matching NamespaceSelector"] =
            new(P().WithLabels(PodLabel2).WithPodAffinity(PodTerm("region", LabelSelector(null, Make.In("service", "securityscan", "value2")), namespaceSelector: Team1)),
                [Pod("subteam1.team2", "p").OnNode("node1").WithLabels(PodLabel)], [Node1], WantFilter: [Affinity]),
        ["anti-affinity with matching NamespaceSelector"] =
            new(P("subteam1.team1").WithLabels(PodLabel2).WithPodAntiAffinity(PodTerm("zone", LabelSelector(null, Make.In("service", "securityscan", "value2")), namespaceSelector: Team1)),
                [Pod("subteam2.team1", "p").OnNode("node1").WithLabels(PodLabel)], [Node1], WantFilter: [Anti]),
        ["anti-affinity with matching all NamespaceSelector"] =
            new(P("subteam1.team1").WithLabels(PodLabel2).WithPodAntiAffinity(PodTerm("zone", LabelSelector(null, Make.In("service", "securityscan", "value2")), namespaceSelector: LabelSelector())),
                [Pod("subteam2.team1", "p").OnNode("node1").WithLabels(PodLabel)], [Node1], WantFilter: [Anti]),
        ["anti-affinity with non-matching NamespaceSelector"] =
            new(P("subteam1.team1").WithLabels(PodLabel2).WithPodAntiAffinity(PodTerm("zone", LabelSelector(null, Make.In("service", "securityscan", "value2")), namespaceSelector: Team1)),
                [Pod("subteam1.team2", "p").OnNode("node1").WithLabels(PodLabel)], [Node1], WantFilter: [null]),
    };

    private static readonly NodeInfo[] ChinaChinaIndia = [N("nodeA", ("region", "China")), N("nodeB", ("region", "China"), ("az", "az1")), N("nodeC", ("region", "India"))];
    private static readonly NodeInfo[] R1Z1Z1 = [N("nodeA", ("region", "r1"), ("zone", "z1"), ("hostname", "nodeA")), N("nodeB", ("region", "r1"), ("zone", "z1"), ("hostname", "nodeB"))];
    private static readonly NodeInfo[] R1Z1Z2 = [N("nodeA", ("region", "r1"), ("zone", "z1"), ("hostname", "nodeA")), N("nodeB", ("region", "r1"), ("zone", "z2"), ("hostname", "nodeB"))];

    // TestRequiredAffinityMultipleNodes.
    private static readonly Dictionary<string, AffinityFilterRow> MultipleNodes = new()
    {
        ["A pod can be scheduled onto all the nodes that have the same topology key & label value with one of them has an existing pod that matches the affinity rules"] =
            new(P().WithPodAffinity(In("foo", "region", "bar")), [Pod(Ns, "p1").OnNode("node1").WithLabel("foo", "bar")],
                [N("node1", ("region", "China")), N("node2", ("region", "China"), ("az", "az1")), N("node3", ("region", "India"))], WantFilter: [null, null, Affinity]),
        ["The affinity rule is to schedule all of the pods of this collection to the same zone. The first pod of the collection should not be blocked from being scheduled onto any node, even there's no existing pod that matches the rule anywhere."] =
            new(P().WithLabel("foo", "bar").WithLabel("service", "securityscan").WithPodAffinity(In("foo", "zone", "bar"), In("service", "zone", "securityscan")),
                [Pod(Ns, "p1").OnNode("nodeA").WithLabel("foo", "bar")],
                [N("nodeA", ("zone", "az1"), ("hostname", "h1")), N("nodeB", ("zone", "az2"), ("hostname", "h2"))], WantFilter: [null, null]),
        ["The first pod of the collection can only be scheduled on nodes labelled with the requested topology keys"] =
            new(P().WithLabel("foo", "bar").WithLabel("service", "securityscan").WithPodAffinity(In("foo", "zone", "bar"), In("service", "zone", "securityscan")),
                [Pod(Ns, "p1").OnNode("nodeA").WithLabel("foo", "bar")],
                [N("nodeA", ("zoneLabel", "az1"), ("hostname", "h1")), N("nodeB", ("zoneLabel", "az2"), ("hostname", "h2"))], WantFilter: [Affinity, Affinity]),
        ["NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod affinity rule. The pod can not be scheduled onto nodeA and nodeB."] =
            new(P().WithPodAntiAffinity(In("foo", "region", "abc")), [P().OnNode("nodeA").WithLabel("foo", "abc")],
                [N("nodeA", ("region", "r1"), ("hostname", "nodeA")), N("nodeB", ("region", "r1"), ("hostname", "nodeB"))], WantFilter: [Anti, Anti]),
        ["This test ensures that anti-affinity matches a pod when any term of the anti-affinity rule matches a pod."] =
            new(P().WithPodAntiAffinity(In("foo", "region", "abc"), In("service", "zone", "securityscan")),
                [P().OnNode("nodeA").WithLabel("foo", "abc").WithLabel("service", "securityscan")],
                [N("nodeA", ("region", "r1"), ("zone", "z1"), ("hostname", "nodeA")), N("nodeB", ("region", "r1"), ("zone", "z2"), ("hostname", "nodeB"))], WantFilter: [Anti, Anti]),
        ["NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod affinity rule. The pod can not be scheduled onto nodeA and nodeB but can be scheduled onto nodeC"] =
            new(P().WithPodAntiAffinity(In("foo", "region", "abc")), [P().OnNode("nodeA").WithLabel("foo", "abc")], ChinaChinaIndia, WantFilter: [Anti, Anti, null]),
        ["NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod affinity rule. The pod can not be scheduled onto nodeA, nodeB, but can be scheduled onto nodeC (NodeC has an existing pod that match the inter pod affinity rule but in different namespace)"] =
            new(P("NS1").WithLabel("foo", "123").WithPodAntiAffinity(In("foo", "region", "bar")),
                [Pod("NS1", "p").OnNode("nodeA").WithLabel("foo", "bar"), Pod("NS2", "p").OnNode("nodeC").WithPodAntiAffinity(In("foo", "region", "123"))],
                ChinaChinaIndia, WantFilter: [Anti, Anti, null]),
        ["Test existing pod's anti-affinity: if an existing pod has a term with invalid topologyKey, labelSelector of the term is firstly checked, and then topologyKey of the term is also checked"] =
            new(P().WithLabel("foo", ""), [P().OnNode("nodeA").WithPodAntiAffinity(Exists("foo", "invalid-node-label"))], R1Z1Z1, WantSkip: true),
        ["Test incoming pod's anti-affinity: even if labelSelector matches, we still check if topologyKey matches"] =
            new(P().OnNode("nodeA").WithPodAntiAffinity(Exists("foo", "invalid-node-label")), [P().OnNode("nodeA").WithLabel("foo", "")], R1Z1Z1, WantFilter: [null, null]),
        ["Test existing pod's anti-affinity: incoming pod wouldn't considered as a fit as it violates each existingPod's terms on all nodes"] =
            new(P().WithLabel("foo", "").WithLabel("bar", ""),
                [P().OnNode("nodeA").WithPodAntiAffinity(Exists("foo", "zone")), P().OnNode("nodeA").WithPodAntiAffinity(Exists("bar", "region"))], R1Z1Z2, WantFilter: [Existing, Existing]),
        ["Test incoming pod's anti-affinity: incoming pod wouldn't considered as a fit as it at least violates one anti-affinity rule of existingPod"] =
            new(P().WithPodAntiAffinity(Exists("foo", "zone"), Exists("bar", "region")),
                [P().OnNode("nodeA").WithLabel("foo", ""), P().OnNode("nodeB").WithLabel("bar", "")], R1Z1Z2, WantFilter: [Anti, Anti]),
        ["Test existing pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when one term has invalid topologyKey"] =
            new(P().WithLabel("foo", "").WithLabel("bar", ""),
                [P().OnNode("nodeA").WithPodAntiAffinity(Exists("foo", "invalid-node-label"), Exists("bar", "zone"))], R1Z1Z2, WantFilter: [Existing, null]),
        ["Test incoming pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when one term has invalid topologyKey"] =
            new(P().WithPodAntiAffinity(Exists("foo", "invalid-node-label"), Exists("bar", "zone")),
                [Pod(Ns, "podA").OnNode("nodeA").WithLabel("foo", "").WithLabel("bar", "")], R1Z1Z2, WantFilter: [Anti, null]),
        ["Test existing pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when all terms have valid topologyKey"] =
            new(P().WithLabel("foo", "").WithLabel("bar", ""),
                [P().OnNode("nodeA").WithPodAntiAffinity(Exists("foo", "region"), Exists("bar", "zone"))], R1Z1Z2, WantFilter: [Existing, Existing]),
        ["Test incoming pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when all terms have valid topologyKey"] =
            new(P().WithPodAntiAffinity(Exists("foo", "region"), Exists("bar", "zone")),
                [P().OnNode("nodeA").WithLabel("foo", "").WithLabel("bar", "")], R1Z1Z2, WantFilter: [Anti, Anti]),
        ["Test existing pod's anti-affinity: existingPod on nodeA and nodeB has at least one anti-affinity term matches incoming pod, so incoming pod can only be scheduled to nodeC"] =
            new(P().WithLabel("foo", "").WithLabel("bar", ""),
                [P().OnNode("nodeA").WithPodAntiAffinity(Exists("foo", "zone"), Exists("labelA", "zone")), P().OnNode("nodeB").WithPodAntiAffinity(Exists("bar", "zone"), Exists("labelB", "zone"))],
                [.. R1Z1Z2, N("nodeC", ("region", "r1"), ("zone", "z3"), ("hostname", "nodeC"))], WantFilter: [Existing, Existing, null]),
        ["Test incoming pod's affinity: firstly check if all affinityTerms match, and then check if all topologyKeys match"] =
            new(P().WithPodAffinity(Exists("foo", "region"), Exists("bar", "zone")),
                [Pod(Ns, "pod1").OnNode("nodeA").WithLabel("foo", "").WithLabel("bar", "")], R1Z1Z1, WantFilter: [null, null]),
        ["Test incoming pod's affinity: firstly check if all affinityTerms match, and then check if all topologyKeys match, and the match logic should be satisfied on the same pod"] =
            new(P().WithPodAffinity(Exists("foo", "region"), Exists("bar", "zone")),
                [Pod(Ns, "pod1").OnNode("nodeA").WithLabel("foo", ""), Pod(Ns, "pod2").OnNode("nodeB").WithLabel("bar", "")], R1Z1Z2, WantFilter: [Affinity, Affinity]),
    };

    public static TheoryData<string> SingleNodeCases => [.. SingleNode.Keys];

    public static TheoryData<string> MultipleNodesCases => [.. MultipleNodes.Keys];

    /// <summary>The namespaces of filtering_test.go/scoring_test.go: subteam{1,2}.team{1,2}, labelled team: team{1,2}; and NS1.</summary>
    internal static ClusterState Cluster(IEnumerable<NodeInfo> nodes, IEnumerable<PodInfo> pods)
    {
        var state = new ClusterState(new VolumeIndex());
        foreach (var (name, team) in new[] { ("subteam1.team1", "team1"), ("subteam2.team1", "team1"), ("subteam1.team2", "team2"), ("subteam2.team2", "team2") })
            state.UpsertNamespace(new NamespaceInfo(name, Labels(("team", team))));
        state.UpsertNamespace(new NamespaceInfo("NS1", Labels()));
        foreach (var node in nodes) state.UpsertNode(node);
        // Upstream's pods are mostly nameless: each existing pod gets a name of its own.
        var i = 0;
        foreach (var pod in pods) state.UpsertPod(pod with { Key = new ObjectKey(pod.Key.Namespace, $"{pod.Key.Name}-{i++}") });
        return state;
    }

    [Theory]
    [MemberData(nameof(SingleNodeCases))]
    public void TestRequiredAffinitySingleNode(string name) => Run(SingleNode[name]);

    [Theory]
    [MemberData(nameof(MultipleNodesCases))]
    public void TestRequiredAffinityMultipleNodes(string name) => Run(MultipleNodes[name]);

    private static void Run(AffinityFilterRow row)
    {
        var state = Cluster(row.Nodes, row.Pods);
        var plugin = new VolumeAwareScheduler.Core.Scheduling.Plugins.InterPodAffinity();
        var cycle = new CycleState(state, state.Nodes);
        var preFilter = plugin.PreFilter(cycle, row.Pod, out var result);
        Assert.Null(result);
        Assert.Equal(row.WantSkip ? StatusCode.Skip : StatusCode.Success, preFilter.Code);
        if (row.WantSkip) return;
        for (var i = 0; i < row.Nodes.Length; i++)
        {
            var status = plugin.Filter(cycle, row.Pod, row.Nodes[i], i);
            var want = row.WantFilter![i];
            Assert.Equal(want?.Code ?? StatusCode.Success, status.Code);
            Assert.Equal(want is { } w ? [w.Reason] : Array.Empty<string>(), status.Reasons.ToArray());
        }
    }

    [Fact]
    public void Filter_without_PreFilter_is_an_error()
    {
        var state = Cluster([Node1], []);
        var status = new VolumeAwareScheduler.Core.Scheduling.Plugins.InterPodAffinity().Filter(new CycleState(state, state.Nodes), P(), Node1, 0);
        Assert.Equal(StatusCode.Error, status.Code);
        Assert.Equal("error reading \"PreFilterInterPodAffinity\" from cycleState: not found", status.Message);
    }

    [Fact]
    public void Reason_strings_are_v1_37s()
    {
        Assert.Equal("node(s) didn't match pod affinity rules", Reasons.PodAffinityRulesNotMatch);
        Assert.Equal("node(s) didn't match pod anti-affinity rules", Reasons.PodAntiAffinityRulesNotMatch);
        Assert.Equal("node(s) didn't satisfy existing pods anti-affinity rules", Reasons.ExistingPodsAntiAffinityRulesNotMatch);
    }
}
