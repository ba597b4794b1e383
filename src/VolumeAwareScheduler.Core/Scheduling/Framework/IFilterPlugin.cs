using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// Filter: can the pod run on this node? Called for many nodes in parallel; must only read the cycle state.
/// <paramref name="nodeIndex"/> is the node's position in <see cref="CycleState.Nodes"/>, so that a plugin that
/// computed something for every node in PreFilter reads it without a look-up.
/// </summary>
public interface IFilterPlugin : IPlugin
{
    Status Filter(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex);
}
