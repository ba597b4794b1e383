using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.NodeAffinity;

/// <summary>
/// Ports TestNodeAffinityPriority (pkg/scheduler/framework/plugins/nodeaffinity/node_affinity_test.go, Kubernetes
/// v1.37). The "added affinity" cases (NodeAffinityArgs.addedAffinity) and the broken-key case (the API server and our
/// conversion reject such a key before a pod reaches the plugin) are left out.
/// </summary>
public class NodeAffinityPriorityTests
{
    private static readonly (string, string)[] Label1 = [("foo", "bar")];
    private static readonly (string, string)[] Label2 = [("key", "value")];
    private static readonly (string, string)[] Label3 = [("az", "az1")];
    private static readonly (string, string)[] Label4 = [("abc", "az11"), ("def", "az22")];
    private static readonly (string, string)[] Label5 = [("foo", "bar"), ("key", "value"), ("az", "az1")];

    private static readonly WeightedNodeSelectorTerm[] Affinity1 = [new(2, Term(In("foo", "bar")))];

    private static readonly WeightedNodeSelectorTerm[] Affinity2 =
    [
        new(2, Term(In("foo", "bar"))),
        new(4, Term(In("key", "value"))),
        new(5, Term(In("foo", "bar"), In("key", "value"), In("az", "az1"))),
    ];

    private static NodeInfo Node(string name, (string Key, string Value)[] labels)
    {
        var node = BareNode(name);
        foreach (var (key, value) in labels) node.WithLabel(key, value);
        return node;
    }

    private static PodInfo PodWith(WeightedNodeSelectorTerm[] preferred) => (PodInfo)Pod("ns", "p") with { PreferredNodeAffinity = [.. preferred] };

    public static TheoryData<string, WeightedNodeSelectorTerm[], NodeInfo[], long[]> Cases => new()
    {
        { "all nodes are same priority as NodeAffinity is nil", [], [Node("node1", Label1), Node("node2", Label2), Node("node3", Label3)], [0, 0, 0] },
        {
            "no node matches preferred scheduling requirements in NodeAffinity of pod so all nodes' priority is zero", Affinity1,
            [Node("node1", Label4), Node("node2", Label2), Node("node3", Label3)], [0, 0, 0]
        },
        { "only node1 matches the preferred scheduling requirements of pod", Affinity1, [Node("node1", Label1), Node("node2", Label2), Node("node3", Label3)], [100, 0, 0] },
        {
            "all nodes matches the preferred scheduling requirements of pod but with different priorities ", Affinity2,
            [Node("node1", Label1), Node("node5", Label5), Node("node2", Label2)], [18, 100, 36]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Node_affinity_priority(string name, WeightedNodeSelectorTerm[] preferred, NodeInfo[] nodes, long[] expected)
    {
        _ = name;
        var cluster = PluginHarness.Cluster(nodes);
        // The cluster lists nodes by name; upstream's expected list is in the case's node order.
        var order = nodes.Select(n => cluster.Nodes.ToList().FindIndex(c => c.Name == n.Name)).ToArray();

        var scores = PluginHarness.Score(new VolumeAwareScheduler.Core.Scheduling.Plugins.NodeAffinity(), cluster, PodWith(preferred), preScore: preferred.Length > 0);

        Assert.Equal(expected, order.Select(i => scores[i]).ToArray());
    }

    [Fact]
    public void Skip_is_returned_in_PreScore_when_NodeAffinity_is_nil()
    {
        var cluster = PluginHarness.Cluster([Node("node1", Label1)]);

        var status = new VolumeAwareScheduler.Core.Scheduling.Plugins.NodeAffinity().PreScore(new CycleState(cluster, cluster.Nodes), Pod("ns", "p"), cluster.Nodes);

        Assert.Equal(StatusCode.Skip, status.Code);
    }

    [Fact]
    public void Calculate_the_priorities_correctly_even_if_PreScore_is_not_called()
    {
        var cluster = PluginHarness.Cluster([Node("node1", Label1), Node("node5", Label5), Node("node2", Label2)]);

        var scores = PluginHarness.Score(new VolumeAwareScheduler.Core.Scheduling.Plugins.NodeAffinity(), cluster, PodWith(Affinity2), preScore: false);

        Assert.Equal([18, 36, 100], scores); // node1, node2, node5 in name order
    }
}
