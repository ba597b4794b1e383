using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// PreBind: the binding cycle's work before the pod is bound (VolumeBinding writes the volume bindings and waits for
/// the PV controller). Mirrors PreBindPlugin in staging/src/k8s.io/kube-scheduler/framework/interface.go (v1.37).
/// </summary>
public interface IPreBindPlugin : IPlugin
{
    /// <summary>
    /// Whether <see cref="PreBindAsync"/> has work for the pod on the node, decided without I/O: Success when it has,
    /// Skip when it has nothing to do (its PreBind is then not called), Error otherwise. The framework nominates the
    /// pod to the node before PreBind when any plugin answers Success (KEP-5278).
    /// </summary>
    Status PreBindPreFlight(CycleState state, PodInfo pod, string nodeName);

    /// <summary>The work itself, after Reserve; a failure makes the binding cycle fail (Unreserve, retry with backoff).</summary>
    ValueTask<Status> PreBindAsync(CycleState state, PodInfo pod, string nodeName, CancellationToken cancellationToken);
}
