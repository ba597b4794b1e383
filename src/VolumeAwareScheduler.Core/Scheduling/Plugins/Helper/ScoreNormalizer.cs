using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins.Helper;

/// <summary>Mirrors pkg/scheduler/framework/plugins/helper/normalize_score.go.</summary>
public static class ScoreNormalizer
{
    /// <summary>
    /// DefaultNormalizeScore: scales scores so the highest becomes <paramref name="maxPriority"/>; with
    /// <paramref name="reverse"/>, the lowest does. All zeros stay zero (or all become the maximum when reversed).
    /// </summary>
    public static void DefaultNormalizeScore(long maxPriority, bool reverse, Span<NodeScore> scores)
    {
        long max = 0;
        foreach (var s in scores) max = Math.Max(max, s.Score);
        if (max == 0)
        {
            if (reverse)
            {
                for (var i = 0; i < scores.Length; i++) scores[i].Score = maxPriority;
            }
            return;
        }
        for (var i = 0; i < scores.Length; i++)
        {
            var score = maxPriority * scores[i].Score / max;
            scores[i].Score = reverse ? maxPriority - score : score;
        }
    }
}
