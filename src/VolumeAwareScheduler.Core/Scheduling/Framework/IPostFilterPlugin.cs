using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// PostFilter: runs when no node passed Filter (preemption). Success with a nominated node ends the PostFilter phase;
/// its message goes into the FitError after "preemption: ".
/// </summary>
public interface IPostFilterPlugin : IPlugin
{
    Status PostFilter(CycleState state, PodInfo pod, IReadOnlyList<NodeOutcome> filtered, out string? nominatedNodeName);
}
