using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;

namespace VolumeAwareScheduler.Standalone;

/// <summary>
/// A profile and its framework (the framework keeps the profile's round-robin start between cycles), whose binding
/// plugins write through <paramref name="client"/>.
/// </summary>
internal sealed class ProfileRunner(Profile profile, IBindingClient? client = null)
{
    public SchedulingFramework Framework { get; } = new(profile, client);

    public string SchedulerName => profile.SchedulerName;

    /// <summary>VolumeBinding's bindTimeoutSeconds; a profile without VolumeBinding binds no volumes, and gets its default.</summary>
    public TimeSpan BindTimeout { get; } =
        TimeSpan.FromSeconds((profile.Get<VolumeBinding>(VolumeBinding.PluginName)?.Args ?? new VolumeBindingArgs()).BindTimeoutSeconds);
}
