using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.InterPodAffinity;

/// <summary>
/// Ported from pkg/scheduler/framework/plugins/interpodaffinity/scoring_test.go: TestPreferredAffinity and
/// TestPreferredAffinityWithHardPodAffinitySymmetricWeight, upstream's case names and expected scores (a null
/// expectation is PreScore's Skip). Upstream's namespace "" is "default" here. Two pairs of upstream rows share a name
/// (the second of each is about anti-affinity): those get " (anti-affinity)" appended.
/// Left out: "invalid Affinity fails PreScore" and "invalid AntiAffinity fails PreScore" (invalid label values never
/// reach Core: the API server and our conversion reject them).
/// </summary>
public class InterPodAffinityScoringTests
{
    private const string Ns = "default";
    private const long Max = NodeScore.MaxNodeScore;

    private static readonly Dictionary<string, string> S1 = new() { ["security"] = "S1" };
    private static readonly Dictionary<string, string> S2 = new() { ["security"] = "S2" };
    private static readonly LabelSelector Team1 = LabelSelector(null, In("team", "team1"));

    private static NodeInfo N(string name, params (string Key, string Value)[] labels)
    {
        var node = BareNode(name);
        foreach (var (k, v) in labels) node.WithLabel(k, v);
        return node;
    }

    private static (string, string) China => ("region", "China");
    private static (string, string) India => ("region", "India");
    private static (string, string) Az1 => ("az", "az1");
    private static (string, string) Az2 => ("az", "az2");

    private static PodAffinityTerm Security(string topologyKey, params SelectorRequirement[] requirements) => PodTerm(topologyKey, LabelSelector(null, requirements));

    private static PodBuilder StayWithS1InRegion(PodBuilder p) => p.WithPreferredPodAffinity(5, Security("region", In("security", "S1")));
    private static PodBuilder StayWithS2InRegion(PodBuilder p) => p.WithPreferredPodAffinity(6, Security("region", In("security", "S2")));
    private static PodBuilder Affinity3(PodBuilder p) => p
        .WithPreferredPodAffinity(8, Security("region", NotIn("security", "S1"), In("security", "S2")))
        .WithPreferredPodAffinity(2, Security("region", Exists("security"), DoesNotExist("wrongkey")));
    private static PodBuilder HardAffinity(PodBuilder p) => p.WithPodAffinity(
        Security("region", In("security", "S1", "value2")), Security("region", Exists("security"), DoesNotExist("wrongkey")));
    private static PodBuilder AwayFromS1InAz(PodBuilder p) => p.WithPreferredPodAntiAffinity(5, Security("az", In("security", "S1")));
    private static PodBuilder AwayFromS2InAz(PodBuilder p) => p.WithPreferredPodAntiAffinity(5, Security("az", In("security", "S2")));
    private static PodBuilder StayWithS1InRegionAwayFromS2InAz(PodBuilder p) => p
        .WithPreferredPodAffinity(8, Security("region", In("security", "S1")))
        .WithPreferredPodAntiAffinity(5, Security("az", In("security", "S2")));
    private static PodBuilder AffinityNamespaceSelector(PodBuilder p) =>
        p.WithPreferredPodAffinity(5, PodTerm("region", LabelSelector(null, In("security", "S1")), ["subteam2.team2"], Team1));
    private static PodBuilder AntiAffinityNamespaceSelector(PodBuilder p) =>
        p.WithPreferredPodAntiAffinity(5, PodTerm("region", LabelSelector(null, In("security", "S1")), ["subteam2.team2"], Team1));

    private static PodBuilder P(string? node = null, string ns = Ns)
    {
        var pod = Pod(ns, "p");
        return node is null ? pod : pod.OnNode(node);
    }

    private static readonly NodeInfo[] ChinaIndiaAz1 = [N("node1", China), N("node2", India), N("node3", Az1)];

