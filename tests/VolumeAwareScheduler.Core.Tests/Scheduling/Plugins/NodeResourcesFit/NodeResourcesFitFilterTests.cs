using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Plugins;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.NodeResourcesFit;

/// <summary>
/// Ports TestEnoughRequests, TestNotEnoughRequests, TestStorageRequests and TestRestartableInitContainers
/// (pkg/scheduler/framework/plugins/noderesources/fit_test.go, Kubernetes v1.37) with upstream's case names and
/// statuses. Upstream builds pods from containers, init containers and overhead; here each pod carries the effective
/// requests PodRequests gives for that spec (the computation itself is pinned in the Kubernetes adapter's
/// PodResourceRequestsTests). The DRA-backed extended resource cases are left out: this scheduler has no DRA.
/// </summary>
public class NodeResourcesFitFilterTests
{
    private const string ExtendedA = "example.com/aaa";
    private const string ExtendedB = "example.com/bbb";
    private const string KubernetesIOA = "kubernetes.io/something";
    private const string KubernetesIOB = "subdomain.kubernetes.io/something";
    private const string HugePageA = "hugepages-2Mi";

    public sealed record Case(string Name, PodInfo Pod, PodInfo Existing, StatusCode Code, string[] Reasons, NodeResourcesFitArgs? Args = null)
    {
        public override string ToString() => Name;
    }

    private static PodBuilder P(long cpu, long memory, long ephemeral = 0) => Pod("ns", "p").Requesting(new Resources(cpu, memory, ephemeral, 1));

    private static PodInfo E(long cpu, long memory, long ephemeral = 0, string? scalar = null, long amount = 0)
    {
        var pod = Pod("ns", "existing").Requesting(new Resources(cpu, memory, ephemeral, 1));
        if (scalar is not null) pod.WithScalar(scalar, amount);
        return pod;
    }

    private static string Insufficient(string resource) => VolumeAwareScheduler.Core.Scheduling.Reasons.Insufficient(resource);

    private const StatusCode Fits = StatusCode.Success;
    private const StatusCode No = StatusCode.Unschedulable;
    private const StatusCode Never = StatusCode.UnschedulableAndUnresolvable;

