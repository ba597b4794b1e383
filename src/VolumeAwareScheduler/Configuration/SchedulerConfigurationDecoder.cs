using VolumeAwareScheduler.Core.Configuration;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;

namespace VolumeAwareScheduler.Configuration;

/// <summary>
/// Decodes a KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1) as kube-scheduler does: strictly (an unknown
/// field, a value of the wrong type, an unknown plugin or arg is an error naming its path), then defaults
/// (pkg/scheduler/apis/config/v1/defaults.go; our default schedulerName is <c>volume-aware-scheduler</c> and our
/// default VolumeBinding shape is best fit), then validation (pkg/scheduler/apis/config/validation/validation.go, every
/// problem collected), then each profile is built as NewFramework would, so a profile upstream refuses is refused here.
/// <para>
/// Read and used: profiles (schedulerName, percentageOfNodesToScore, plugins per extension point and multiPoint,
/// pluginConfig), percentageOfNodesToScore, podInitialBackoffSeconds, podMaxBackoffSeconds, leaderElection. Read, checked
/// and ignored with a warning: parallelism, clientConnection, enableProfiling, enableContentionProfiling,
/// delayCacheUntilActive. Refused: extenders (this scheduler is the extender), and what this scheduler does not do yet
/// (the alpha placement extension points and percentageOfPlacementsToScore). Every extension point is decoded, preBind
/// and bind included; a plugin enabled where it does not extend the point (no plugin here extends permit or postBind)
/// is refused with NewFramework's message when the profile is built.
/// </para>
/// </summary>
public static class SchedulerConfigurationDecoder
{
    public const string ApiVersion = "kubescheduler.config.k8s.io/v1";

    public const string Kind = "KubeSchedulerConfiguration";

    private static readonly string[] PlacementPoints = ["placementGenerate", "placementScore", "placementFeasible", "podGroupPostFilter"];

    public static SchedulerConfiguration Decode(ConfigNode root, PluginRegistry? registry = null)
    {
        registry ??= InTreeRegistry.Plugins;
        CheckTypeMeta(root);
        var map = root.ExpectMap("apiVersion", "kind", "parallelism", "leaderElection", "clientConnection", "enableProfiling",
            "enableContentionProfiling", "percentageOfNodesToScore", "percentageOfPlacementsToScore", "podInitialBackoffSeconds",
            "podMaxBackoffSeconds", "profiles", "extenders", "delayCacheUntilActive");
        var errors = new List<string>();
        var warnings = new List<string>();

        if (map["parallelism"] is { } parallelism)
        {
            var value = parallelism.ExpectInt32();
            if (value <= 0) errors.Add(FieldError.Invalid(parallelism.Path, value, "should be an integer value greater than zero"));
            warnings.Add($"{parallelism.Path} is ignored: filtering spreads the nodes over the machine's cores");
        }
        var leaderElection = DecodeLeaderElection(map["leaderElection"], map.PathOf("leaderElection"), errors);
        if (map["clientConnection"] is { } clientConnection)
        {
            var client = clientConnection.ExpectMap("kubeconfig", "acceptContentTypes", "contentType", "qps", "burst");
            client["kubeconfig"]?.ExpectString();
            client["acceptContentTypes"]?.ExpectString();
            client["contentType"]?.ExpectString();
            if (client["qps"] is { Kind: not ConfigNodeKind.Float } qps) qps.ExpectInt64();
            client["burst"]?.ExpectInt32();
            if (client.Present.Any()) warnings.Add($"{clientConnection.Path} is ignored: the API server is the one of --kubeconfig, --server or the in-cluster configuration");
        }
        foreach (var field in new[] { "enableProfiling", "enableContentionProfiling", "delayCacheUntilActive" })
        {
            if (map[field] is not { } flag) continue;
            flag.ExpectBool();
            warnings.Add(field == "delayCacheUntilActive"
                ? $"{flag.Path} is ignored: every replica keeps its cache warm"
                : $"{flag.Path} is ignored: this scheduler serves no profiling endpoints");
        }
        var percentage = DecodePercentage(map["percentageOfNodesToScore"], errors) ?? 0;
        if (map["percentageOfPlacementsToScore"] is { } placements)
            throw PluginArgs.NotSupportedYet(placements.Path, "this scheduler places pods one at a time, not pod groups");
        var initialBackoff = map["podInitialBackoffSeconds"]?.ExpectInt64() ?? 1;
        var maxBackoff = map["podMaxBackoffSeconds"]?.ExpectInt64() ?? 10;
        if (initialBackoff <= 0) errors.Add(FieldError.Invalid(map.PathOf("podInitialBackoffSeconds"), initialBackoff, "must be greater than 0"));
        if (maxBackoff < initialBackoff) errors.Add(FieldError.Invalid(map.PathOf("podMaxBackoffSeconds"), maxBackoff, "must be greater than or equal to PodInitialBackoffSeconds"));
        if (map["extenders"] is { } extenders && extenders.ExpectList().Count > 0)
        {
            throw new ConfigException(extenders.Path,
                "not supported: this scheduler is itself the extender (serve); configure extenders in kube-scheduler's own configuration, such as scheduler-config/kube-scheduler-config.yaml");
        }

        var profiles = DecodeProfiles(map["profiles"], map.PathOf("profiles"), registry, percentage, errors, warnings);
        if (errors.Count > 0) throw new ConfigException(errors);
        for (var i = 0; i < profiles.Count; i++)
        {
            try
            {
                registry.Build(profiles[i]);
            }
            catch (ConfigException e)
            {
                errors.AddRange(e.Problems.Select(p => ConfigPath.Describe(ConfigPath.Index("profiles", i), p)));
            }
        }
        if (errors.Count > 0) throw new ConfigException(errors);

        return new SchedulerConfiguration
        {
            Profiles = profiles,
            Registry = registry,
            PercentageOfNodesToScore = percentage,
            PodInitialBackoff = TimeSpan.FromSeconds(initialBackoff),
            PodMaxBackoff = TimeSpan.FromSeconds(maxBackoff),
            LeaderElection = leaderElection,
            Warnings = warnings,
        };
    }

