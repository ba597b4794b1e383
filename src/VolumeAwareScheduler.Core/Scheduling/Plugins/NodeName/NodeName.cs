using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>Mirrors pkg/scheduler/framework/plugins/nodename/node_name.go: a pod naming a node fits only there.</summary>
public sealed class NodeName : IFilterPlugin
{
    public const string PluginName = "NodeName";

    private static readonly Status Rejected = Status.Unresolvable(PluginName, Reasons.NodeNameMismatch);

    public string Name => PluginName;

    public Status Filter(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex) =>
        pod.NodeName.Length == 0 || pod.NodeName == node.Name ? Status.Success : Rejected;
}
