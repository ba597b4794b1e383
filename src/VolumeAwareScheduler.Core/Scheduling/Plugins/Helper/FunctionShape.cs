namespace VolumeAwareScheduler.Core.Scheduling.Plugins.Helper;

/// <summary>Mirrors pkg/scheduler/framework/plugins/helper/shape_score.go.</summary>
public static class FunctionShape
{
    /// <summary>
    /// BuildBrokenLinearFunction: the piecewise linear function through the points (utilization increasing); below
    /// the first point it is the first score, above the last the last score. Integer arithmetic, as upstream.
    /// </summary>
    public static long Evaluate(IReadOnlyList<FunctionShapePoint> shape, long p)
    {
        for (var i = 0; i < shape.Count; i++)
        {
            if (p > shape[i].Utilization) continue;
            if (i == 0) return shape[0].Score;
            var (a, b) = (shape[i - 1], shape[i]);
            return a.Score + (b.Score - a.Score) * (p - a.Utilization) / (b.Utilization - a.Utilization);
        }
        return shape[^1].Score;
    }
}
