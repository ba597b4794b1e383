using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>PreScore: once per cycle over the feasible nodes; Skip skips the plugin's Score in this cycle.</summary>
public interface IPreScorePlugin : IPlugin
{
    Status PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> feasible);
}
