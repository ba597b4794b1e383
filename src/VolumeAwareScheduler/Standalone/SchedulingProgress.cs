using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Standalone;

/// <summary>What the scheduler did, for whoever tells the story (the demo prints these; tests wait on them).</summary>
public abstract record SchedulingProgress(ObjectKey Pod, DateTimeOffset At);

public sealed record PodBound(ObjectKey Pod, DateTimeOffset At, string Node, PodVolumes Volumes, int Attempts) : SchedulingProgress(Pod, At);

public sealed record PodUnschedulable(ObjectKey Pod, DateTimeOffset At, string Message) : SchedulingProgress(Pod, At);

public sealed record PodRequeued(ObjectKey Pod, DateTimeOffset At, string Cause) : SchedulingProgress(Pod, At);

public sealed record BindingFailed(ObjectKey Pod, DateTimeOffset At, string Node, string Error) : SchedulingProgress(Pod, At);
