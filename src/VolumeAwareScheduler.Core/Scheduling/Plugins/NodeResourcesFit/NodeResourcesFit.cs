using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// Mirrors pkg/scheduler/framework/plugins/noderesources/fit.go with least_allocated.go, most_allocated.go and
/// requested_to_capacity_ratio.go. Filter (fitsRequest): the pod count, then cpu, memory, ephemeral storage and each
/// scalar resource (extended resources, hugepages) against what the node has left; a resource the node could not hold
/// even empty makes the status UnschedulableAndUnresolvable (preemption cannot help). Extended resources named in
/// <see cref="NodeResourcesFitArgs.IgnoredResources"/> or in an ignored group are not checked. Score: the args'
/// strategy over its resources (LeastAllocated over cpu and memory by default), the pod's own requests included and
/// counted as scoring counts them (100m cpu and 200Mi memory for a container that requests none).
/// </summary>
public sealed class NodeResourcesFit : IFilterPlugin, IPreScorePlugin, IScorePlugin
{
    public const string PluginName = "NodeResourcesFit";

    private readonly HashSet<string> _ignoredResources;
    private readonly HashSet<string> _ignoredGroups;
    private readonly ResourceAllocation.Scorer _scorer;

    public NodeResourcesFit(NodeResourcesFitArgs? args = null)
    {
        Args = args ?? new NodeResourcesFitArgs();
        if (Args.Validate() is [var first, ..]) throw new ArgumentException($"invalid NodeResourcesFitArgs: {first}", nameof(args));
        _ignoredResources = new HashSet<string>(Args.IgnoredResources, StringComparer.Ordinal);
        _ignoredGroups = new HashSet<string>(Args.IgnoredResourceGroups, StringComparer.Ordinal);
        var strategy = Args.ScoringStrategy;
        _scorer = strategy.Type switch
        {
            ScoringStrategyType.MostAllocated => ResourceAllocation.MostAllocated(strategy.Resources),
            ScoringStrategyType.RequestedToCapacityRatio => ResourceAllocation.RequestedToCapacityRatio(strategy.Resources, strategy.RequestedToCapacityRatioShape!),
            _ => ResourceAllocation.LeastAllocated(strategy.Resources),
        };
    }

    public NodeResourcesFitArgs Args { get; }

    public string Name => PluginName;

    public Status Filter(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex)
    {
        var requested = state.Cluster.RequestedOn(node.Name);
        var allocatable = node.Allocatable;
        List<string>? reasons = null; // allocated only for a node that does not fit
        var unresolvable = false;
        if (requested.Pods + 1 > allocatable.Pods) (reasons ??= []).Add(Reasons.TooManyPods);
        var want = pod.Requests;
        if (want.MilliCpu == 0 && want.MemoryBytes == 0 && want.EphemeralStorageBytes == 0 && pod.ScalarRequests.Count == 0) return Result(reasons, unresolvable);

        void Check(long wanted, long alloc, long used, string reason)
        {
            if (wanted <= 0 || wanted <= alloc - used) return;
            (reasons ??= []).Add(reason);
            unresolvable |= wanted > alloc;
        }
        Check(want.MilliCpu, allocatable.MilliCpu, requested.MilliCpu, Reasons.InsufficientCpu);
        Check(want.MemoryBytes, allocatable.MemoryBytes, requested.MemoryBytes, Reasons.InsufficientMemory);
        Check(want.EphemeralStorageBytes, allocatable.EphemeralStorageBytes, requested.EphemeralStorageBytes, Reasons.InsufficientEphemeralStorage);
        if (pod.ScalarRequests.Count > 0)
        {
            var usage = state.Cluster.UsageOn(node.Name);
            // Upstream walks a Go map (random order); ours is by name so that the reasons read the same every time.
            foreach (var name in pod.ScalarRequests.Keys.Order(StringComparer.Ordinal))
            {
                if (IsIgnored(name)) continue;
                Check(pod.ScalarRequests[name], node.AllocatableScalars.GetValueOrDefault(name), usage.Scalar(name), Reasons.Insufficient(name));
            }
        }
        return Result(reasons, unresolvable);
    }

    private static Status Result(List<string>? reasons, bool unresolvable) =>
        reasons is null ? Status.Success : new Status(unresolvable ? StatusCode.UnschedulableAndUnresolvable : StatusCode.Unschedulable, [.. reasons], PluginName);

    /// <summary>An extended resource named in ignoredResources, or whose group (the part before "/") is in ignoredResourceGroups.</summary>
    private bool IsIgnored(string resource)
    {
        if (!ResourceNames.IsExtended(resource)) return false;
        if (_ignoredResources.Contains(resource)) return true;
        return _ignoredGroups.Count > 0 && _ignoredGroups.Contains(resource[..resource.IndexOf('/', StringComparison.Ordinal)]);
    }

    /// <summary>PreScore: the pod's requests of the strategy's resources, once per cycle.</summary>
    public Status PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> feasible)
    {
        state.Write(PluginName, ResourceAllocation.PodRequests(pod, Args.ScoringStrategy.Resources, useRequested: false));
        return Status.Success;
    }

    public long Score(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex, out Status status)
    {
        var podRequests = state.Read<long[]>(PluginName) ?? ResourceAllocation.PodRequests(pod, Args.ScoringStrategy.Resources, useRequested: false);
        return ResourceAllocation.Score(state.Cluster, node, Args.ScoringStrategy.Resources, podRequests, useRequested: false, _scorer, PluginName, out status);
    }
}
