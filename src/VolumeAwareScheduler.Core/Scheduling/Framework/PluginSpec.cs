namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// A plugin named in a configuration (kubescheduler.config.k8s.io/v1 Plugin): its name and, for Score, its weight.
/// A null weight is unset; the framework scores an unset or zero weight as 1 (framework.go getScoreWeights).
/// </summary>
public sealed record PluginSpec(string Name, int? Weight = null)
{
    public override string ToString() => Weight is { } weight ? $"{Name}({weight})" : Name;
}
