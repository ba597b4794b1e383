using VolumeAwareScheduler.Core.Scheduling.Plugins;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.TaintToleration;

/// <summary>Ports TestTaintTolerationScore (pkg/scheduler/framework/plugins/tainttoleration/taint_toleration_test.go, Kubernetes v1.37).</summary>
public class TaintTolerationScoreTests
{
    private static Toleration Tolerates(string key, string value, TaintEffect effect) => new(key, TolerationOperator.Equal, value, effect);

    private static Taint Prefer(string key, string value) => new(key, value, TaintEffect.PreferNoSchedule);

    private static NodeInfo Node(string name, params Taint[] taints)
    {
        var node = BareNode(name);
        foreach (var t in taints) node.WithTaint(t.Key, t.Value, t.Effect);
        return node;
    }

    public static TheoryData<string, Toleration[], NodeInfo[], long[]> Cases => new()
    {
        {
            "node with taints tolerated by the pod, gets a higher score than those node with intolerable taints",
            [Tolerates("foo", "bar", TaintEffect.PreferNoSchedule)],
            [Node("nodeA", Prefer("foo", "bar")), Node("nodeB", Prefer("foo", "blah"))],
            [100, 0]
        },
        {
            "the nodes that all of their taints are tolerated by the pod, get the same score, no matter how many tolerable taints a node has",
            [Tolerates("cpu-type", "arm64", TaintEffect.PreferNoSchedule), Tolerates("disk-type", "ssd", TaintEffect.PreferNoSchedule)],
            [Node("nodeA"), Node("nodeB", Prefer("cpu-type", "arm64")), Node("nodeC", Prefer("cpu-type", "arm64"), Prefer("disk-type", "ssd"))],
            [100, 100, 100]
        },
        {
            "the more intolerable taints a node has, the lower score it gets.",
            [Tolerates("foo", "bar", TaintEffect.PreferNoSchedule)],
            [Node("nodeA"), Node("nodeB", Prefer("cpu-type", "arm64")), Node("nodeC", Prefer("cpu-type", "arm64"), Prefer("disk-type", "ssd"))],
            [100, 50, 0]
        },
        {
            "only taints and tolerations that have effect PreferNoSchedule are checked by taints-tolerations priority function",
            [Tolerates("cpu-type", "arm64", TaintEffect.NoSchedule), Tolerates("disk-type", "ssd", TaintEffect.NoSchedule)],
            [Node("nodeA"), Node("nodeB", new Taint("cpu-type", "arm64", TaintEffect.NoSchedule)), Node("nodeC", Prefer("cpu-type", "arm64"), Prefer("disk-type", "ssd"))],
            [100, 100, 0]
        },
        {
            "Default behaviour No taints and tolerations, lands on node with no taints",
            [],
            [Node("nodeA"), Node("nodeB", Prefer("cpu-type", "arm64"))],
            [100, 0]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Taint_toleration_score(string name, Toleration[] tolerations, NodeInfo[] nodes, long[] expected)
    {
        _ = name;
        var pod = Pod("ns", "pod1");
        foreach (var t in tolerations) pod.Tolerating(t);

        var scores = PluginHarness.Score(new VolumeAwareScheduler.Core.Scheduling.Plugins.TaintToleration(), PluginHarness.Cluster(nodes), pod);

        Assert.Equal(expected, scores);
    }
}
