using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// Score: ranks a feasible node. After NormalizeScore (when the plugin implements <see cref="IScoreExtensions"/>)
/// every score must be within 0–<see cref="NodeScore.MaxNodeScore"/>; the framework then multiplies it by the
/// plugin's weight.
/// </summary>
public interface IScorePlugin : IPlugin
{
    long Score(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex, out Status status);
}
