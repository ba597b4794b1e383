using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Kubernetes.Queue;

namespace VolumeAwareScheduler.Configuration;

/// <summary>
/// What <c>run</c> runs with: the configuration file's settings (or the defaults without one), each replaced by the
/// flag that was given explicitly. kube-scheduler does the same for its leader-election flags against --config
/// (cmd/kube-scheduler/app/options/options.go ApplyLeaderElectionTo: a flag the command line changed wins).
/// </summary>
public sealed record RunSettings(IReadOnlyList<Profile> Profiles, QueueOptions Queue, LeaderElectionSettings LeaderElection)
{
    /// <summary>The node-loss policy (--release-claims-on-node-loss, --node-loss-grace-period); off by default.</summary>
    public NodeLoss.NodeLossOptions NodeLoss { get; init; } = new();

    /// <summary>run's bind timeout without --config and without --bind-timeout-seconds (the flag's default).</summary>
    public const int DefaultBindTimeoutSeconds = 30;

    /// <param name="file">The decoded --config file, or null.</param>
    /// <param name="schedulerName">--scheduler-name if given: renames the only profile (the caller refuses it for several).</param>
    /// <param name="bindTimeoutSeconds">--bind-timeout-seconds if given: every profile's VolumeBinding bindTimeoutSeconds.</param>
    public static RunSettings From(SchedulerConfiguration? file, string? schedulerName = null, int? bindTimeoutSeconds = null, bool? leaderElect = null,
        string? leaseNamespace = null, string? leaseName = null, int defaultBindTimeoutSeconds = DefaultBindTimeoutSeconds)
    {
        // Without a file the flags' defaults stand, the bind timeout's included; with one, the file's values do.
        var configuration = file ?? SchedulerConfiguration.Default.WithBindTimeout(defaultBindTimeoutSeconds);
        if (schedulerName is not null)
        {
            if (configuration.Profiles.Count != 1) throw new ArgumentException("--scheduler-name renames a single profile.", nameof(schedulerName));
            configuration = configuration with { Profiles = [configuration.Profiles[0] with { SchedulerName = schedulerName }] };
        }
        if (bindTimeoutSeconds is { } seconds) configuration = configuration.WithBindTimeout(seconds);
        var leader = configuration.LeaderElection;
        leader = leader with
        {
            LeaderElect = leaderElect ?? leader.LeaderElect,
            ResourceNamespace = leaseNamespace ?? leader.ResourceNamespace,
            ResourceName = leaseName ?? leader.ResourceName,
        };
        return new RunSettings(
            configuration.BuildProfiles(),
            new QueueOptions { InitialBackoff = configuration.PodInitialBackoff, MaxBackoff = configuration.PodMaxBackoff },
            leader);
    }
}
