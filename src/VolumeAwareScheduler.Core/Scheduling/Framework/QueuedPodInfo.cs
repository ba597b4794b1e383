using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>A pod as the queue holds it: the pod and when it was (re)added, as ticks of the queue's clock.</summary>
public readonly record struct QueuedPodInfo(PodInfo Pod, long Timestamp);
