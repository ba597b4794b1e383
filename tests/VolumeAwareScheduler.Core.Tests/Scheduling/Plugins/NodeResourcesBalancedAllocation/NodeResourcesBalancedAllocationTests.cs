using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.NodeResourcesBalancedAllocation;

/// <summary>
/// Ports TestNodeResourcesBalancedAllocation (pkg/scheduler/framework/plugins/noderesources/
/// balanced_allocation_test.go, Kubernetes v1.37) without its DRA cases. Upstream's pod specs as effective requests:
/// cpuAndMemory (3000m, 5000), cpuOnly (3000m, 0), cpuAndMemoryAndGPU (3000m, 5000, 3 nvidia.com/gpu).
/// </summary>
public class NodeResourcesBalancedAllocationTests
{
    private const string Gpu = "nvidia.com/gpu";

    private static PodBuilder CpuAndMemory(string name = "p", string node = "") => Pod("ns", name).Requesting(new Resources(3000, 5000, 0, 1)).OnNode(node);

    private static PodBuilder CpuOnly(string name = "p", string node = "") => Pod("ns", name).Requesting(new Resources(3000, 0, 0, 1)).OnNode(node);

    private static PodBuilder CpuAndMemoryAndGpu(string name, string node) => CpuAndMemory(name, node).WithScalar(Gpu, 3);

    private static NodeInfo Node(string name, long milliCpu, long memory, bool gpu = false)
    {
        var node = BareNode(name).WithAllocatable(new Resources(milliCpu, memory, 0, 110));
        if (gpu) node.WithScalar(Gpu, 8);
        return node;
    }

    private static readonly NodeResourcesBalancedAllocationArgs WithGpu = new() { Resources = [new("cpu"), new("memory"), new(Gpu)] };

    public static TheoryData<string, PodInfo, NodeInfo[], PodInfo[], NodeResourcesBalancedAllocationArgs?, bool, long[]> Cases => new()
    {
        { "nothing scheduled, resources requested, differently sized nodes", CpuAndMemory(), [Node("node1", 4000, 10000), Node("node2", 6000, 10000)], [], null, true, [87, 100] },
        {
            "resources requested, pods scheduled with resources", CpuAndMemory(), [Node("node1", 10000, 20000), Node("node2", 10000, 20000)],
            [CpuOnly("a", "node1"), CpuAndMemory("b", "node2")], null, true, [82, 95]
        },
        {
            "resources requested, pods scheduled with resources, differently sized nodes", CpuAndMemory(), [Node("node1", 10000, 20000), Node("node2", 10000, 50000)],
            [CpuOnly("a", "node1"), CpuAndMemory("b", "node2")], null, true, [82, 80]
        },
        {
            "requested resources at node capacity", CpuOnly(), [Node("node1", 6000, 10000), Node("node2", 6000, 10000)],
            [CpuOnly("a", "node1"), CpuAndMemory("b", "node2")], null, true, [50, 75]
        },
        {
            "include scalar resource on a node for balanced resource allocation", Pod("ns", "p").WithScalar(Gpu, 1),
            [Node("node1", 3500, 40000, gpu: true), Node("node2", 3500, 40000, gpu: true)],
            [CpuAndMemory("a", "node2"), CpuAndMemoryAndGpu("b", "node1")], WithGpu, true, [70, 65]
        },
        {
            "node without the scalar resource should skip the scalar resource", CpuAndMemory(), [Node("node1", 3500, 40000, gpu: true), Node("node2", 3500, 40000)],
            [], WithGpu, true, [63, 63]
        },
        {
            "resources requested, pods scheduled with resources if PreScore not called", CpuAndMemory(), [Node("node1", 10000, 20000), Node("node2", 10000, 20000)],
            [CpuOnly("a", "node1"), CpuAndMemory("b", "node2")], null, false, [82, 95]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Node_resources_balanced_allocation(string name, PodInfo pod, NodeInfo[] nodes, PodInfo[] pods, NodeResourcesBalancedAllocationArgs? args,
        bool preScore, long[] expected)
    {
        _ = name;
        var cluster = PluginHarness.Cluster(nodes, pods);

        var scores = PluginHarness.Score(new VolumeAwareScheduler.Core.Scheduling.Plugins.NodeResourcesBalancedAllocation(args), cluster, pod, preScore);

        Assert.Equal(expected, scores);
    }

    [Fact]
    public void nothing_scheduled_nothing_requested_skip_in_PreScore()
    {
        var cluster = PluginHarness.Cluster([Node("node1", 4000, 10000), Node("node2", 4000, 10000)]);

        var status = new VolumeAwareScheduler.Core.Scheduling.Plugins.NodeResourcesBalancedAllocation().PreScore(new CycleState(cluster, cluster.Nodes), Pod("ns", "p"), cluster.Nodes);

        Assert.Equal(StatusCode.Skip, status.Code);
    }
}
