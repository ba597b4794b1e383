using VolumeAwareScheduler.Core.Matching;
using VolumeAwareScheduler.Core.Scheduling;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Matching;

public class SelectorMatchingTests
{
    // Operator matrix of labels.Requirement.Matches (apimachinery labels/selector.go), as nodeaffinity.go uses it.
    public static TheoryData<string, SelectorRequirement, string?, bool> Operators => new()
    {
        { "In: value listed", In("k", "a", "b"), "b", true },
        { "In: value not listed", In("k", "a", "b"), "c", false },
        { "In: label absent", In("k", "a"), null, false },
        { "NotIn: value listed", NotIn("k", "a", "b"), "a", false },
        { "NotIn: value not listed", NotIn("k", "a", "b"), "c", true },
        { "NotIn: label absent matches", NotIn("k", "a"), null, true },
        { "Exists: present (empty value)", Exists("k"), "", true },
        { "Exists: absent", Exists("k"), null, false },
        { "DoesNotExist: absent", DoesNotExist("k"), null, true },
        { "DoesNotExist: present", DoesNotExist("k"), "x", false },
        { "Gt: greater", Gt("k", 3), "4", true },
        { "Gt: equal is not greater", Gt("k", 3), "3", false },
        { "Gt: leading zeros parse as decimal", Requirement("k", SelectorOperator.Gt, "0204"), "0206", true },
        { "Gt: negative bound", Gt("k", -2), "-1", true },
        { "Gt: non-numeric label never matches", Gt("k", 3), "four", false },
        { "Gt: label absent", Gt("k", 3), null, false },
        { "Lt: less", Lt("k", 3), "2", true },
        { "Lt: equal is not less", Lt("k", 3), "3", false },
        { "Lt: non-numeric label never matches", Lt("k", 3), "", false },
        { "Lt: explicit plus sign parses (strconv.ParseInt)", Lt("k", 3), "+2", true },
    };

    [Theory]
    [MemberData(nameof(Operators))]
    public void Requirement_matches_like_labels_Requirement(string name, SelectorRequirement requirement, string? labelValue, bool want)
    {
        var labels = labelValue is null ? Labels() : Labels(("k", labelValue));
        Assert.True(want == SelectorMatching.Matches(requirement, labels), name);
    }

    // Ported from staging/src/k8s.io/component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity_test.go
    // TestNodeSelectorMatch (valid selectors only: ours are validated at conversion, as the API server does).
    public static TheoryData<string, NodeSelector, NodeInfo, bool> NodeSelectorMatch => new()
    {
        {
            "node matches field selector, but not labels",
            Selector(FieldTerm([In("metadata.name", "host_1")], In("label_1", "label_1_val"))),
            BareNode("host_1"), false
        },
        {
            "node matches field selector and label selector",
            Selector(FieldTerm([In("metadata.name", "host_1")], In("label_1", "label_1_val"))),
            BareNode("host_1").WithLabel("label_1", "label_1_val"), true
        },
        {
            "second term matches",
            Selector(Term(In("label_1", "label_1_val")), FieldTerm([In("metadata.name", "host_1")])),
            BareNode("host_1"), true
        },
    };

    [Theory]
    [MemberData(nameof(NodeSelectorMatch))]
    public void NodeSelector_matches_like_upstream(string name, NodeSelector selector, NodeInfo node, bool want) =>
        Assert.True(want == SelectorMatching.Matches(selector, node.Labels, node.Name), name);

