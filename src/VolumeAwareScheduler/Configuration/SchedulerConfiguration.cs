using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;

namespace VolumeAwareScheduler.Configuration;

/// <summary>
/// A decoded KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1) after defaults and validation: one
/// <see cref="ProfileConfig"/> per profile, the queue's backoff and the leader election. An empty configuration is
/// <see cref="Default"/>: one profile <c>volume-aware-scheduler</c> with the default plugins.
/// </summary>
public sealed record SchedulerConfiguration
{
    public required IReadOnlyList<ProfileConfig> Profiles { get; init; }

    /// <summary>The registry the profiles were checked against and are built with.</summary>
    public PluginRegistry Registry { get; init; } = InTreeRegistry.Plugins;

    /// <summary>The global percentageOfNodesToScore; each profile has its effective value already.</summary>
    public int PercentageOfNodesToScore { get; init; }

    public TimeSpan PodInitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan PodMaxBackoff { get; init; } = TimeSpan.FromSeconds(10);

    public LeaderElectionSettings LeaderElection { get; init; } = new();

    /// <summary>Settings read but not used (clientConnection, parallelism…), one sentence each, for stderr.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public static SchedulerConfiguration Default { get; } = new() { Profiles = [ProfileConfig.Default(InTreeRegistry.Plugins)] };

    /// <summary>One <see cref="Profile"/> per configured profile, in the file's order.</summary>
    public IReadOnlyList<Profile> BuildProfiles() => [.. Profiles.Select(Registry.Build)];

    /// <summary>The VolumeBinding args of a profile: configured, else the defaults (even when the profile disables the plugin).</summary>
    public VolumeBindingArgs VolumeBindingArgs(int profile = 0) => Profiles[profile].ArgsOf<VolumeBindingArgs>(Registry, VolumeBinding.PluginName);

    /// <summary>Every profile's VolumeBinding bindTimeoutSeconds replaced (a command-line flag given explicitly wins).</summary>
    public SchedulerConfiguration WithBindTimeout(long seconds) =>
        this with { Profiles = [.. Profiles.Select((p, i) => p.WithArgs(VolumeBinding.PluginName, VolumeBindingArgs(i) with { BindTimeoutSeconds = seconds }))] };
}
