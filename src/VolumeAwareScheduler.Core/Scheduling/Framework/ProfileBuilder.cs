using VolumeAwareScheduler.Core.Configuration;

namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// Mirrors NewFramework in pkg/scheduler/framework/runtime/framework.go, with upstream's error messages:
/// <list type="number">
/// <item>pluginsNeeded: one instance per plugin named anywhere in the profile, built with its args;</item>
/// <item>updatePluginList: each point's own enabled list, in order; a plugin that does not implement the point, or is
/// listed twice, is an error;</item>
/// <item>expandMultiPointPlugins: each MultiPoint plugin joins every point it implements, unless the point disables it
/// (or <c>*</c>); a plugin the point lists itself keeps the point's position ("override"). The order is: overrides in
/// the point's order, then MultiPoint's plugins, then the point's other plugins. A plugin twice in MultiPoint is an
/// error;</item>
/// <item>exactly one QueueSort plugin, and at least one Bind plugin;</item>
/// <item>getScoreWeights: the Score list's weight, else MultiPoint's; unset or 0 is 1.</item>
/// </list>
/// </summary>
internal static class ProfileBuilder
{
    public static Profile Build(PluginRegistry registry, ProfileConfig config)
    {
        var plugins = config.Plugins;
        var instances = new Dictionary<string, IPlugin>(StringComparer.Ordinal);
        foreach (var point in Enum.GetValues<ExtensionPoint>())
        {
            foreach (var spec in plugins[point].Enabled)
            {
                if (instances.ContainsKey(spec.Name) || !registry.Contains(spec.Name)) continue;
                instances[spec.Name] = registry[spec.Name].Create(config.Args.GetValueOrDefault(spec.Name));
            }
        }

        var lists = new Dictionary<ExtensionPoint, List<IPlugin>>();
        foreach (var point in ExtensionPoints.FrameworkOrder) lists[point] = PluginList(point, plugins[point], instances);
        if (plugins[ExtensionPoint.MultiPoint].Enabled.Count > 0) ExpandMultiPoint(plugins, instances, lists);

        var queueSort = lists[ExtensionPoint.QueueSort];
        if (queueSort.Count != 1)
            throw Error($"only one queue sort plugin required for profile with scheduler name {FieldError.Quote(config.SchedulerName)}, but got {queueSort.Count}");
        if (lists[ExtensionPoint.Bind].Count == 0)
            throw Error($"at least one bind plugin is needed for profile with scheduler name {FieldError.Quote(config.SchedulerName)}");

        var weights = ScoreWeights(plugins, instances);
        return new Profile
        {
            SchedulerName = config.SchedulerName,
            PreEnqueue = [.. lists[ExtensionPoint.PreEnqueue].Cast<IPreEnqueuePlugin>()],
            QueueSort = (IQueueSortPlugin)queueSort[0],
            PreFilter = [.. lists[ExtensionPoint.PreFilter].Cast<IPreFilterPlugin>()],
            Filter = [.. lists[ExtensionPoint.Filter].Cast<IFilterPlugin>()],
            PostFilter = [.. lists[ExtensionPoint.PostFilter].Cast<IPostFilterPlugin>()],
            PreScore = [.. lists[ExtensionPoint.PreScore].Cast<IPreScorePlugin>()],
            Score = [.. lists[ExtensionPoint.Score].Cast<IScorePlugin>().Select(p => new WeightedScorePlugin(p, weights[p.Name]))],
            Reserve = [.. lists[ExtensionPoint.Reserve].Cast<IReservePlugin>()],
            PreBind = [.. lists[ExtensionPoint.PreBind].Cast<IPreBindPlugin>()],
            Bind = [.. lists[ExtensionPoint.Bind].Cast<IBindPlugin>()],
            PercentageOfNodesToScore = config.PercentageOfNodesToScore,
        };
    }

    /// <summary>updatePluginList.</summary>
    private static List<IPlugin> PluginList(ExtensionPoint point, PluginSet set, Dictionary<string, IPlugin> instances)
    {
        var list = new List<IPlugin>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in set.Enabled)
        {
            var plugin = Instance(point, spec.Name, instances);
            if (!ExtensionPoints.Implements(plugin, point)) throw Error($"plugin {FieldError.Quote(spec.Name)} does not extend {ExtensionPoints.PluginTypeName(point)} plugin");
            if (!seen.Add(spec.Name)) throw AlreadyRegistered(spec.Name, point);
            list.Add(plugin);
        }
        return list;
    }

    /// <summary>expandMultiPointPlugins.</summary>
    private static void ExpandMultiPoint(PluginSets plugins, Dictionary<string, IPlugin> instances, Dictionary<ExtensionPoint, List<IPlugin>> lists)
    {
        foreach (var point in ExtensionPoints.FrameworkOrder)
        {
            var set = plugins[point];
            var disabled = set.Disabled.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
            if (disabled.Contains("*")) continue;
            var enabled = set.Enabled.Select(e => e.Name).ToList();
            var overrides = new HashSet<string>(StringComparer.Ordinal);
            var multiPoint = new List<string>();
            foreach (var spec in plugins[ExtensionPoint.MultiPoint].Enabled)
            {
                var plugin = Instance(point, spec.Name, instances);
                if (!ExtensionPoints.Implements(plugin, point) || disabled.Contains(spec.Name)) continue;
                if (enabled.Contains(spec.Name))
                {
                    overrides.Add(spec.Name);
                    continue;
                }
                if (multiPoint.Contains(spec.Name)) throw AlreadyRegistered(spec.Name, point);
                multiPoint.Add(spec.Name);
            }
            var ordered = enabled.Where(overrides.Contains).Concat(multiPoint).Concat(enabled.Where(n => !overrides.Contains(n)));
            lists[point] = [.. ordered.Select(n => instances[n])];
        }
    }

    /// <summary>getScoreWeights: the first weight found for each Score plugin, the Score list's before MultiPoint's.</summary>
    private static Dictionary<string, int> ScoreWeights(PluginSets plugins, Dictionary<string, IPlugin> instances)
    {
        var weights = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var spec in plugins[ExtensionPoint.Score].Enabled.Concat(plugins[ExtensionPoint.MultiPoint].Enabled))
        {
            if (instances[spec.Name] is not IScorePlugin || weights.ContainsKey(spec.Name)) continue;
            weights[spec.Name] = spec.Weight is null or 0 ? 1 : spec.Weight.Value;
        }
        return weights;
    }

    private static IPlugin Instance(ExtensionPoint point, string name, Dictionary<string, IPlugin> instances) =>
        instances.TryGetValue(name, out var plugin) ? plugin : throw Error($"{ExtensionPoints.PluginTypeName(point)} {FieldError.Quote(name)} does not exist");

    private static ConfigException AlreadyRegistered(string name, ExtensionPoint point) =>
        Error($"plugin {FieldError.Quote(name)} already registered as {FieldError.Quote(ExtensionPoints.PluginTypeName(point))}");

    private static ConfigException Error(string message) => new([message]);
}