    /// <summary>apiVersion and kind come first: a file of another version or kind is told so, not about its fields.</summary>
    private static void CheckTypeMeta(ConfigNode root)
    {
        if (root.Kind != ConfigNodeKind.Map) throw new ConfigException("", $"expected a map (a KubeSchedulerConfiguration), got {root.Describe()}");
        var entries = root.Entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        foreach (var (field, expected) in new[] { ("apiVersion", ApiVersion), ("kind", Kind) })
        {
            if (!entries.TryGetValue(field, out var node) || node.Kind == ConfigNodeKind.Null)
                throw new ConfigException([FieldError.Required(field, $"must be {FieldError.Quote(expected)}")]);
            var value = node.ExpectString();
            if (value != expected) throw new ConfigException([FieldError.Invalid(field, value, $"must be {FieldError.Quote(expected)}")]);
        }
    }

    private static int? DecodePercentage(ConfigNode? node, List<string> errors)
    {
        if (node is null) return null;
        var value = node.ExpectInt32();
        if (value is < 0 or > 100) errors.Add(FieldError.Invalid(node.Path, value, "not in valid range [0-100]"));
        return value;
    }

    /// <summary>Defaults (RecommendedDefaultLeaderElectionConfiguration) and ValidateLeaderElectionConfiguration.</summary>
    private static LeaderElectionSettings DecodeLeaderElection(ConfigNode? node, string path, List<string> errors)
    {
        var defaults = new LeaderElectionSettings();
        if (node is null) return defaults;
        var map = node.ExpectMap("leaderElect", "leaseDuration", "renewDeadline", "retryPeriod", "resourceLock", "resourceName", "resourceNamespace");
        TimeSpan Duration(string field, TimeSpan fallback)
        {
            if (map[field] is not { } value) return fallback;
            if (value.Kind != ConfigNodeKind.String || !GoDuration.TryParse(value.Text, out var parsed))
                throw new ConfigException(value.Path, $"expected a duration such as \"15s\" or \"1m30s\", got {value.Describe()}");
            return parsed;
        }
        string Text(string field, string fallback) => map[field]?.ExpectString() is { Length: > 0 } text ? text : fallback;
        var settings = new LeaderElectionSettings
        {
            LeaderElect = map["leaderElect"]?.ExpectBool() ?? defaults.LeaderElect,
            LeaseDuration = Duration("leaseDuration", defaults.LeaseDuration),
            RenewDeadline = Duration("renewDeadline", defaults.RenewDeadline),
            RetryPeriod = Duration("retryPeriod", defaults.RetryPeriod),
            ResourceLock = Text("resourceLock", defaults.ResourceLock),
            ResourceName = Text("resourceName", defaults.ResourceName),
            ResourceNamespace = Text("resourceNamespace", defaults.ResourceNamespace),
        };
        if (!settings.LeaderElect) return settings;
        string At(string field) => ConfigPath.Child(path, field);
        if (settings.LeaseDuration <= TimeSpan.Zero) errors.Add(FieldError.Invalid(At("leaseDuration"), GoDuration.Format(settings.LeaseDuration), "must be greater than zero"));
        if (settings.RenewDeadline <= TimeSpan.Zero) errors.Add(FieldError.Invalid(At("renewDeadline"), GoDuration.Format(settings.RenewDeadline), "must be greater than zero"));
        if (settings.RetryPeriod <= TimeSpan.Zero) errors.Add(FieldError.Invalid(At("retryPeriod"), GoDuration.Format(settings.RetryPeriod), "must be greater than zero"));
        if (settings.LeaseDuration <= settings.RenewDeadline)
            errors.Add(FieldError.Invalid(At("leaseDuration"), GoDuration.Format(settings.RenewDeadline), "LeaseDuration must be greater than RenewDeadline"));
        else if (settings.RenewDeadline <= settings.RetryPeriod * 1.2)
            errors.Add(FieldError.Invalid(At("renewDeadline"), GoDuration.Format(settings.RenewDeadline), "renewDeadline must be greater than retryPeriod*JitterFactor (1.2)"));
        if (settings.ResourceLock != "leases") errors.Add(FieldError.Invalid(At("resourceLock"), settings.ResourceLock, "resourceLock value must be \"leases\""));
        return settings;
    }