    public static TheoryData<Case> EnoughRequests => new(
        new Case("no resources requested always fits", P(0, 0), E(10, 20), Fits, []),
        new Case("too many resources fails", P(1, 1), E(10, 20), No, [Insufficient("cpu"), Insufficient("memory")]),
        new Case("too many resources fails due to init container cpu", P(3, 1), E(8, 19), No, [Insufficient("cpu")]),
        new Case("too many resources fails due to highest init container cpu", P(3, 1), E(8, 19), No, [Insufficient("cpu")]),
        new Case("too many resources fails due to init container memory", P(1, 3), E(9, 19), No, [Insufficient("memory")]),
        new Case("too many resources fails due to highest init container memory", P(1, 3), E(9, 19), No, [Insufficient("memory")]),
        new Case("init container fits because it's the max, not sum, of containers and init containers", P(1, 1), E(9, 19), Fits, []),
        new Case("multiple init containers fit because it's the max, not sum, of containers and init containers", P(1, 1), E(9, 19), Fits, []),
        new Case("both resources fit", P(1, 1), E(5, 5), Fits, []),
        new Case("one resource memory fits", P(2, 1), E(9, 5), No, [Insufficient("cpu")]),
        new Case("one resource cpu fits", P(1, 2), E(5, 19), No, [Insufficient("memory")]),
        new Case("equal edge case", P(5, 1), E(5, 19), Fits, []),
        new Case("equal edge case for init container", P(5, 1), E(5, 19), Fits, []),
        new Case("extended resource fits", P(0, 0).WithScalar(ExtendedA, 1), E(0, 0), Fits, []),
        new Case("extended resource fits for init container", P(0, 0).WithScalar(ExtendedA, 1), E(0, 0), Fits, []),
        new Case("extended resource capacity enforced", P(1, 1).WithScalar(ExtendedA, 10), E(0, 0, 0, ExtendedA, 0), Never, [Insufficient(ExtendedA)]),
        new Case("extended resource capacity enforced for init container", P(1, 1).WithScalar(ExtendedA, 10), E(0, 0, 0, ExtendedA, 0), Never, [Insufficient(ExtendedA)]),
        new Case("extended resource allocatable enforced", P(1, 1).WithScalar(ExtendedA, 1), E(0, 0, 0, ExtendedA, 5), No, [Insufficient(ExtendedA)]),
        new Case("extended resource allocatable enforced for init container", P(1, 1).WithScalar(ExtendedA, 1), E(0, 0, 0, ExtendedA, 5), No, [Insufficient(ExtendedA)]),
        new Case("extended resource allocatable enforced for multiple containers", P(2, 2).WithScalar(ExtendedA, 6), E(0, 0, 0, ExtendedA, 2), Never, [Insufficient(ExtendedA)]),
        new Case("extended resource allocatable admits multiple init containers", P(1, 1).WithScalar(ExtendedA, 3), E(0, 0, 0, ExtendedA, 2), Fits, []),
        new Case("extended resource allocatable enforced for multiple init containers", P(1, 1).WithScalar(ExtendedA, 6), E(0, 0, 0, ExtendedA, 2), Never, [Insufficient(ExtendedA)]),
        new Case("extended resource allocatable enforced for unknown resource", P(1, 1).WithScalar(ExtendedB, 1), E(0, 0), Never, [Insufficient(ExtendedB)]),
        new Case("extended resource allocatable enforced for unknown resource for init container", P(1, 1).WithScalar(ExtendedB, 1), E(0, 0), Never, [Insufficient(ExtendedB)]),
        new Case("kubernetes.io resource capacity enforced", P(1, 1).WithScalar(KubernetesIOA, 10), E(0, 0), Never, [Insufficient(KubernetesIOA)]),
        new Case("kubernetes.io resource capacity enforced for init container", P(1, 1).WithScalar(KubernetesIOB, 10), E(0, 0), Never, [Insufficient(KubernetesIOB)]),
        new Case("hugepages resource capacity enforced", P(1, 1).WithScalar(HugePageA, 10), E(0, 0, 0, HugePageA, 0), Never, [Insufficient(HugePageA)]),
        new Case("hugepages resource capacity enforced for init container", P(1, 1).WithScalar(HugePageA, 10), E(0, 0, 0, HugePageA, 0), Never, [Insufficient(HugePageA)]),
        new Case("hugepages resource allocatable enforced for multiple containers", P(2, 2).WithScalar(HugePageA, 6), E(0, 0, 0, HugePageA, 2), Never, [Insufficient(HugePageA)]),
        new Case("skip checking ignored extended resource", P(1, 1).WithScalar(ExtendedB, 1), E(0, 0), Fits, [],
            new NodeResourcesFitArgs { IgnoredResources = ["example.com/bbb"] }),
        new Case("resources + pod overhead fits", P(4, 14), E(5, 5), Fits, []),
        new Case("requests + overhead does not fit for memory", P(2, 16), E(5, 5), No, [Insufficient("memory")]),
        new Case("skip checking ignored extended resource via resource groups", P(1, 1).WithScalar(ExtendedB, 1).WithScalar(KubernetesIOA, 1), E(0, 0), Never,
            [Insufficient(KubernetesIOA)], new NodeResourcesFitArgs { IgnoredResourceGroups = ["example.com"] }),
        new Case("skip checking extended resource request with quantity zero via resource groups", P(1, 1).WithScalar(ExtendedA, 0), E(0, 0, 0, ExtendedA, 6), Fits, []),
        new Case("skip checking resource request with quantity zero", P(0, 0).WithScalar(ExtendedA, 1), E(20, 30, 0, ExtendedA, 1), Fits, []),
        new Case("both pod-level and container-level resources fit", P(1, 2), E(5, 5), Fits, []),
        new Case("pod-level cpu resource not fit", P(7, 2), E(5, 5), No, [Insufficient("cpu")]),
        new Case("pod-level memory resource not fit", P(3, 2), E(5, 19), No, [Insufficient("memory")]),
        new Case("pod-level hugepages resource fit", P(3, 2).WithScalar(HugePageA, 5), E(0, 0), Fits, []),
        new Case("both pod-level and container-level hugepages resource fit", P(3, 2).WithScalar(HugePageA, 5), E(0, 0), Fits, []),
        new Case("pod-level hugepages resource not fit", P(3, 2).WithScalar(HugePageA, 10), E(0, 0), Never, [Insufficient(HugePageA)]),
        new Case("one pod-level cpu resource fits and all init and non-init containers resources fit", P(3, 2), E(5, 19), No, [Insufficient("memory")]));

