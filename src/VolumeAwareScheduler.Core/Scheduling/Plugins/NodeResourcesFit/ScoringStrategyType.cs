namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>NodeResourcesFitArgs scoringStrategy.type.</summary>
public enum ScoringStrategyType : byte
{
    LeastAllocated,
    MostAllocated,
    RequestedToCapacityRatio,
}
