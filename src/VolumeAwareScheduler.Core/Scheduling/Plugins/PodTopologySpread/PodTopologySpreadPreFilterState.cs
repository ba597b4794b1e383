namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// PodTopologySpread's PreFilter result (filtering.go preFilterState): per hard constraint, the matching pods of each
/// eligible domain and the smallest of them (int.MaxValue when no domain is eligible), and whether the pod matches each
/// constraint's own selector (Filter's selfMatchNum, the same on every node).
/// </summary>
internal sealed class PodTopologySpreadPreFilterState(IReadOnlyList<SpreadConstraint> constraints, Dictionary<string, int>[] matchNum, int[] minMatchNum, bool[] selfMatch)
{
    public IReadOnlyList<SpreadConstraint> Constraints { get; } = constraints;

    public Dictionary<string, int>[] TpValueToMatchNum { get; } = matchNum;

    public int[] MinMatchNum { get; } = minMatchNum;

    public bool[] SelfMatch { get; } = selfMatch;

    /// <summary>minMatchNum: the global minimum, or 0 while there are fewer eligible domains than minDomains.</summary>
    public int MinMatchNumOf(int constraint) =>
        TpValueToMatchNum[constraint].Count < Constraints[constraint].MinDomains ? 0 : MinMatchNum[constraint];
}
