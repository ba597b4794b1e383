namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// PodTopologySpread's PreScore result (scoring.go preScoreState): per soft constraint, the matching pods of each
/// domain of the feasible nodes (hostname constraints are counted per node in Score), the nodes lacking a topology key
/// (scored 0) and each constraint's weight, log(number of domains + 2).
/// </summary>
internal sealed class PodTopologySpreadPreScoreState(IReadOnlyList<SpreadConstraint> constraints, HashSet<string> ignoredNodes,
    Dictionary<string, long>[] podCounts, double[] weights)
{
    public IReadOnlyList<SpreadConstraint> Constraints { get; } = constraints;

    public HashSet<string> IgnoredNodes { get; } = ignoredNodes;

    public Dictionary<string, long>[] TopologyValueToPodCounts { get; } = podCounts;

    public double[] TopologyNormalizingWeight { get; } = weights;
}
