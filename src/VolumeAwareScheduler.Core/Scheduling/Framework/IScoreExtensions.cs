using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>ScoreExtensions.NormalizeScore: rewrites a plugin's raw scores of all feasible nodes onto 0–100.</summary>
public interface IScoreExtensions
{
    Status NormalizeScore(CycleState state, PodInfo pod, Span<NodeScore> scores);
}
