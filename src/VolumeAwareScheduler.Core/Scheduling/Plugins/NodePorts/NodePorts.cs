using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// Mirrors pkg/scheduler/framework/plugins/nodeports/node_ports.go. PreFilter: Skip for a pod without host ports.
/// Filter: Unschedulable ("node(s) didn't have free ports for the requested pod ports") when one of the pod's host
/// ports conflicts with a port the node's pods use (HostPortInfo.CheckConflict: same protocol and port, and the same
/// host IP or 0.0.0.0 on either side).
/// </summary>
public sealed class NodePorts : IPreFilterPlugin, IFilterPlugin
{
    public const string PluginName = "NodePorts";

    private static readonly Status Conflict = Status.Unschedulable(PluginName, Reasons.NodePortsConflict);

    public string Name => PluginName;

    public Status PreFilter(CycleState state, PodInfo pod, out PreFilterResult? result)
    {
        result = null;
        return pod.HostPorts.IsEmpty ? Status.Skip(PluginName) : Status.Success;
    }

    public Status Filter(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex)
    {
        var usage = state.Cluster.UsageOn(node.Name);
        if (!usage.HasPorts) return Status.Success;
        foreach (var port in pod.HostPorts)
        {
            if (usage.PortConflicts(port)) return Conflict;
        }
        return Status.Success;
    }
}
