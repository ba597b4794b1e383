using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// Mirrors pkg/scheduler/framework/plugins/noderesources/fit.go and least_allocated.go. Filter (fitsRequest): pod
/// count, then cpu, memory and ephemeral storage against what the node has left. Score: LeastAllocated over cpu and
/// memory, weight 1 each, the pod's own requests included.
/// </summary>
public sealed class NodeResourcesFit : IFilterPlugin, IScorePlugin
{
    public const string PluginName = "NodeResourcesFit";

    public string Name => PluginName;

    public Status Filter(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex)
    {
        var requested = state.Cluster.RequestedOn(node.Name);
        List<string>? reasons = null; // allocated only for a node that does not fit
        if (requested.Pods + 1 > node.Allocatable.Pods) (reasons ??= []).Add(Reasons.TooManyPods);
        var want = pod.Requests;
        if (want.MilliCpu > 0 && want.MilliCpu > node.Allocatable.MilliCpu - requested.MilliCpu) (reasons ??= []).Add(Reasons.Insufficient("cpu"));
        if (want.MemoryBytes > 0 && want.MemoryBytes > node.Allocatable.MemoryBytes - requested.MemoryBytes) (reasons ??= []).Add(Reasons.Insufficient("memory"));
        if (want.EphemeralStorageBytes > 0 && want.EphemeralStorageBytes > node.Allocatable.EphemeralStorageBytes - requested.EphemeralStorageBytes)
            (reasons ??= []).Add(Reasons.Insufficient("ephemeral-storage"));
        return reasons is null ? Status.Success : new Status(StatusCode.Unschedulable, [.. reasons], PluginName);
    }

    public long Score(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex, out Status status)
    {
        status = Status.Success;
        var requested = state.Cluster.RequestedOn(node.Name);
        return LeastAllocated(
            (requested.MilliCpu + pod.Requests.MilliCpu, node.Allocatable.MilliCpu),
            (requested.MemoryBytes + pod.Requests.MemoryBytes, node.Allocatable.MemoryBytes));
    }

    /// <summary>leastResourceScorer: each resource's free share (0–100) weighted 1; resources with no allocatable are left out.</summary>
    public static long LeastAllocated(params ReadOnlySpan<(long Requested, long Allocatable)> resources)
    {
        long sum = 0, weights = 0;
        foreach (var (requested, allocatable) in resources)
        {
            if (allocatable == 0) continue;
            sum += requested > allocatable ? 0 : (allocatable - requested) * NodeScore.MaxNodeScore / allocatable;
            weights++;
        }
        return weights == 0 ? 0 : sum / weights;
    }
}
