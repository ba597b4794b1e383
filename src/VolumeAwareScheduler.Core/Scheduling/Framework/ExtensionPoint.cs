namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// The extension points a KubeSchedulerConfiguration profile configures (kubescheduler.config.k8s.io/v1 Plugins), and
/// <see cref="MultiPoint"/>, which stands for every point a plugin implements.
/// </summary>
public enum ExtensionPoint : byte
{
    PreEnqueue,
    QueueSort,
    PreFilter,
    Filter,
    PostFilter,
    PreScore,
    Score,
    Reserve,
    Permit,
    PreBind,
    Bind,
    PostBind,
    MultiPoint,
}