    private static List<ProfileConfig> DecodeProfiles(ConfigNode? node, string path, PluginRegistry registry, int globalPercentage,
        List<string> errors, List<string> warnings)
    {
        var items = node?.ExpectList() ?? [];
        if (items.Count == 0)
        {
            return [ProfileConfig.Default(registry) with { PercentageOfNodesToScore = globalPercentage }];
        }
        var profiles = new List<ProfileConfig>();
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        PluginSet? firstQueueSort = null;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var map = item.ExpectMap("schedulerName", "percentageOfNodesToScore", "percentageOfPlacementsToScore", "plugins", "pluginConfig");
            // Only a lone profile gets the default name (SetDefaults_KubeSchedulerConfiguration).
            var name = map["schedulerName"]?.ExpectString() ?? (items.Count == 1 ? Profiles.DefaultSchedulerName : "");
            var namePath = map.PathOf("schedulerName");
            if (name.Length == 0) errors.Add(FieldError.Required(namePath));
            else if (!names.TryAdd(name, i)) errors.Add(FieldError.Duplicate(namePath, name));
            var percentage = DecodePercentage(map["percentageOfNodesToScore"], errors) ?? globalPercentage;
            if (map["percentageOfPlacementsToScore"] is { } placements)
                throw PluginArgs.NotSupportedYet(placements.Path, "this scheduler places pods one at a time, not pod groups");
            var custom = map["plugins"] is { } plugins ? DecodePlugins(plugins, registry, errors, warnings) : null;
            var queueSort = custom?[ExtensionPoint.QueueSort] ?? PluginSet.Empty;
            if (i == 0) firstQueueSort = queueSort;
            else if (!queueSort.Equals(firstQueueSort))
                errors.Add(FieldError.Invalid(ConfigPath.Child(map.PathOf("plugins"), "queueSort"), queueSort.IsEmpty ? "{}" : queueSort.ToString(), "queueSort must be the same for all profiles"));
            var args = DecodePluginConfig(map["pluginConfig"], registry, errors);
            profiles.Add(new ProfileConfig
            {
                SchedulerName = name,
                PercentageOfNodesToScore = percentage,
                Plugins = DefaultPlugins.Merge(DefaultPlugins.For(registry), custom),
                Args = args,
            });
        }
        return profiles;
    }

    private static PluginSets DecodePlugins(ConfigNode node, PluginRegistry registry, List<string> errors, List<string> warnings)
    {
        var points = Enum.GetValues<ExtensionPoint>().ToDictionary(ExtensionPoints.ConfigName);
        var map = node.ExpectMap([.. points.Keys, .. PlacementPoints]);
        foreach (var placement in PlacementPoints)
        {
            if (map[placement] is { } set && set.ExpectMap("enabled", "disabled").Present.Any())
                throw PluginArgs.NotSupportedYet(set.Path, "this scheduler places pods one at a time, not pod groups");
        }
        var sets = PluginSets.Empty;
        foreach (var (name, point) in points)
        {
            if (map[name] is { } set) sets = sets.With(point, DecodePluginSet(set, point, registry, errors, warnings));
        }
        return sets;
    }

    private static PluginSet DecodePluginSet(ConfigNode node, ExtensionPoint point, PluginRegistry registry, List<string> errors, List<string> warnings)
    {
        var map = node.ExpectMap("enabled", "disabled");
        var enabled = new List<PluginSpec>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in map["enabled"]?.ExpectList() ?? [])
        {
            var (name, weight, namePath) = DecodePlugin(item);
            if (!registry.Contains(name))
            {
                throw new ConfigException(namePath, DefaultPlugins.IsUpstream(name)
                    ? $"plugin {FieldError.Quote(name)} is not supported yet"
                    : $"unknown plugin {FieldError.Quote(name)}");
            }
            if (!seen.Add(name)) errors.Add(FieldError.Duplicate(namePath, name));
            if (weight is { } w)
            {
                var weightPath = ConfigPath.Child(item.Path, "weight");
                if (w < 0) errors.Add(FieldError.Invalid(weightPath, w, "must not be negative (0 or unset is 1)"));
                else if (point is not (ExtensionPoint.Score or ExtensionPoint.MultiPoint)) warnings.Add($"{weightPath} is ignored: weights apply at score and multiPoint only");
            }
            enabled.Add(new PluginSpec(name, weight));
        }
        var disabled = new List<PluginSpec>();
        foreach (var item in map["disabled"]?.ExpectList() ?? [])
        {
            var (name, weight, namePath) = DecodePlugin(item);
            if (name != "*" && !registry.Contains(name) && !DefaultPlugins.IsUpstream(name))
                throw new ConfigException(namePath, $"unknown plugin {FieldError.Quote(name)}");
            if (weight is not null) warnings.Add($"{ConfigPath.Child(item.Path, "weight")} is ignored: a disabled plugin has no weight");
            disabled.Add(new PluginSpec(name));
        }
        return new PluginSet(enabled, disabled);
    }

    private static (string Name, int? Weight, string NamePath) DecodePlugin(ConfigNode item)
    {
        var plugin = item.ExpectMap("name", "weight");
        var namePath = plugin.PathOf("name");
        var name = plugin["name"]?.ExpectString() ?? "";
        if (name.Length == 0) throw new ConfigException([FieldError.Required(namePath)]);
        return (name, plugin["weight"]?.ExpectInt32(), namePath);
    }

    private static Dictionary<string, object> DecodePluginConfig(ConfigNode? node, PluginRegistry registry, List<string> errors)
    {
        var args = new Dictionary<string, object>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in node?.ExpectList() ?? [])
        {
            var map = item.ExpectMap("name", "args");
            var namePath = map.PathOf("name");
            var name = map["name"]?.ExpectString() ?? "";
            if (name.Length == 0) throw new ConfigException([FieldError.Required(namePath)]);
            if (!registry.Contains(name))
            {
                throw new ConfigException(namePath, DefaultPlugins.IsUpstream(name)
                    ? $"plugin {FieldError.Quote(name)} is not supported yet"
                    : $"unknown plugin {FieldError.Quote(name)}");
            }
            if (!seen.Add(name))
            {
                errors.Add(FieldError.Duplicate(item.Path, name)); // validatePluginConfig: "repeated config for plugin"
                continue;
            }
            var decoded = registry[name].DecodeArgs(map["args"]);
            if (decoded is not null) args[name] = decoded;
        }
        return args;
    }
}
