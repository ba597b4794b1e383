using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.State;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// Mirrors pkg/scheduler/framework/plugins/noderesources/resource_allocation.go (resourceAllocationScorer): for each
/// resource of the strategy, the node's allocatable and what it would have requested with the pod, handed to a
/// scorer. With <c>useRequested</c> false (NodeResourcesFit) cpu and memory count the non-zero requests of the pods
/// on the node and of the pod (100m and 200Mi for a container that asks none); with it true (BalancedAllocation) the
/// requests as written. A scalar resource the pod does not request, or the node does not have, is left out.
/// </summary>
public static class ResourceAllocation
{
    /// <summary>A scorer over the strategy's resources: requested and allocatable per resource (0 allocatable: left out).</summary>
    public delegate long Scorer(ReadOnlySpan<long> requested, ReadOnlySpan<long> allocatable);

    /// <summary>calculatePodResourceRequestList: the pod's request of each resource, in the strategy's order.</summary>
    public static long[] PodRequests(PodInfo pod, IReadOnlyList<ResourceSpec> resources, bool useRequested)
    {
        var requests = new long[resources.Count];
        for (var i = 0; i < requests.Length; i++) requests[i] = PodRequest(pod, resources[i].Name, useRequested);
        return requests;
    }

    /// <summary>calculatePodResourceRequest.</summary>
    public static long PodRequest(PodInfo pod, string resource, bool useRequested) => resource switch
    {
        ResourceNames.Cpu => useRequested ? pod.Requests.MilliCpu : pod.NonZeroRequests.MilliCpu,
        ResourceNames.Memory => useRequested ? pod.Requests.MemoryBytes : pod.NonZeroRequests.MemoryBytes,
        ResourceNames.EphemeralStorage => pod.Requests.EphemeralStorageBytes,
        _ => pod.ScalarRequests.GetValueOrDefault(resource),
    };

    /// <summary>isBestEffortPod: the pod requests none of the resources.</summary>
    public static bool IsBestEffort(ReadOnlySpan<long> podRequests)
    {
        foreach (var request in podRequests)
        {
            if (request != 0) return false;
        }
        return true;
    }

    /// <summary>score: the scorer over every resource; an Error status when the strategy has no resources.</summary>
    public static long Score(ClusterState cluster, NodeInfo node, IReadOnlyList<ResourceSpec> resources, ReadOnlySpan<long> podRequests, bool useRequested,
        Scorer scorer, string plugin, out Status status)
    {
        if (resources.Count == 0)
        {
            status = Status.Error(plugin, "resources not found");
            return 0;
        }
        status = Status.Success;
        Span<long> requested = stackalloc long[resources.Count];
        Span<long> allocatable = stackalloc long[resources.Count];
        var requestedOn = cluster.RequestedOn(node.Name);
        var usage = cluster.UsageOn(node.Name);
        for (var i = 0; i < resources.Count; i++)
        {
            var (alloc, req) = AllocatableAndRequested(node, requestedOn, usage, resources[i].Name, podRequests[i], useRequested);
            if (alloc == 0) continue;
            allocatable[i] = alloc;
            requested[i] = req;
        }
        return scorer(requested, allocatable);
    }

    /// <summary>calculateResourceAllocatableRequest.</summary>
    private static (long Allocatable, long Requested) AllocatableAndRequested(NodeInfo node, Resources requestedOn, NodeUsage usage, string resource,
        long podRequest, bool useRequested)
    {
        var requested = useRequested ? requestedOn : usage.NonZeroRequested;
        if (podRequest == 0 && ResourceNames.IsScalar(resource)) return (0, 0);
        return resource switch
        {
            ResourceNames.Cpu => (node.Allocatable.MilliCpu, requested.MilliCpu + podRequest),
            ResourceNames.Memory => (node.Allocatable.MemoryBytes, requested.MemoryBytes + podRequest),
            ResourceNames.EphemeralStorage => (node.Allocatable.EphemeralStorageBytes, requestedOn.EphemeralStorageBytes + podRequest),
            _ when node.AllocatableScalars.TryGetValue(resource, out var alloc) => (alloc, usage.Scalar(resource) + podRequest),
            _ => (0, 0),
        };
    }

