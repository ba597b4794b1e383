using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Standalone;

public sealed record StandaloneOptions
{
    public const string DefaultSchedulerName = "volume-aware-scheduler";

    public string SchedulerName { get; init; } = DefaultSchedulerName;
    /// <summary>Binding cycles run in parallel on at most this many workers.</summary>
    public int BindingWorkers { get; init; } = 16;
    /// <summary>How long to wait for the PV controller to complete volume bindings before giving up and reverting.</summary>
    public TimeSpan BindTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>The profile pods naming <see cref="SchedulerName"/> are scheduled with; the default profile when null.</summary>
    public Profile? Profile { get; init; }
}
