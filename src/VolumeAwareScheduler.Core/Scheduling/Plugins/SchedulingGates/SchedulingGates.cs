using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// Mirrors pkg/scheduler/framework/plugins/schedulinggates/scheduling_gates.go. PreEnqueue: a pod with
/// spec.schedulingGates stays out of the active queue (UnschedulableAndUnresolvable, "waiting for scheduling gates:
/// [a b]"); the pod update that removes its last gate queues it.
/// </summary>
public sealed class SchedulingGates : IPreEnqueuePlugin
{
    public const string PluginName = "SchedulingGates";

    public string Name => PluginName;

    public Status PreEnqueue(PodInfo pod) =>
        pod.SchedulingGates.IsEmpty ? Status.Success : Status.Unresolvable(PluginName, Reasons.WaitingForSchedulingGates(pod.SchedulingGates));
}
