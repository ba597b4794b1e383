namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// Mirrors pkg/scheduler/apis/config/v1/default_plugins.go: the default plugins (getDefaultPlugins) and how a
/// profile's plugins are merged into them (mergePlugins, mergePluginSet).
/// </summary>
public static class DefaultPlugins
{
    /// <summary>
    /// Kubernetes v1.37's default MultiPoint list, in upstream's order and with upstream's weights (as
    /// defaults_test.go's "two profiles" case expands it, DynamicResourceAllocation on). A registered plugin takes its
    /// place and weight from here; the others are left out of our defaults until they are registered.
    /// </summary>
    public static IReadOnlyList<PluginSpec> Upstream { get; } =
    [
        new("SchedulingGates"),
        new("PrioritySort"),
        new("NodeUnschedulable"),
        new("NodeName"),
        new("TaintToleration", 3),
        new("NodeAffinity", 2),
        new("NodePorts"),
        new("NodeResourcesFit", 1),
        new("VolumeRestrictions"),
        new("NodeVolumeLimits"),
        new("VolumeBinding"),
        new("VolumeZone"),
        new("PodTopologySpread", 2),
        new("InterPodAffinity", 2),
        new("DynamicResources", 2),
        new("DefaultPreemption"),
        new("NodeResourcesBalancedAllocation", 1),
        new("ImageLocality", 1),
        new("DefaultBinder"),
        new("NodeDeclaredFeatures"),
    ];

    /// <summary>True for a plugin of upstream's defaults (registered here or not).</summary>
    public static bool IsUpstream(string name) => Upstream.Any(p => p.Name == name);

    /// <summary>getDefaultPlugins, restricted to the plugins <paramref name="registry"/> has: all in MultiPoint.</summary>
    public static PluginSets For(PluginRegistry registry) =>
        PluginSets.Empty.With(ExtensionPoint.MultiPoint, new PluginSet([.. Upstream.Where(p => registry.Contains(p.Name))]));

    /// <summary>
    /// mergePlugins: each point's custom set merged into the default set of that point (MultiPoint too). A null
    /// <paramref name="custom"/> keeps the defaults.
    /// </summary>
    public static PluginSets Merge(PluginSets defaults, PluginSets? custom)
    {
        if (custom is null) return defaults;
        var merged = defaults;
        foreach (var point in Enum.GetValues<ExtensionPoint>()) merged = merged.With(point, MergeSet(defaults[point], custom[point]));
        return merged;
    }

    /// <summary>
    /// mergePluginSet: the defaults in their order, less the disabled ones (all of them for <c>*</c>), a default that is
    /// enabled again taking the custom entry's place and weight; then every custom entry that replaced no default, in
    /// its order (repeated entries included: building the profile rejects them). The disabled list keeps the custom
    /// names, then the default set's own.
    /// </summary>
    public static PluginSet MergeSet(PluginSet defaults, PluginSet custom)
    {
        var disabled = new List<PluginSpec>();
        var disabledNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var plugin in custom.Disabled.Concat(defaults.Disabled))
        {
            disabled.Add(new PluginSpec(plugin.Name));
            disabledNames.Add(plugin.Name);
        }

        // As upstream's map: a name enabled twice is found at its last position.
        var customByName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < custom.Enabled.Count; i++) customByName[custom.Enabled[i].Name] = i;

        var enabled = new List<PluginSpec>();
        var replaced = new HashSet<int>();
        if (!disabledNames.Contains("*"))
        {
            foreach (var plugin in defaults.Enabled)
            {
                if (disabledNames.Contains(plugin.Name)) continue;
                if (customByName.TryGetValue(plugin.Name, out var index))
                {
                    enabled.Add(custom.Enabled[index]);
                    replaced.Add(index);
                }
                else
                {
                    enabled.Add(plugin);
                }
            }
        }
        for (var i = 0; i < custom.Enabled.Count; i++)
        {
            if (!replaced.Contains(i)) enabled.Add(custom.Enabled[i]);
        }
        return new PluginSet(enabled, disabled);
    }
}
