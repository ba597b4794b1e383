using VolumeAwareScheduler.Core.Scheduling.Plugins.Helper;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// NodeResourcesFitArgs scoringStrategy: the type, the resources it weighs, and for RequestedToCapacityRatio the
/// shape (utilization 0–100 to score 0–10).
/// </summary>
public sealed record ScoringStrategy
{
    public ScoringStrategyType Type { get; init; } = ScoringStrategyType.LeastAllocated;

    public IReadOnlyList<ResourceSpec> Resources { get; init; } = ResourceSpec.Defaults;

    /// <summary>requestedToCapacityRatio.shape; required when <see cref="Type"/> is RequestedToCapacityRatio.</summary>
    public IReadOnlyList<FunctionShapePoint>? RequestedToCapacityRatioShape { get; init; }
}
