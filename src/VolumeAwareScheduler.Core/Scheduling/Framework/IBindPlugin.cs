using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// Bind: makes the placement real (DefaultBinder creates the pod's Binding). Mirrors BindPlugin in
/// staging/src/k8s.io/kube-scheduler/framework/interface.go: a plugin answering Skip leaves the pod to the next
/// binder; the first answer that is not Skip decides.
/// </summary>
public interface IBindPlugin : IPlugin
{
    ValueTask<Status> BindAsync(CycleState state, PodInfo pod, string nodeName, CancellationToken cancellationToken);
}
