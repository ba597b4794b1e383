using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;

namespace VolumeAwareScheduler.Standalone;

public sealed record StandaloneOptions
{
    public const string DefaultSchedulerName = Core.Scheduling.Framework.Profiles.DefaultSchedulerName;

    /// <summary>The schedulerName of the default profile, used when <see cref="Profiles"/> is null.</summary>
    public string SchedulerName { get; init; } = DefaultSchedulerName;

    /// <summary>Binding cycles run in parallel on at most this many workers.</summary>
    public int BindingWorkers { get; init; } = 16;

    /// <summary>
    /// The default profile's VolumeBinding bindTimeoutSeconds (used when <see cref="Profiles"/> is null): how long to
    /// wait for the PV controller to complete volume bindings before giving up and reverting.
    /// </summary>
    public TimeSpan BindTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The profiles to run, one per schedulerName (a pod is scheduled by the profile its spec.schedulerName names);
    /// null: the default profile named <see cref="SchedulerName"/>.
    /// </summary>
    public IReadOnlyList<Profile>? Profiles { get; init; }

    /// <summary>The node-loss policy, run beside the scheduling loop (on the leader only); off by default.</summary>
    public NodeLoss.NodeLossOptions NodeLoss { get; init; } = new();

    /// <summary><see cref="Profiles"/>, or the default profile; throws for two profiles of one schedulerName.</summary>
    public IReadOnlyList<Profile> EffectiveProfiles()
    {
        var profiles = Profiles ?? [Core.Scheduling.Framework.Profiles.Default(SchedulerName, new VolumeBindingArgs { BindTimeoutSeconds = (long)BindTimeout.TotalSeconds })];
        if (profiles.Count == 0) throw new ArgumentException("At least one profile is needed.", nameof(Profiles));
        var duplicate = profiles.GroupBy(p => p.SchedulerName).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Two profiles are named {duplicate.Key}.", nameof(Profiles));
        return profiles;
    }
}
