using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>Mirrors pkg/scheduler/framework/plugins/queuesort/priority_sort.go: higher priority first, then earlier arrival.</summary>
public sealed class PrioritySort : IQueueSortPlugin
{
    public const string PluginName = "PrioritySort";

    public string Name => PluginName;

    public bool Less(QueuedPodInfo a, QueuedPodInfo b) =>
        a.Pod.Priority > b.Pod.Priority || (a.Pod.Priority == b.Pod.Priority && a.Timestamp < b.Timestamp);
}
