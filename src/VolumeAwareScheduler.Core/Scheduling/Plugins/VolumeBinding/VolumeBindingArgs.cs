using VolumeAwareScheduler.Core.Configuration;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins.Helper;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// VolumeBindingArgs (kubescheduler.config.k8s.io/v1): <c>bindTimeoutSeconds</c> and the scoring <c>shape</c>,
/// utilization (0–100) to score (0–10), piecewise linear.
/// </summary>
public sealed record VolumeBindingArgs
{
    public const string Kind = "VolumeBindingArgs";

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

    /// <summary>
    /// ValidateVolumeBindingArgs (pkg/scheduler/apis/config/validation/validation_pluginargs.go, StorageCapacityScoring
    /// on, as in v1.37) with validateFunctionShape: every problem, with upstream's message, each path under
    /// <paramref name="path"/>. Only the first unsorted utilization is reported, before the range checks.
    /// </summary>
    public IReadOnlyList<string> Validate(string path = "")
    {
        var errors = new List<string>();
        if (BindTimeoutSeconds < 0)
            errors.Add(FieldError.Invalid(ConfigPath.Child(path, "bindTimeoutSeconds"), BindTimeoutSeconds, "invalid BindTimeoutSeconds, should not be a negative value"));
        var shapePath = ConfigPath.Child(path, "shape");
        if (Shape.Count == 0)
        {
            errors.Add(FieldError.Required(shapePath, "at least one point must be specified"));
            return errors;
        }
        for (var i = 1; i < Shape.Count; i++)
        {
            if (Shape[i - 1].Utilization < Shape[i].Utilization) continue;
            errors.Add(FieldError.Invalid(ConfigPath.Child(ConfigPath.Index(shapePath, i), "utilization"), Shape[i].Utilization, "values must be sorted in increasing order"));
            break;
        }
        for (var i = 0; i < Shape.Count; i++)
        {
            var point = Shape[i];
            var pointPath = ConfigPath.Index(shapePath, i);
            if (point.Utilization is < 0 or > 100) errors.Add(FieldError.Invalid(ConfigPath.Child(pointPath, "utilization"), point.Utilization, "not in valid range [0, 100]"));
            if (point.Score is < 0 or > 10) errors.Add(FieldError.Invalid(ConfigPath.Child(pointPath, "score"), point.Score, "not in valid range [0, 10]"));
        }
        return errors;
    }

    /// <summary>
    /// Decodes <c>pluginConfig[].args</c> strictly, with upstream's defaulting (SetDefaults_VolumeBindingArgs:
    /// bindTimeoutSeconds 600, an absent or empty shape gets the default shape, ours being best fit), then validates.
    /// </summary>
    public static VolumeBindingArgs Decode(ConfigNode? node)
    {
        if (node is null) return new VolumeBindingArgs();
        var map = PluginArgs.Open(node, Kind, "bindTimeoutSeconds", "shape");
        var shape = new List<FunctionShapePoint>();
        foreach (var item in map["shape"]?.ExpectList() ?? [])
        {
            var point = item.ExpectMap("utilization", "score");
            shape.Add(new FunctionShapePoint(point["utilization"]?.ExpectInt32() ?? 0, point["score"]?.ExpectInt32() ?? 0));
        }
        var args = new VolumeBindingArgs
        {
            BindTimeoutSeconds = map["bindTimeoutSeconds"]?.ExpectInt64() ?? 600,
            Shape = shape.Count == 0 ? BestFitShape : shape,
        };
        var errors = args.Validate(node.Path);
        return errors.Count == 0 ? args : throw new ConfigException(errors);
    }

    public bool Equals(VolumeBindingArgs? other) => other is not null && BindTimeoutSeconds == other.BindTimeoutSeconds && Shape.SequenceEqual(other.Shape);

    public override int GetHashCode() => HashCode.Combine(BindTimeoutSeconds, Shape.Count);
}
