namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>InterPodAffinity's PreScore result (scoring.go preScoreState): topology key → value → summed weights.</summary>
internal sealed class InterPodAffinityPreScoreState(Dictionary<string, Dictionary<string, long>> topologyScore)
{
    public Dictionary<string, Dictionary<string, long>> TopologyScore { get; } = topologyScore;
}
