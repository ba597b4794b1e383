using VolumeAwareScheduler.Core.Scheduling.Plugins;
using VolumeAwareScheduler.Core.Scheduling.Plugins.Helper;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.NodeResourcesFit;

/// <summary>
/// Ports TestFitScore (pkg/scheduler/framework/plugins/noderesources/fit_test.go, Kubernetes v1.37): the three
/// scoring strategies over cpu and memory, with and without PreScore, and an existing pod with a sidecar. Upstream's
/// "cpu": "3000" is 3000 cores; the DRA extended-resource cases are left out (no DRA here).
/// </summary>
public class NodeResourcesFitScoreTests
{
    private const long Core = 1000;

    private static readonly IReadOnlyList<FunctionShapePoint> Descending = [new(0, 10), new(100, 0)];
    private static readonly IReadOnlyList<FunctionShapePoint> Ascending = [new(0, 0), new(100, 10)];

    private static NodeResourcesFitArgs Args(ScoringStrategyType type, IReadOnlyList<FunctionShapePoint>? shape = null) =>
        new() { ScoringStrategy = new ScoringStrategy { Type = type, RequestedToCapacityRatioShape = shape } };

    private static PodInfo Requests(string name, long cores, long memory, string node = "") =>
        Pod("ns", name).Requesting(new Resources(cores * Core, memory, 0, 1)).OnNode(node);

    public static TheoryData<string, ScoringStrategyType, IReadOnlyList<FunctionShapePoint>?, long, long, bool, long, long, bool> Cases => new()
    {
        { "test case for ScoringStrategy RequestedToCapacityRatio case1", ScoringStrategyType.RequestedToCapacityRatio, Descending, 3000, 5000, true, 10, 32, false },
        { "test case for ScoringStrategy RequestedToCapacityRatio case2", ScoringStrategyType.RequestedToCapacityRatio, Ascending, 3000, 5000, true, 95, 68, false },
        { "test case for ScoringStrategy MostAllocated", ScoringStrategyType.MostAllocated, null, 1000, 2000, true, 67, 36, false },
        { "test case for ScoringStrategy LeastAllocated", ScoringStrategyType.LeastAllocated, null, 1000, 2000, true, 32, 63, false },
        { "test case for ScoringStrategy RequestedToCapacityRatio case1 if PreScore is not called", ScoringStrategyType.RequestedToCapacityRatio, Descending, 3000, 5000, false, 10, 32, false },
        { "test case for ScoringStrategy MostAllocated if PreScore is not called", ScoringStrategyType.MostAllocated, null, 1000, 2000, false, 67, 36, false },
        { "test case for ScoringStrategy LeastAllocated if PreScore is not called", ScoringStrategyType.LeastAllocated, null, 1000, 2000, false, 32, 63, false },
        { "test case for ScoringStrategy MostAllocated with sidecar container", ScoringStrategyType.MostAllocated, null, 1000, 2000, true, 67, 45, true },
        { "test case for ScoringStrategy LeastAllocated with sidecar container", ScoringStrategyType.LeastAllocated, null, 1000, 2000, true, 32, 55, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fit_score(string name, ScoringStrategyType type, IReadOnlyList<FunctionShapePoint>? shape, long cores, long memory, bool preScore,
        long node1, long node2, bool sidecar)
    {
        _ = name;
        // Upstream: node1 4000 cores, node2 6000 (4000 in the sidecar cases), 10000 bytes each; node1 runs (2000, 4000)
        // or, with a sidecar, (1000, 2000) plus a sidecar of (1000, 2000); node2 runs (1000, 2000).
        var nodes = new NodeInfo[]
        {
            BareNode("node1").WithAllocatable(new Resources(4000 * Core, 10000, 0, 110)),
            BareNode("node2").WithAllocatable(new Resources((sidecar ? 4000 : 6000) * Core, 10000, 0, 110)),
        };
        var cluster = PluginHarness.Cluster(nodes, [Requests("existing-1", 2000, 4000, "node1"), Requests("existing-2", 1000, 2000, "node2")]);
        var plugin = new VolumeAwareScheduler.Core.Scheduling.Plugins.NodeResourcesFit(Args(type, shape));

        var scores = PluginHarness.Score(plugin, cluster, Requests("p", cores, memory), preScore);

        Assert.Equal([node1, node2], scores);
    }

    [Fact]
    public void A_pod_without_requests_is_scored_with_the_non_zero_defaults()
    {
        // GetNonzeroRequests: 100m and 200Mi count for a container that requests nothing, on the node and for the pod.
        var node = BareNode("node").WithAllocatable(new Resources(1000, 1000L << 20, 0, 110));
        var cluster = PluginHarness.Cluster([node], [Pod("ns", "best-effort").OnNode("node")]);

        var score = PluginHarness.Score(new VolumeAwareScheduler.Core.Scheduling.Plugins.NodeResourcesFit(), cluster, Pod("ns", "p")).Single();

        // cpu: (1000 − 200) × 100 / 1000 = 80; memory: (1000Mi − 400Mi) × 100 / 1000Mi = 60; mean 70.
        Assert.Equal(70, score);
    }

    [Fact]
    public void Extended_resources_score_only_when_the_pod_requests_them()
    {
        var args = new NodeResourcesFitArgs
        {
            ScoringStrategy = new ScoringStrategy { Type = ScoringStrategyType.MostAllocated, Resources = [new("cpu", 1), new("nvidia.com/gpu", 3)] },
        };
        var node = BareNode("node").WithAllocatable(new Resources(1000, 1L << 30, 0, 110)).WithScalar("nvidia.com/gpu", 4);
        var cluster = PluginHarness.Cluster([node], [Pod("ns", "gpu-user").Requesting(new Resources(0, 0, 0, 1)).NonZero(0, 0).WithScalar("nvidia.com/gpu", 2).OnNode("node")]);
        var plugin = new VolumeAwareScheduler.Core.Scheduling.Plugins.NodeResourcesFit(args);

        var withGpu = PluginHarness.Score(plugin, cluster, Pod("ns", "p").Requesting(new Resources(500, 0, 0, 1)).WithScalar("nvidia.com/gpu", 1)).Single();
        var withoutGpu = PluginHarness.Score(plugin, cluster, Pod("ns", "q").Requesting(new Resources(500, 0, 0, 1))).Single();

        // cpu 500/1000 → 50 (weight 1); gpu (2 + 1)/4 → 75 (weight 3): (50 + 225) / 4 = 68. Without a gpu request
        // the gpu is left out and only cpu counts: 50.
        Assert.Equal(68, withGpu);
        Assert.Equal(50, withoutGpu);
    }
}
