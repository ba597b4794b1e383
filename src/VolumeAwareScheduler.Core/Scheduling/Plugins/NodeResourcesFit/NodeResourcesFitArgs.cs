using VolumeAwareScheduler.Core.Configuration;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// NodeResourcesFitArgs (kubescheduler.config.k8s.io/v1), decoded with upstream's defaults (SetDefaults_NodeResourcesFitArgs)
/// and validation (ValidateNodeResourcesFitArgs). <see cref="NodeResourcesFit"/> implements the default strategy only:
/// LeastAllocated over cpu and memory with equal weights. Any other strategy or resource set, and
/// <c>ignoredResources</c>/<c>ignoredResourceGroups</c>, are refused as not supported yet.
/// </summary>
public sealed record NodeResourcesFitArgs
{
    public const string Kind = "NodeResourcesFitArgs";

    public const string LeastAllocated = "LeastAllocated";

    private static readonly string[] StrategyTypes = [LeastAllocated, "MostAllocated", "RequestedToCapacityRatio"];

    public string ScoringStrategyType { get; init; } = LeastAllocated;

    public static NodeResourcesFitArgs Decode(ConfigNode? node)
    {
        if (node is null) return new NodeResourcesFitArgs();
        var map = PluginArgs.Open(node, Kind, "ignoredResources", "ignoredResourceGroups", "scoringStrategy");
        foreach (var field in new[] { "ignoredResources", "ignoredResourceGroups" })
        {
            if (map[field] is { } list && list.ExpectList().Count > 0)
                throw PluginArgs.NotSupportedYet(list.Path, "NodeResourcesFit checks no extended resources, so none can be ignored");
        }
        if (map["scoringStrategy"] is not { } strategyNode) return new NodeResourcesFitArgs();

        var strategy = strategyNode.ExpectMap("type", "resources", "requestedToCapacityRatio");
        var typePath = strategy.PathOf("type");
        var type = strategy["type"]?.ExpectString() ?? "";
        var errors = new List<string>();
        if (!StrategyTypes.Contains(type)) errors.Add(FieldError.NotSupported(typePath, type, StrategyTypes));

        // Defaults: cpu and memory with weight 1 when no resource is named; a weight of 0 is 1.
        var resources = new List<(string Name, long Weight, string Path)>();
        foreach (var item in strategy["resources"]?.ExpectList() ?? [])
        {
            var resource = item.ExpectMap("name", "weight");
            var weight = resource["weight"]?.ExpectInt64() ?? 0;
            resources.Add((resource["name"]?.ExpectString() ?? "", weight == 0 ? 1 : weight, item.Path));
        }
        if (resources.Count == 0) resources = [("cpu", 1, ""), ("memory", 1, "")];
        foreach (var (name, weight, path) in resources)
        {
            if (weight is <= 0 or > 100) errors.Add(FieldError.Invalid(ConfigPath.Child(path, "weight"), weight, $"resource weight of {name} not in valid range (0, 100]"));
        }
        if (type == "RequestedToCapacityRatio" && strategy["requestedToCapacityRatio"] is null)
            errors.Add(FieldError.Required(strategy.PathOf("requestedToCapacityRatio"), "must be specified when type is RequestedToCapacityRatio"));
        else if (type != "RequestedToCapacityRatio" && strategy["requestedToCapacityRatio"] is not null)
            errors.Add(FieldError.Forbidden(strategy.PathOf("requestedToCapacityRatio"), "must be nil when type is not RequestedToCapacityRatio"));
        if (errors.Count > 0) throw new ConfigException(errors);

        if (type != LeastAllocated) throw PluginArgs.NotSupportedYet(typePath, $"NodeResourcesFit scores with {LeastAllocated} only");
        var names = resources.Select(r => r.Name).Order(StringComparer.Ordinal).ToArray();
        if (!names.SequenceEqual(["cpu", "memory"]) || resources.Select(r => r.Weight).Distinct().Count() != 1)
            throw PluginArgs.NotSupportedYet(strategy.PathOf("resources"), "NodeResourcesFit scores cpu and memory with equal weights only");
        return new NodeResourcesFitArgs();
    }
}