    // Ported from nodeaffinity_test.go TestPodMatchesNodeSelectorAndAffinityTerms, through the NodeAffinity filter
    // (spec.nodeSelector ANDed with required node affinity).
    public static TheoryData<string, PodInfo, NodeInfo, bool> PodMatchesNodeSelectorAndAffinityTerms
    {
        get
        {
            PodBuilder Pod() => Make.Pod("ns", "pod");
            NodeInfo NodeWith(params (string, string)[] labels)
            {
                var b = BareNode("node");
                foreach (var (k, v) in labels) b.WithLabel(k, v);
                return b;
            }
            return new()
            {
                { "no selector", Pod(), NodeWith(), true },
                { "missing labels", Pod().WithNodeSelector("foo", "bar"), NodeWith(), false },
                { "same labels", Pod().WithNodeSelector("foo", "bar"), NodeWith(("foo", "bar")), true },
                { "node labels are superset", Pod().WithNodeSelector("foo", "bar"), NodeWith(("foo", "bar"), ("baz", "blah")), true },
                { "node labels are subset", Pod().WithNodeSelector("foo", "bar").WithNodeSelector("baz", "blah"), NodeWith(("foo", "bar")), false },
                { "Pod with matchExpressions using In operator that matches the existing node", Pod().WithRequiredAffinity(Selector(Term(In("foo", "bar", "value2")))), NodeWith(("foo", "bar")), true },
                { "Pod with matchExpressions using Gt operator that matches the existing node", Pod().WithRequiredAffinity(Selector(Term(Requirement("kernel-version", SelectorOperator.Gt, "0204")))), NodeWith(("kernel-version", "0206")), true },
                { "Pod with matchExpressions using NotIn operator that matches the existing node", Pod().WithRequiredAffinity(Selector(Term(NotIn("mem-type", "DDR", "DDR2")))), NodeWith(("mem-type", "DDR3")), true },
                { "Pod with matchExpressions using Exists operator that matches the existing node", Pod().WithRequiredAffinity(Selector(Term(Exists("GPU")))), NodeWith(("GPU", "NVIDIA-GRID-K1")), true },
                { "Pod with affinity that don't match node's labels won't schedule onto the node", Pod().WithRequiredAffinity(Selector(Term(In("foo", "value1", "value2")))), NodeWith(("foo", "bar")), false },
                { "Pod with a nil []NodeSelectorTerm in affinity, can't match the node's labels and won't schedule onto the node", Pod().WithRequiredAffinity(Selector()), NodeWith(("foo", "bar")), false },
                { "Pod with empty MatchExpressions is not a valid value will match no objects and won't schedule onto the node", Pod().WithRequiredAffinity(Selector(Term())), NodeWith(("foo", "bar")), false },
                { "Pod with no Affinity will schedule onto a node", Pod(), NodeWith(("foo", "bar")), true },
                { "Pod with multiple matchExpressions ANDed that matches the existing node", Pod().WithRequiredAffinity(Selector(Term(Exists("GPU"), NotIn("GPU", "AMD", "INTER")))), NodeWith(("GPU", "NVIDIA-GRID-K1")), true },
                { "Pod with multiple matchExpressions ANDed that doesn't match the existing node", Pod().WithRequiredAffinity(Selector(Term(Exists("GPU"), In("GPU", "AMD", "INTER")))), NodeWith(("GPU", "NVIDIA-GRID-K1")), false },
                { "Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels and will schedule onto the node", Pod().WithRequiredAffinity(Selector(Term(In("foo", "bar", "value2")), Term(In("diffkey", "wrong", "value2")))), NodeWith(("foo", "bar")), true },
                { "Pod with an Affinity and a PodSpec.NodeSelector(the old thing that we are deprecating) both are satisfied, will schedule onto the node", Pod().WithNodeSelector("foo", "bar").WithRequiredAffinity(Selector(Term(Exists("foo")))), NodeWith(("foo", "bar")), true },
                { "Pod with an Affinity matches node's labels but the PodSpec.NodeSelector(the old thing that we are deprecating) is not satisfied, won't schedule onto the node", Pod().WithNodeSelector("foo", "bar").WithRequiredAffinity(Selector(Term(Exists("foo")))), NodeWith(("foo", "barrrrrr")), false },
                { "Pod with matchFields using In operator that matches the existing node", Pod().WithRequiredAffinity(Selector(FieldTerm([NameIs("node_1")]))), BareNode("node_1"), true },
                { "Pod with matchFields using In operator that does not match the existing node", Pod().WithRequiredAffinity(Selector(FieldTerm([NameIs("node_1")]))), BareNode("node_2"), false },
                { "Pod with two terms: matchFields does not match, but matchExpressions matches", Pod().WithRequiredAffinity(Selector(FieldTerm([NameIs("node_1")]), Term(In("foo", "bar")))), BareNode("node_2").WithLabel("foo", "bar"), true },
                { "Pod with one term: matchFields does not match, but matchExpressions matches", Pod().WithRequiredAffinity(Selector(FieldTerm([NameIs("node_1")], In("foo", "bar")))), BareNode("node_2").WithLabel("foo", "bar"), false },
                { "Pod with one term: both matchFields and matchExpressions match", Pod().WithRequiredAffinity(Selector(FieldTerm([NameIs("node_1")], In("foo", "bar")))), BareNode("node_1").WithLabel("foo", "bar"), true },
                { "Pod with two terms: both matchFields and matchExpressions do not match", Pod().WithRequiredAffinity(Selector(FieldTerm([NameIs("node_1")]), Term(In("foo", "not-match-to-bar")))), BareNode("node_2").WithLabel("foo", "bar"), false },
                // Ours: matchFields NotIn on metadata.name.
                { "matchFields NotIn excludes the named node", Pod().WithRequiredAffinity(Selector(FieldTerm([NotIn("metadata.name", "node_1")]))), BareNode("node_1"), false },
                { "matchFields NotIn admits other nodes", Pod().WithRequiredAffinity(Selector(FieldTerm([NotIn("metadata.name", "node_1")]))), BareNode("node_2"), true },
            };
        }
    }

