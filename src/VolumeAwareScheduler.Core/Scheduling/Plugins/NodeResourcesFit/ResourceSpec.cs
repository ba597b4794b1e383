namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>ResourceSpec (kubescheduler.config.k8s.io/v1): a resource a scoring strategy looks at, and its weight.</summary>
public sealed record ResourceSpec(string Name, long Weight = 1)
{
    /// <summary>defaultResourceSpec: cpu and memory, weight 1 each.</summary>
    public static readonly IReadOnlyList<ResourceSpec> Defaults = [new("cpu", 1), new("memory", 1)];
}
