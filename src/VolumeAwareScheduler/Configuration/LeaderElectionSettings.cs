namespace VolumeAwareScheduler.Configuration;

/// <summary>
/// leaderElection of a KubeSchedulerConfiguration (component-base LeaderElectionConfiguration), with kube-scheduler's
/// defaults (RecommendedDefaultLeaderElectionConfiguration) except the Lease's name, which is ours.
/// </summary>
public sealed record LeaderElectionSettings
{
    public const string DefaultResourceName = "volume-aware-scheduler";

    public const string DefaultResourceNamespace = "kube-system";

    public bool LeaderElect { get; init; } = true;

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Only "leases" is accepted, as kube-scheduler accepts only it.</summary>
    public string ResourceLock { get; init; } = "leases";

    public string ResourceName { get; init; } = DefaultResourceName;

    public string ResourceNamespace { get; init; } = DefaultResourceNamespace;
}
