using VolumeAwareScheduler.Core.Matching;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Scheduling;

/// <summary>
/// The non-volume filter plugins, in kube-scheduler's default order: NodeUnschedulable, NodeName,
/// TaintToleration, NodeAffinity, NodeResourcesFit. Each returns Success or its reasons.
/// </summary>
public static class NodePredicates
{
    private static readonly Taint UnschedulableTaint = new("node.kubernetes.io/unschedulable", "", TaintEffect.NoSchedule);

    // The statuses without variable parts, shared: a cycle over thousands of nodes rejects most of them the same way.
    private static readonly Status Unschedulable = Status.Unresolvable("NodeUnschedulable", Reasons.NodeUnschedulable);
    private static readonly Status NodeNameMismatch = Status.Unresolvable("NodeName", Reasons.NodeNameMismatch);
    private static readonly Status NodeAffinityMismatch = Status.Unresolvable("NodeAffinity", Reasons.NodeAffinityMismatch);

    /// <summary>nodeunschedulable/node_unschedulable.go: a cordoned node, unless the pod tolerates its taint.</summary>
    public static Status NodeUnschedulable(PodInfo pod, NodeInfo node)
    {
        if (!node.Unschedulable) return Status.Success;
        foreach (var toleration in pod.Tolerations)
        {
            if (toleration.Tolerates(UnschedulableTaint)) return Status.Success;
        }
        return Unschedulable;
    }

    /// <summary>nodename/node_name.go.</summary>
    public static Status NodeName(PodInfo pod, NodeInfo node) =>
        pod.NodeName.Length == 0 || pod.NodeName == node.Name
            ? Status.Success
            : NodeNameMismatch;

    /// <summary>tainttoleration/taint_toleration.go: the first NoSchedule/NoExecute taint the pod does not tolerate.</summary>
    public static Status TaintToleration(PodInfo pod, NodeInfo node)
    {
        foreach (var taint in node.Taints)
        {
            if (taint.Effect == TaintEffect.PreferNoSchedule) continue;
            var tolerated = false;
            foreach (var toleration in pod.Tolerations)
            {
                if (toleration.Tolerates(taint))
                {
                    tolerated = true;
                    break;
                }
            }
            if (!tolerated) return Status.Unresolvable("TaintToleration", Reasons.UntoleratedTaint(taint.Key, taint.Value));
        }
        return Status.Success;
    }

    /// <summary>nodeaffinity/node_affinity.go: spec.nodeSelector and required node affinity (with matchFields on metadata.name).</summary>
    public static Status NodeAffinity(PodInfo pod, NodeInfo node)
    {
        foreach (var (key, value) in pod.NodeSelector)
        {
            if (!node.Labels.TryGetValue(key, out var actual) || actual != value)
                return NodeAffinityMismatch;
        }
        if (pod.RequiredNodeAffinity is { } required && !SelectorMatching.Matches(required, node.Labels, node.Name))
            return NodeAffinityMismatch;
        return Status.Success;
    }

    /// <summary>noderesources/fit.go fitsRequest: pod count, then cpu, memory and ephemeral storage against what is left.</summary>
    public static Status NodeResourcesFit(PodInfo pod, NodeInfo node, Resources requested)
    {
        List<string>? reasons = null; // allocated only for a node that does not fit
        if (requested.Pods + 1 > node.Allocatable.Pods) (reasons ??= []).Add(Reasons.TooManyPods);
        var want = pod.Requests;
        if (want.MilliCpu > 0 && want.MilliCpu > node.Allocatable.MilliCpu - requested.MilliCpu) (reasons ??= []).Add(Reasons.Insufficient("cpu"));
        if (want.MemoryBytes > 0 && want.MemoryBytes > node.Allocatable.MemoryBytes - requested.MemoryBytes) (reasons ??= []).Add(Reasons.Insufficient("memory"));
        if (want.EphemeralStorageBytes > 0 && want.EphemeralStorageBytes > node.Allocatable.EphemeralStorageBytes - requested.EphemeralStorageBytes)
            (reasons ??= []).Add(Reasons.Insufficient("ephemeral-storage"));
        return reasons is null ? Status.Success : new Status(StatusCode.Unschedulable, [.. reasons], "NodeResourcesFit");
    }
}
