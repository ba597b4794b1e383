using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// Reserve: the chosen node is taken for the pod before binding (VolumeBinding assumes the pod's volumes here).
/// Unreserve undoes it when a later step fails; it must be idempotent and may be called without Reserve.
/// </summary>
public interface IReservePlugin : IPlugin
{
    Status Reserve(CycleState state, PodInfo pod, string nodeName);

    void Unreserve(CycleState state, PodInfo pod, string nodeName);
}
