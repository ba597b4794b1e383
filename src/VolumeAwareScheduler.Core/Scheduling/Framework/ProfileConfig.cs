namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// A profile as configured, after defaults (upstream's KubeSchedulerProfile once setDefaults_KubeSchedulerProfile
/// ran): the plugins merged with the default plugins, each plugin's decoded args, and the effective
/// percentageOfNodesToScore. <see cref="PluginRegistry.Build"/> makes the <see cref="Profile"/>.
/// </summary>
public sealed record ProfileConfig
{
    public required string SchedulerName { get; init; }

    /// <summary>The profile's own value, else the configuration's; 0 is adaptive.</summary>
    public int PercentageOfNodesToScore { get; init; }

    /// <summary>Already merged with <see cref="DefaultPlugins"/>; MultiPoint not yet expanded.</summary>
    public PluginSets Plugins { get; init; } = PluginSets.Empty;

    /// <summary>Decoded <c>pluginConfig</c> args by plugin name; a plugin not here gets its defaults.</summary>
    public IReadOnlyDictionary<string, object> Args { get; init; } = new Dictionary<string, object>(StringComparer.Ordinal);

    /// <summary>The args <paramref name="plugin"/> runs with: configured, else the registry's defaults.</summary>
    public T ArgsOf<T>(PluginRegistry registry, string plugin) where T : class =>
        (Args.TryGetValue(plugin, out var args) ? args : registry[plugin].DefaultArgs) as T
        ?? throw new InvalidOperationException($"plugin {plugin} has no args of type {typeof(T).Name}");

    /// <summary>This profile with <paramref name="args"/> for <paramref name="plugin"/>.</summary>
    public ProfileConfig WithArgs(string plugin, object args) =>
        this with { Args = new Dictionary<string, object>(Args, StringComparer.Ordinal) { [plugin] = args } };

    /// <summary>The default profile: every registered default plugin (an empty configuration's profile).</summary>
    public static ProfileConfig Default(PluginRegistry registry, string schedulerName = Profiles.DefaultSchedulerName) =>
        new() { SchedulerName = schedulerName, Plugins = DefaultPlugins.Merge(DefaultPlugins.For(registry), null) };
}
