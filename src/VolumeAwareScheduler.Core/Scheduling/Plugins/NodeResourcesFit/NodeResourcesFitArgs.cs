using VolumeAwareScheduler.Core.Configuration;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins.Helper;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// NodeResourcesFitArgs (kubescheduler.config.k8s.io/v1) after SetDefaults_NodeResourcesFitArgs: extended resources
/// (or whole groups, the part before "/") the Filter ignores, and the scoring strategy (LeastAllocated over cpu and
/// memory by default). Decoded strictly from a configuration and validated as ValidateNodeResourcesFitArgs does.
/// </summary>
public sealed record NodeResourcesFitArgs
{
    public const string Kind = "NodeResourcesFitArgs";

    public IReadOnlyList<string> IgnoredResources { get; init; } = [];

    public IReadOnlyList<string> IgnoredResourceGroups { get; init; } = [];

    public ScoringStrategy ScoringStrategy { get; init; } = new();

    public bool Equals(NodeResourcesFitArgs? other) =>
        other is not null && IgnoredResources.SequenceEqual(other.IgnoredResources) && IgnoredResourceGroups.SequenceEqual(other.IgnoredResourceGroups)
        && ScoringStrategy.Type == other.ScoringStrategy.Type && ScoringStrategy.Resources.SequenceEqual(other.ScoringStrategy.Resources)
        && (ScoringStrategy.RequestedToCapacityRatioShape ?? []).SequenceEqual(other.ScoringStrategy.RequestedToCapacityRatioShape ?? []);

    public override int GetHashCode() => HashCode.Combine(IgnoredResources.Count, IgnoredResourceGroups.Count, ScoringStrategy.Type, ScoringStrategy.Resources.Count);

    /// <summary>The args of a pluginConfig entry (null: the defaults); every problem is a <see cref="ConfigException"/>.</summary>
    public static NodeResourcesFitArgs Decode(ConfigNode? node)
    {
        if (node is null) return new NodeResourcesFitArgs();
        var map = PluginArgs.Open(node, Kind, "ignoredResources", "ignoredResourceGroups", "scoringStrategy");
        var args = new NodeResourcesFitArgs
        {
            IgnoredResources = [.. (map["ignoredResources"]?.ExpectList() ?? []).Select(n => n.ExpectString())],
            IgnoredResourceGroups = [.. (map["ignoredResourceGroups"]?.ExpectList() ?? []).Select(n => n.ExpectString())],
        };
        var errors = new List<string>();
        if (map["scoringStrategy"] is { } strategyNode)
        {
            var strategy = strategyNode.ExpectMap("type", "resources", "requestedToCapacityRatio");
            var typeText = strategy["type"]?.ExpectString() ?? nameof(ScoringStrategyType.LeastAllocated);
            if (!Enum.TryParse<ScoringStrategyType>(typeText, ignoreCase: false, out var type) || !Enum.IsDefined(type))
            {
                errors.Add(FieldError.NotSupported(strategy.PathOf("type"), typeText, Enum.GetNames<ScoringStrategyType>()));
            }
            // Defaults: cpu and memory with weight 1 when no resource is named; a weight of 0 is 1.
            var resources = (strategy["resources"]?.ExpectList() ?? []).Select(item =>
            {
                var resource = item.ExpectMap("name", "weight");
                var weight = resource["weight"]?.ExpectInt64() ?? 0;
                return new ResourceSpec(resource["name"]?.ExpectString() ?? "", weight == 0 ? 1 : weight);
            }).ToList();
            IReadOnlyList<FunctionShapePoint>? shape = null;
            if (strategy["requestedToCapacityRatio"] is { } ratio)
            {
                var ratioMap = ratio.ExpectMap("shape");
                shape = [.. (ratioMap["shape"]?.ExpectList() ?? []).Select(point =>
                {
                    var p = point.ExpectMap("utilization", "score");
                    return new FunctionShapePoint(p["utilization"]?.ExpectInt64() ?? 0, p["score"]?.ExpectInt64() ?? 0);
                })];
            }
            if (errors.Count > 0) throw new ConfigException(errors);
            if (type == ScoringStrategyType.RequestedToCapacityRatio && shape is null)
                errors.Add(FieldError.Required(strategy.PathOf("requestedToCapacityRatio"), "must be specified when type is RequestedToCapacityRatio"));
            else if (type != ScoringStrategyType.RequestedToCapacityRatio && shape is not null)
                errors.Add(FieldError.Forbidden(strategy.PathOf("requestedToCapacityRatio"), "must be nil when type is not RequestedToCapacityRatio"));
            if (errors.Count > 0) throw new ConfigException(errors);
            args = args with { ScoringStrategy = new ScoringStrategy { Type = type, Resources = resources.Count == 0 ? ResourceSpec.Defaults : resources, RequestedToCapacityRatioShape = shape } };
        }
        var invalid = args.Validate();
        if (invalid.Count > 0) throw new ConfigException([.. invalid.Select(e => ConfigPath.Child(node.Path, e))]);
        return args;
    }

    /// <summary>ValidateNodeResourcesFitArgs (apis/config/validation): every problem, with its field path.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        for (var i = 0; i < IgnoredResourceGroups.Count; i++)
        {
            if (IgnoredResourceGroups[i].Contains('/', StringComparison.Ordinal))
                errors.Add($"ignoredResourceGroups[{i}]: Invalid value: \"{IgnoredResourceGroups[i]}\": resource group name can't contain '/'");
        }
        var resources = ScoringStrategy.Resources;
        for (var i = 0; i < resources.Count; i++)
        {
            if (resources[i].Weight is <= 0 or > 100)
                errors.Add($"scoringStrategy.resources[{i}].weight: Invalid value: {resources[i].Weight}: resource weight of {resources[i].Name} not in valid range (0, 100]");
        }
        if (ScoringStrategy.Type == ScoringStrategyType.RequestedToCapacityRatio && ScoringStrategy.RequestedToCapacityRatioShape is not { Count: > 0 })
            errors.Add("scoringStrategy.shape: Required value: at least one point must be specified");
        var shape = ScoringStrategy.RequestedToCapacityRatioShape ?? [];
        for (var i = 0; i < shape.Count; i++)
        {
            var point = shape[i];
            if (i > 0 && point.Utilization <= shape[i - 1].Utilization)
                errors.Add($"scoringStrategy.shape[{i}].utilization: Invalid value: {point.Utilization}: utilization values must be sorted in increasing order");
            if (point.Utilization is < 0 or > 100) errors.Add($"scoringStrategy.shape[{i}].utilization: Invalid value: {point.Utilization}: not in valid range [0, 100]");
            if (point.Score is < 0 or > 10) errors.Add($"scoringStrategy.shape[{i}].score: Invalid value: {point.Score}: not in valid range [0, 10]");
        }
        return errors;
    }
}
