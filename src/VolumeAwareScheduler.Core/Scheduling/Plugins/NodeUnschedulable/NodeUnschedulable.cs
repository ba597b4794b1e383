using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>Mirrors pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable.go: a cordoned node, unless the pod tolerates its taint.</summary>
public sealed class NodeUnschedulable : IFilterPlugin
{
    public const string PluginName = "NodeUnschedulable";

    private static readonly Taint UnschedulableTaint = new("node.kubernetes.io/unschedulable", "", TaintEffect.NoSchedule);
    private static readonly Status Rejected = Status.Unresolvable(PluginName, Reasons.NodeUnschedulable);

    public string Name => PluginName;

    public Status Filter(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex)
    {
        if (!node.Unschedulable) return Status.Success;
        foreach (var toleration in pod.Tolerations)
        {
            if (toleration.Tolerates(UnschedulableTaint)) return Status.Success;
        }
        return Rejected;
    }
}
