namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>QueueSort: the order of the active queue; exactly one per profile.</summary>
public interface IQueueSortPlugin : IPlugin
{
    /// <summary>True when <paramref name="a"/> should be scheduled before <paramref name="b"/>.</summary>
    bool Less(QueuedPodInfo a, QueuedPodInfo b);
}