    /// <summary>Upstream's node: makeAllocatableResources(10, 20, 32, 5, 20, 5).</summary>
    private static NodeInfo UpstreamNode() =>
        BareNode("node").WithAllocatable(new Resources(10, 20, 20, 32)).WithScalar(ExtendedA, 5).WithScalar(HugePageA, 5);

    [Theory]
    [MemberData(nameof(EnoughRequests))]
    public void Enough_requests(Case c)
    {
        var cluster = PluginHarness.Cluster([UpstreamNode()], [c.Existing]);

        var status = PluginHarness.Filter(new VolumeAwareScheduler.Core.Scheduling.Plugins.NodeResourcesFit(c.Args), cluster, c.Pod).Single();

        Assert.Equal(c.Code, status.Code);
        Assert.Equal(c.Reasons, status.Reasons.ToArray());
    }

    public static TheoryData<string, PodInfo> NotEnoughPods => new()
    {
        { "even without specified resources, predicate fails when there's no space for additional pod", P(0, 0) },
        { "even if both resources fit, predicate fails when there's no space for additional pod", P(1, 1) },
        { "even for equal edge case, predicate fails when there's no space for additional pod", P(5, 1) },
        { "even for equal edge case, predicate fails when there's no space for additional pod due to init container", P(5, 1) },
    };

    [Theory]
    [MemberData(nameof(NotEnoughPods))]
    public void Not_enough_requests(string name, PodInfo pod)
    {
        _ = name;
        var node = BareNode("node").WithAllocatable(new Resources(10, 20, 0, 1));
        var cluster = PluginHarness.Cluster([node], [E(5, 5)]);

        var status = PluginHarness.Filter(new VolumeAwareScheduler.Core.Scheduling.Plugins.NodeResourcesFit(), cluster, pod).Single();

        Assert.Equal(StatusCode.Unschedulable, status.Code);
        Assert.Equal(["Too many pods"], status.Reasons.ToArray());
    }

    public static TheoryData<string, PodInfo, PodInfo, StatusCode> StorageRequests => new()
    {
        { "empty storage requested, and pod fits", P(1, 1), E(2, 10), Fits },
        { "storage ephemeral local storage request exceeds allocatable", P(0, 0, 25), E(2, 2), Never },
        { "ephemeral local storage is sufficient", P(0, 0, 5), E(2, 2, 10), Fits },
        { "pod fits", P(0, 0, 10), E(2, 2), Fits },
    };

    [Theory]
    [MemberData(nameof(StorageRequests))]
    public void Storage_requests(string name, PodInfo pod, PodInfo existing, StatusCode code)
    {
        _ = name;
        var cluster = PluginHarness.Cluster([UpstreamNode()], [existing]);

        var status = PluginHarness.Filter(new VolumeAwareScheduler.Core.Scheduling.Plugins.NodeResourcesFit(), cluster, pod).Single();

        Assert.Equal(code, status.Code);
        if (code != Fits) Assert.Equal([Insufficient("ephemeral-storage")], status.Reasons.ToArray());
    }

    [Theory]
    [InlineData("allow pod if the total requested resources do not exceed the node's allocatable resources", 2, StatusCode.Success)]
    [InlineData("not allow pod if the total requested resources do exceed the node's allocatable resources", 3, StatusCode.UnschedulableAndUnresolvable)]
    public void Restartable_init_containers(string name, long cpuWithSidecar, StatusCode code)
    {
        _ = name;
        var node = BareNode("node").WithAllocatable(new Resources(2, 0, 0, 1));
        var cluster = PluginHarness.Cluster([node]);

        var status = PluginHarness.Filter(new VolumeAwareScheduler.Core.Scheduling.Plugins.NodeResourcesFit(), cluster, P(cpuWithSidecar, 0)).Single();

        Assert.Equal(code, status.Code);
    }

    [Fact]
    public void Invalid_args_are_refused_with_the_field_named()
    {
        var args = new NodeResourcesFitArgs { ScoringStrategy = new ScoringStrategy { Resources = [new ResourceSpec("cpu", 0)] } };

        var error = Assert.Throws<ArgumentException>(() => new VolumeAwareScheduler.Core.Scheduling.Plugins.NodeResourcesFit(args));

        Assert.Contains("scoringStrategy.resources[0].weight: Invalid value: 0: resource weight of cpu not in valid range (0, 100]", error.Message);
    }
}
