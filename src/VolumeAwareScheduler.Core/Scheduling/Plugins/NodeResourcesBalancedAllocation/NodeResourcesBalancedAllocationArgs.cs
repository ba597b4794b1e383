using VolumeAwareScheduler.Core.Configuration;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>NodeResourcesBalancedAllocationArgs (kubescheduler.config.k8s.io/v1): the resources to balance (cpu and memory by default).</summary>
public sealed record NodeResourcesBalancedAllocationArgs
{
    public const string Kind = "NodeResourcesBalancedAllocationArgs";

    public IReadOnlyList<ResourceSpec> Resources { get; init; } = ResourceSpec.Defaults;

    public bool Equals(NodeResourcesBalancedAllocationArgs? other) => other is not null && Resources.SequenceEqual(other.Resources);

    public override int GetHashCode() => Resources.Count;

    /// <summary>The args of a pluginConfig entry (null: the defaults), defaulted and validated as upstream does.</summary>
    public static NodeResourcesBalancedAllocationArgs Decode(ConfigNode? node)
    {
        if (node is null) return new NodeResourcesBalancedAllocationArgs();
        var map = PluginArgs.Open(node, Kind, "resources");
        var resources = (map["resources"]?.ExpectList() ?? []).Select(item =>
        {
            var resource = item.ExpectMap("name", "weight");
            var weight = resource["weight"]?.ExpectInt64() ?? 0;
            return new ResourceSpec(resource["name"]?.ExpectString() ?? "", weight == 0 ? 1 : weight);
        }).ToList();
        var args = new NodeResourcesBalancedAllocationArgs { Resources = resources.Count == 0 ? ResourceSpec.Defaults : resources };
        var invalid = args.Validate();
        if (invalid.Count > 0) throw new ConfigException([.. invalid.Select(e => ConfigPath.Child(node.Path, e))]);
        return args;
    }

    /// <summary>ValidateNodeResourcesBalancedAllocationArgs: names once each, every weight 1.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Resources.Count; i++)
        {
            if (!seen.Add(Resources[i].Name)) errors.Add($"resources[{i}].name: Duplicate value: \"{Resources[i].Name}\"");
            if (Resources[i].Weight != 1) errors.Add($"resources[{i}].weight: Invalid value: {Resources[i].Weight}: must be 1");
        }
        return errors;
    }
}