    // TestPreferredAffinity (HardPodAffinityWeight 1).
    private static readonly Dictionary<string, AffinityScoreRow> Preferred = new()
    {
        ["all nodes are same priority as Affinity is nil"] = new(P().WithLabels(S1), [], ChinaIndiaAz1, null),
        ["Affinity: pod that matches topology key & pods in nodes will get high score comparing to otherswhich doesn't match either pods in nodes or in topology key"] =
            new(StayWithS1InRegion(P()).WithLabels(S1), [P("node1").WithLabels(S1), P("node2").WithLabels(S2), P("node3").WithLabels(S1)], ChinaIndiaAz1, [Max, 0, 0]),
        ["All the nodes that have the same topology key & label value with one of them has an existing pod that match the affinity rules, have the same score"] =
            new(StayWithS1InRegion(P()), [P("node1").WithLabels(S1)], [N("node1", China), N("node2", China, Az1), N("node3", India)], [Max, Max, 0]),
        ["Affinity: nodes in one region has more matching pods comparing to other region, so the region which has more matches will get high score"] =
            new(StayWithS2InRegion(P()).WithLabels(S1),
                [P("node1").WithLabels(S2), P("node1").WithLabels(S2), P("node2").WithLabels(S2), P("node3").WithLabels(S2), P("node4").WithLabels(S2), P("node5").WithLabels(S2)],
                [N("node1", China), N("node2", India), N("node3", China), N("node4", China), N("node5", India)], [Max, 0, Max, Max, 0]),
        ["Affinity: different Label operators and values for pod affinity scheduling preference, including some match failures "] =
            new(Affinity3(P()).WithLabels(S1), [P("node1").WithLabels(S1), P("node2").WithLabels(S2), P("node3").WithLabels(S1)], ChinaIndiaAz1, [20, Max, 0]),
        ["Affinity symmetry: considered only the preferredDuringSchedulingIgnoredDuringExecution in pod affinity symmetry"] =
            new(P().WithLabels(S2), [StayWithS1InRegion(P("node1")).WithLabels(S1), StayWithS2InRegion(P("node2")).WithLabels(S2)], ChinaIndiaAz1, [0, Max, 0]),
        ["Affinity symmetry with namespace selector"] =
            new(P(ns: "subteam1.team1").WithLabels(S1), [AffinityNamespaceSelector(P("node1")).WithLabels(S1), StayWithS2InRegion(P("node2")).WithLabels(S2)], ChinaIndiaAz1, [Max, 0, 0]),
        ["AntiAffinity symmetry with namespace selector"] =
            new(P(ns: "subteam1.team1").WithLabels(S1), [AntiAffinityNamespaceSelector(P("node1")).WithLabels(S1), StayWithS2InRegion(P("node2")).WithLabels(S2)], ChinaIndiaAz1, [0, Max, Max]),
        ["Affinity symmetry: considered RequiredDuringSchedulingIgnoredDuringExecution in pod affinity symmetry"] =
            new(P().WithLabels(S1), [HardAffinity(P("node1")).WithLabels(S1), HardAffinity(P("node2")).WithLabels(S2)], ChinaIndiaAz1, [Max, Max, 0]),
        ["Anti Affinity: pod that does not match existing pods in node will get high score "] =
            new(AwayFromS1InAz(P()).WithLabels(S1), [P("node1").WithLabels(S1), P("node2").WithLabels(S2)], [N("node1", Az1), N("node2", China)], [0, Max]),
        ["Anti Affinity: pod that does not match topology key & match the pods in nodes will get higher score comparing to others "] =
            new(AwayFromS1InAz(P()).WithLabels(S1), [P("node1").WithLabels(S1), P("node2").WithLabels(S1)], [N("node1", Az1), N("node2", China)], [0, Max]),
        ["Anti Affinity: one node has more matching pods comparing to other node, so the node which has more unmatches will get high score"] =
            new(AwayFromS1InAz(P()).WithLabels(S1), [P("node1").WithLabels(S1), P("node1").WithLabels(S1), P("node2").WithLabels(S2)], [N("node1", Az1), N("node2", India)], [0, Max]),
        ["Anti Affinity symmetry: the existing pods in node which has anti affinity match will get high score"] =
            new(P().WithLabels(S2), [AwayFromS2InAz(P("node1")).WithLabels(S1), AwayFromS1InAz(P("node2")).WithLabels(S2)], [N("node1", Az1), N("node2", Az2)], [0, Max]),
        ["Affinity and Anti Affinity: considered only preferredDuringSchedulingIgnoredDuringExecution in both pod affinity & anti affinity"] =
            new(StayWithS1InRegionAwayFromS2InAz(P()).WithLabels(S1), [P("node1").WithLabels(S1), P("node2").WithLabels(S1)], [N("node1", China), N("node2", Az1)], [Max, 0]),
        ["Affinity and Anti Affinity: considering both affinity and anti-affinity, the pod to schedule and existing pods have the same labels"] =
            new(StayWithS1InRegionAwayFromS2InAz(P()).WithLabels(S1),
                [P("node1").WithLabels(S1), P("node1").WithLabels(S1), P("node2").WithLabels(S1), P("node3").WithLabels(S1), P("node3").WithLabels(S1), P("node4").WithLabels(S1), P("node5").WithLabels(S1)],
                [N("node1", China, Az1), N("node2", India), N("node3", China), N("node4", China), N("node5", India)], [Max, 0, Max, Max, 0]),
        ["Affinity and Anti Affinity and symmetry: considered only preferredDuringSchedulingIgnoredDuringExecution in both pod affinity & anti affinity & symmetry"] =
            new(StayWithS1InRegionAwayFromS2InAz(P()).WithLabels(S1),
                [P("node1").WithLabels(S1), P("node2").WithLabels(S2), StayWithS1InRegionAwayFromS2InAz(P("node3")), AwayFromS1InAz(P("node4"))],
                [N("node1", China), N("node2", Az1), N("node3", India), N("node4", Az2)], [Max, 0, Max, 0]),
        ["Avoid panic when partial nodes in a topology don't have pods with affinity"] =
            new(P().WithLabels(S1), [P("node1").WithLabels(S1), StayWithS1InRegionAwayFromS2InAz(P("node2"))], [N("node1", China), N("node2", China)], [0, 0]),
        ["Affinity with pods matching NamespaceSelector"] =
            new(AffinityNamespaceSelector(P(ns: "subteam1.team1")).WithLabels(S1),
                [P("node1", "subteam1.team1").WithLabels(S1), P("node1", "subteam1.team1").WithLabels(S1), P("node1", "subteam1.team2").WithLabels(S1), P("node2", "subteam2.team1").WithLabels(S1)],
                [N("node1", China), N("node2", India)], [Max, 0]),
        ["Affinity with pods matching both NamespaceSelector and Namespaces fields"] =
            new(AffinityNamespaceSelector(P(ns: "subteam1.team1")).WithLabels(S1),
                [P("node1", "subteam1.team1").WithLabels(S1), P("node1", "subteam1.team1").WithLabels(S1), P("node1", "subteam2.team2").WithLabels(S1), P("node2", "subteam2.team1").WithLabels(S1)],
                [N("node1", China), N("node2", India)], [Max, 0]),
        ["Affinity with pods matching NamespaceSelector (anti-affinity)"] =
            new(AntiAffinityNamespaceSelector(P(ns: "subteam1.team1")).WithLabels(S1),
                [P("node1", "subteam1.team1").WithLabels(S1), P("node1", "subteam1.team1").WithLabels(S1), P("node1", "subteam1.team2").WithLabels(S1), P("node2", "subteam2.team1").WithLabels(S1)],
                [N("node1", China), N("node2", India)], [0, Max]),
        ["Affinity with pods matching both NamespaceSelector and Namespaces fields (anti-affinity)"] =
            new(AntiAffinityNamespaceSelector(P(ns: "subteam1.team1")).WithLabels(S1),
                [P("node1", "subteam1.team1").WithLabels(S1), P("node1", "subteam1.team1").WithLabels(S1), P("node1", "subteam2.team2").WithLabels(S1), P("node2", "subteam2.team1").WithLabels(S1)],
                [N("node1", China), N("node2", India)], [0, Max]),
        ["Ignore preferred terms of existing pods"] =
            new(P().WithLabels(S2), [StayWithS1InRegionAwayFromS2InAz(P("node1")).WithLabels(S1), StayWithS2InRegion(P("node2")).WithLabels(S2)],
                [N("node1", China), N("node2", India)], null, new InterPodAffinityArgs { IgnorePreferredTermsOfExistingPods = true }),
        ["Do not ignore preferred terms of existing pods"] =
            new(P().WithLabels(S2), [StayWithS1InRegionAwayFromS2InAz(P("node1")).WithLabels(S1), StayWithS2InRegion(P("node2")).WithLabels(S2)],
                [N("node1", China), N("node2", India)], [0, Max]),
        ["No nodes to score"] = new(P().WithLabels(S2), [], [], null),
    };

