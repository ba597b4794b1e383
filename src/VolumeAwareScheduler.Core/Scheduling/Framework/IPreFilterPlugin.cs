using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// PreFilter: runs once per cycle before Filter. A rejection holds for every node; Skip skips the plugin's Filter in
/// this cycle; a <see cref="PreFilterResult"/> narrows the nodes Filter looks at.
/// </summary>
public interface IPreFilterPlugin : IPlugin
{
    Status PreFilter(CycleState state, PodInfo pod, out PreFilterResult? result);
}
