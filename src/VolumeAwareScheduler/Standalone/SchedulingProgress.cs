using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Kubernetes.Queue;

namespace VolumeAwareScheduler.Standalone;

/// <summary>What the scheduler did, for whoever tells the story (the demo prints these; tests wait on them).</summary>
public abstract record SchedulingProgress(ObjectKey Pod, DateTimeOffset At);

/// <param name="Attempts">Scheduling attempts of the pod, this one included.</param>
/// <param name="Cure">The cluster event that moved the pod out of the unschedulable set, if one did.</param>
public sealed record PodBound(ObjectKey Pod, DateTimeOffset At, string Node, PodVolumes Volumes, int Attempts, CuringEvent? Cure = null) : SchedulingProgress(Pod, At);

public sealed record PodUnschedulable(ObjectKey Pod, DateTimeOffset At, string Message) : SchedulingProgress(Pod, At);

public sealed record PodRequeued(ObjectKey Pod, DateTimeOffset At, string Cause) : SchedulingProgress(Pod, At);

public sealed record BindingFailed(ObjectKey Pod, DateTimeOffset At, string Node, string Error) : SchedulingProgress(Pod, At);

/// <summary>A PreEnqueue plugin keeps the pod out of the active queue (scheduling gates); <paramref name="Message"/> says why.</summary>
public sealed record PodGated(ObjectKey Pod, DateTimeOffset At, string Message) : SchedulingProgress(Pod, At);
