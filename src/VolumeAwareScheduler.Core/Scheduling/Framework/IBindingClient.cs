using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// The writes of the binding cycle, as upstream's plugins make them through the framework handle's clientset. Core
/// does no I/O: the host plugs in the API server's writer (Kubernetes adapter) or an in-memory cluster (simulate, serve
/// over a file). Every failure is an answer (<see cref="WriteOutcome"/>), never an exception.
/// </summary>
public interface IBindingClient
{
    /// <summary>
    /// BindPodVolumes (volumebinding/binder.go): static PVs get their claimRef, claims to provision the selected-node
    /// annotation; then the PV controller's completion is awaited, up to <paramref name="bindTimeout"/>. A failure
    /// leaves none of this call's writes behind unless the PV controller has acted on them.
    /// </summary>
    ValueTask<WriteOutcome> BindPodVolumesAsync(PodInfo pod, string nodeName, PodVolumes volumes, TimeSpan bindTimeout, CancellationToken cancellationToken);

    /// <summary>The pod's Binding to the node (pods/binding), carrying the pod's UID.</summary>
    ValueTask<WriteOutcome> BindPodAsync(PodInfo pod, string nodeName, CancellationToken cancellationToken);
}
