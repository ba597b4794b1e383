namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>NodeResourcesBalancedAllocationArgs (kubescheduler.config.k8s.io/v1): the resources to balance (cpu and memory by default).</summary>
public sealed record NodeResourcesBalancedAllocationArgs
{
    public IReadOnlyList<ResourceSpec> Resources { get; init; } = ResourceSpec.Defaults;

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