    [Theory]
    [MemberData(nameof(PodMatchesNodeSelectorAndAffinityTerms))]
    public void NodeAffinity_filter_matches_like_upstream(string name, PodInfo pod, NodeInfo node, bool want)
    {
        var status = new Core.Scheduling.Plugins.NodeAffinity().Filter(null!, pod, node, 0);
        Assert.True(want == status.IsSuccess, name);
        if (!want) Assert.Equal(new[] { Reasons.NodeAffinityMismatch }, status.Reasons.ToArray());
    }

    // Ported from pkg/apis/core/v1/helper/helpers_test.go TestMatchTopologySelectorTerms.
    public static TheoryData<string, TopologySelectorTerm[], (string, string)[], bool> MatchTopologySelectorTerms => new()
    {
        { "nil term list", [], [], true },
        { "nil term", [new TopologySelectorTerm([])], [], false },
        { "label matches MatchLabelExpressions terms", [Topology(("label_1", ["label_1_val"]))], [("label_1", "label_1_val")], true },
        { "label does not match MatchLabelExpressions terms", [Topology(("label_1", ["label_1_val"]))], [("label_1", "label_1_val-failed")], false },
        { "multi-values in one requirement, one matched", [Topology(("label_1", ["label_1_val1", "label_1_val2"]))], [("label_1", "label_1_val2")], true },
        { "multi-terms was set, one matched", [Topology(("label_1", ["label_1_val"])), Topology(("label_2", ["label_2_val"]))], [("label_2", "label_2_val")], true },
        { "multi-requirement in one term, fully matched", [Topology(("label_1", ["label_1_val"]), ("label_2", ["label_2_val"]))], [("label_1", "label_1_val"), ("label_2", "label_2_val")], true },
        { "multi-requirement in one term, partial matched", [Topology(("label_1", ["label_1_val"]), ("label_2", ["label_2_val"]))], [("label_1", "label_1_val-failed"), ("label_2", "label_2_val")], false },
    };

    [Theory]
    [MemberData(nameof(MatchTopologySelectorTerms))]
    public void MatchesTopology_like_MatchTopologySelectorTerms(string name, TopologySelectorTerm[] terms, (string, string)[] labels, bool want) =>
        Assert.True(want == SelectorMatching.MatchesTopology(terms, Labels(labels)), name);

    // CheckNodeAffinity (component-helpers/storage/volume/helpers.go) builds a nameless node from the labels, so a PV's
    // matchFields are never consulted; empty terms select nothing; no affinity fits everywhere.
    public static TheoryData<string, NodeSelector?, NodeInfo, bool> VolumeAffinity => new()
    {
        { "no affinity fits every node", null, Node("node-1"), true },
        { "hostname In matches its node", Selector(Term(In(HostnameLabel, "node-1"))), Node("node-1"), true },
        { "hostname In rejects other nodes", Selector(Term(In(HostnameLabel, "node-1"))), Node("node-2"), false },
        { "empty term list matches no node", Selector(), Node("node-1"), false },
        { "a single empty term matches no node", Selector(Term()), Node("node-1"), false },
        { "an empty term ORed with a matching one", Selector(Term(), Term(In(HostnameLabel, "node-1"))), Node("node-1"), true },
        { "matchFields only: ignored, every node fits", Selector(FieldTerm([NameIs("node-9")])), Node("node-1"), true },
        { "matchFields with matchExpressions: only the labels count", Selector(FieldTerm([NameIs("node-9")], In(HostnameLabel, "node-1"))), Node("node-1"), true },
        { "only NotIn: admits nodes without the label", Selector(Term(NotIn(ZoneLabel, "zone-a"))), Node("node-1"), true },
        { "only NotIn: rejects the listed value", Selector(Term(NotIn(ZoneLabel, "zone-a"))), Node("node-1").InZone("zone-a"), false },
    };

    [Theory]
    [MemberData(nameof(VolumeAffinity))]
    public void VolumeFitsNode_like_CheckNodeAffinity(string name, NodeSelector? affinity, NodeInfo node, bool want) =>
        Assert.True(want == SelectorMatching.VolumeFitsNode(Volume("pv").WithAffinity(affinity), node), name);

    [Fact]
    public void Empty_label_selector_matches_everything() =>
        Assert.True(SelectorMatching.Matches(LabelSelector(), Labels(("any", "thing"))));

    [Fact]
    public void Label_selector_ANDs_matchLabels_and_matchExpressions()
    {
        var selector = LabelSelector(new Dictionary<string, string> { ["tier"] = "gold" }, NotIn("team", "b"));
        Assert.True(SelectorMatching.Matches(selector, Labels(("tier", "gold"), ("team", "a"))));
        Assert.False(SelectorMatching.Matches(selector, Labels(("tier", "gold"), ("team", "b"))));
        Assert.False(SelectorMatching.Matches(selector, Labels(("team", "a"))));
    }
}