    /// <summary>leastResourceScorer (least_allocated.go): the weighted mean of each resource's free share, 0–100.</summary>
    public static Scorer LeastAllocated(IReadOnlyList<ResourceSpec> resources) => (requested, allocatable) =>
    {
        long nodeScore = 0, weightSum = 0;
        for (var i = 0; i < requested.Length; i++)
        {
            if (allocatable[i] == 0) continue;
            var weight = resources[i].Weight;
            nodeScore += LeastRequestedScore(requested[i], allocatable[i]) * weight;
            weightSum += weight;
        }
        return weightSum == 0 ? 0 : nodeScore / weightSum;
    };

    /// <summary>mostResourceScorer (most_allocated.go): the weighted mean of each resource's used share, 0–100.</summary>
    public static Scorer MostAllocated(IReadOnlyList<ResourceSpec> resources) => (requested, allocatable) =>
    {
        long nodeScore = 0, weightSum = 0;
        for (var i = 0; i < requested.Length; i++)
        {
            if (allocatable[i] == 0) continue;
            var weight = resources[i].Weight;
            nodeScore += MostRequestedScore(requested[i], allocatable[i]) * weight;
            weightSum += weight;
        }
        return weightSum == 0 ? 0 : nodeScore / weightSum;
    };

    /// <summary>
    /// requestedToCapacityRatioScorer (requested_to_capacity_ratio.go): each resource's utilization through the shape
    /// (scores 0–10 scaled to 0–100); resources that score 0 are left out of the weighted mean, rounded half away from zero.
    /// </summary>
    public static Scorer RequestedToCapacityRatio(IReadOnlyList<ResourceSpec> resources, IReadOnlyList<Helper.FunctionShapePoint> shape)
    {
        var scaled = shape.Select(p => new Helper.FunctionShapePoint(p.Utilization, p.Score * (NodeScore.MaxNodeScore / MaxCustomPriorityScore))).ToArray();
        long ResourceScore(long requested, long capacity) =>
            capacity == 0 || requested > capacity ? Helper.FunctionShape.Evaluate(scaled, MaxUtilization) : Helper.FunctionShape.Evaluate(scaled, requested * MaxUtilization / capacity);
        return (requested, allocatable) =>
        {
            long nodeScore = 0, weightSum = 0;
            for (var i = 0; i < requested.Length; i++)
            {
                if (allocatable[i] == 0) continue;
                var weight = resources[i].Weight;
                var score = ResourceScore(requested[i], allocatable[i]);
                if (score <= 0) continue;
                nodeScore += score * weight;
                weightSum += weight;
            }
            return weightSum == 0 ? 0 : (long)Math.Round((double)nodeScore / weightSum, MidpointRounding.AwayFromZero);
        };
    }

    /// <summary>config.MaxCustomPriorityScore: shape scores are 0–10.</summary>
    public const long MaxCustomPriorityScore = 10;

    private const long MaxUtilization = 100;

    /// <summary>leastRequestedScore: (capacity − requested) × 100 / capacity; 0 when over capacity.</summary>
    public static long LeastRequestedScore(long requested, long capacity)
    {
        if (capacity == 0 || requested > capacity) return 0;
        return (capacity - requested) * NodeScore.MaxNodeScore / capacity;
    }

    /// <summary>mostRequestedScore: requested × 100 / capacity, requested capped at capacity.</summary>
    public static long MostRequestedScore(long requested, long capacity)
    {
        if (capacity == 0) return 0;
        if (requested > capacity) requested = capacity;
        return requested * NodeScore.MaxNodeScore / capacity;
    }
}
