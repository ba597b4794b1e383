using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Framework;

/// <summary>Terse plugin configurations for the ported upstream tables.</summary>
internal static class PluginConfigs
{
    public static PluginSpec P(string name, int? weight = null) => new(name, weight);

    public static PluginSet Set(PluginSpec[]? enabled = null, PluginSpec[]? disabled = null) => new(enabled, disabled);

    public static PluginSet Enabled(params PluginSpec[] enabled) => new(enabled);

    public static PluginSets Sets(params (ExtensionPoint Point, PluginSet Set)[] sets)
    {
        var result = PluginSets.Empty;
        foreach (var (point, set) in sets) result = result.With(point, set);
        return result;
    }
}