    private static PodBuilder HardPodAffinity(PodBuilder p) =>
        p.WithPodAffinity(PodTerm("region", LabelSelector(null, In("service", "S1")), [Ns, "subteam2.team2"], Team1));

    private static readonly PodInfo[] HardPods = [HardPodAffinity(P("node1")), HardPodAffinity(P("node2"))];

    // TestPreferredAffinityWithHardPodAffinitySymmetricWeight.
    private static readonly Dictionary<string, AffinityScoreRow> HardWeight = new()
    {
        ["with default weight"] = new(P().WithLabel("service", "S1"), HardPods, ChinaIndiaAz1, [Max, Max, 0], new InterPodAffinityArgs { HardPodAffinityWeight = 1 }),
        ["with zero weight"] = new(P().WithLabel("service", "S1"), HardPods, ChinaIndiaAz1, null, new InterPodAffinityArgs { HardPodAffinityWeight = 0 }),
        ["with no matching namespace"] = new(P(ns: "subteam1.team2").WithLabel("service", "S1"), HardPods, ChinaIndiaAz1, null),
        ["with matching NamespaceSelector"] = new(P(ns: "subteam1.team1").WithLabel("service", "S1"), HardPods, ChinaIndiaAz1, [Max, Max, 0]),
        ["with matching Namespaces"] = new(P(ns: "subteam2.team2").WithLabel("service", "S1"), HardPods, ChinaIndiaAz1, [Max, Max, 0]),
    };

