namespace VolumeAwareScheduler.NodeLoss;

/// <summary>
/// The node-loss policy of <c>run</c> (<see cref="NodeLossController"/>): off unless enabled, and then only for
/// StorageClasses annotated <c>volume-aware-scheduler.io/release-claims-on-node-loss: "true"</c>.
/// </summary>
public sealed record NodeLossOptions
{
    public static readonly TimeSpan DefaultGracePeriod = TimeSpan.FromMinutes(10);

    /// <summary>Run the controller (--release-claims-on-node-loss). Off by default: it deletes claims.</summary>
    public bool Enabled { get; init; }

    /// <summary>How long a node must stay gone before the claims of its PVs are released (--node-loss-grace-period).</summary>
    public TimeSpan GracePeriod { get; init; } = DefaultGracePeriod;

    /// <summary>How often the controller looks at the state when no release falls due sooner.</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Every problem, each saying how to fix it; empty when the options can be used.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (GracePeriod <= TimeSpan.Zero) errors.Add($"the node-loss grace period must be positive (such as 10m); got {GracePeriod}.");
        if (ResyncPeriod <= TimeSpan.Zero) errors.Add($"the node-loss resync period must be positive; got {ResyncPeriod}.");
        return errors;
    }
}
