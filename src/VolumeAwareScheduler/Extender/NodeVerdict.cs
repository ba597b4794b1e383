using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Scheduling;

namespace VolumeAwareScheduler.Extender;

/// <summary>One node's verdict in an extender call: its status and the volumes it would get.</summary>
public readonly record struct NodeVerdict(string Name, Status Status, PodVolumes? Volumes);