    public static TheoryData<string> PreferredCases => [.. Preferred.Keys];

    public static TheoryData<string> HardWeightCases => [.. HardWeight.Keys];

    [Theory]
    [MemberData(nameof(PreferredCases))]
    public void TestPreferredAffinity(string name) => Run(Preferred[name]);

    [Theory]
    [MemberData(nameof(HardWeightCases))]
    public void TestPreferredAffinityWithHardPodAffinitySymmetricWeight(string name) => Run(HardWeight[name]);

    private static void Run(AffinityScoreRow row)
    {
        var state = InterPodAffinityFilteringTests.Cluster(row.Nodes, row.Pods);
        var plugin = new VolumeAwareScheduler.Core.Scheduling.Plugins.InterPodAffinity(row.Args);
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

    [Fact]
    public void HardPodAffinityWeight_outside_0_to_100_is_rejected_as_ValidateInterPodAffinityArgs_does()
    {
        Assert.Equal(["hardPodAffinityWeight: Invalid value: 101: not in valid range [0-100]"], new InterPodAffinityArgs { HardPodAffinityWeight = 101 }.Validate());
        Assert.Throws<ArgumentException>(() => new VolumeAwareScheduler.Core.Scheduling.Plugins.InterPodAffinity(new InterPodAffinityArgs { HardPodAffinityWeight = -1 }));
    }
}
