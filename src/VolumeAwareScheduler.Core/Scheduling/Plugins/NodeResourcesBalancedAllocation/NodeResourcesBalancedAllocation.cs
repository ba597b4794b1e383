using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// Mirrors pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go. PreScore: Skip for a pod that
/// requests none of the resources (kubernetes/kubernetes#129138). Score: (1 − the standard deviation of the
/// resources' requested shares, each capped at 1) × 100, over the node's requests as written plus the pod's; with two
/// resources the deviation is half their difference.
/// </summary>
public sealed class NodeResourcesBalancedAllocation : IPreScorePlugin, IScorePlugin
{
    public const string PluginName = "NodeResourcesBalancedAllocation";

    private static readonly ResourceAllocation.Scorer Scorer = BalancedResourceScorer;

    public NodeResourcesBalancedAllocation(NodeResourcesBalancedAllocationArgs? args = null)
    {
        Args = args ?? new NodeResourcesBalancedAllocationArgs();
        if (Args.Validate() is [var first, ..]) throw new ArgumentException($"invalid NodeResourcesBalancedAllocationArgs: {first}", nameof(args));
    }

    public NodeResourcesBalancedAllocationArgs Args { get; }

    public string Name => PluginName;

    public Status PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> feasible)
    {
        var podRequests = ResourceAllocation.PodRequests(pod, Args.Resources, useRequested: true);
        if (ResourceAllocation.IsBestEffort(podRequests)) return Status.Skip(PluginName);
        state.Write(PluginName, podRequests);
        return Status.Success;
    }

    public long Score(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex, out Status status)
    {
        var podRequests = state.Read<long[]>(PluginName);
        if (podRequests is null)
        {
            podRequests = ResourceAllocation.PodRequests(pod, Args.Resources, useRequested: true);
            if (ResourceAllocation.IsBestEffort(podRequests))
            {
                status = Status.Success;
                return 0;
            }
        }
        return ResourceAllocation.Score(state.Cluster, node, Args.Resources, podRequests, useRequested: true, Scorer, PluginName, out status);
    }

    /// <summary>balancedResourceScorer.</summary>
    private static long BalancedResourceScorer(ReadOnlySpan<long> requested, ReadOnlySpan<long> allocatable)
    {
        Span<double> fractions = stackalloc double[requested.Length];
        var count = 0;
        double total = 0;
        for (var i = 0; i < requested.Length; i++)
        {
            if (allocatable[i] == 0) continue;
            var fraction = Math.Min(1, (double)requested[i] / allocatable[i]);
            total += fraction;
            fractions[count++] = fraction;
        }
        double std = 0;
        if (count == 2)
        {
            std = Math.Abs((fractions[0] - fractions[1]) / 2);
        }
        else if (count > 2)
        {
            var mean = total / count;
            double sum = 0;
            for (var i = 0; i < count; i++) sum += (fractions[i] - mean) * (fractions[i] - mean);
            std = Math.Sqrt(sum / count);
        }
        return (long)((1 - std) * NodeScore.MaxNodeScore);
    }
}
