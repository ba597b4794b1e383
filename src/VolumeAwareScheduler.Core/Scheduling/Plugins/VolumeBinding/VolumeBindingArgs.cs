using VolumeAwareScheduler.Core.Scheduling.Plugins.Helper;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// VolumeBindingArgs (kubescheduler.config.k8s.io/v1): <c>bindTimeoutSeconds</c> and the scoring <c>shape</c>,
/// utilization (0–100) to score (0–10), piecewise linear.
/// </summary>
public sealed record VolumeBindingArgs
{
    /// <summary>
    /// Our default: cluster-wide best fit (kubernetes/kubernetes#83323): the fuller a node's chosen PVs, the higher its
    /// score, so large PVs stay free for large claims.
    /// </summary>
    public static readonly IReadOnlyList<FunctionShapePoint> BestFitShape = [new(0, 0), new(100, 10)];

    /// <summary>Kubernetes v1.37's default (StorageCapacityScoring): the node with the most free capacity wins.</summary>
    public static readonly IReadOnlyList<FunctionShapePoint> UpstreamShape = [new(0, 10), new(100, 0)];

    /// <summary>bindTimeoutSeconds: how long PreBind waits for the PV controller (default 600).</summary>
    public long BindTimeoutSeconds { get; init; } = 600;

    public IReadOnlyList<FunctionShapePoint> Shape { get; init; } = BestFitShape;

    /// <summary>ValidateVolumeBindingArgs (apis/config/validation): every problem, with its field path.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (BindTimeoutSeconds < 0) errors.Add($"bindTimeoutSeconds: Invalid value: {BindTimeoutSeconds}: invalid BindTimeoutSeconds, should not be a negative value");
        if (Shape.Count == 0) errors.Add("shape: Required value: at least one point must be specified");
        for (var i = 0; i < Shape.Count; i++)
        {
            var point = Shape[i];
            if (point.Utilization is < 0 or > 100) errors.Add($"shape[{i}].utilization: Invalid value: {point.Utilization}: not in valid range [0, 100]");
            if (point.Score is < 0 or > 10) errors.Add($"shape[{i}].score: Invalid value: {point.Score}: not in valid range [0, 10]");
            if (i > 0 && point.Utilization <= Shape[i - 1].Utilization)
                errors.Add($"shape[{i}].utilization: Invalid value: {point.Utilization}: utilization values must be sorted in increasing order");
        }
        return errors;
    }
}
