using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Standalone;

/// <summary>The pod fits nowhere, but will on <paramref name="Node"/> once <paramref name="Victims"/> are gone: they are being evicted.</summary>
public sealed record PreemptionStarted(ObjectKey Pod, DateTimeOffset At, string Node, IReadOnlyList<ObjectKey> Victims) : SchedulingProgress(Pod, At);
