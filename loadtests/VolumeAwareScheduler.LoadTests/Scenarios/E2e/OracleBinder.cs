using k8s;
using k8s.Models;
using VolumeAwareScheduler.Kubernetes.Conversion;

namespace VolumeAwareScheduler.LoadTests.Scenarios.E2e;

/// <summary>
/// The floor under the scheduler's pods/s: a binder that already knows each pod's PV and node and decides nothing, yet
/// makes the API writes the scheduler's binding cycle makes, in the same order and on as many workers: the PV's
/// claimRef (with the bound-by-controller annotation), a wait for the PV controller to bind the claim, the pod's
/// Binding, the Scheduled event. It waits for the claim in-process (the observer sees the store commit it) instead
/// of through informers, so it also has no watch of its own to decode: what the scheduler costs beyond it is its
/// cache, queue and decisions.
/// </summary>
/// <param name="client">A client of its own, as the scheduler has.</param>
public sealed class OracleBinder(IKubernetes client, E2eObserver observer, int workers)
{
    /// <summary>
    /// Binds every pod on <c>workers</c> workers; each worker is free again once its pod's Binding is created, and the
    /// Scheduled events are written beside the workers and awaited at the end, as the scheduler's binding cycle does.
    /// </summary>
    public async Task BindAllAsync(IReadOnlyList<OracleAssignment> assignments, string schedulerName, CancellationToken cancellationToken)
    {
        var events = new System.Collections.Concurrent.ConcurrentQueue<Task>();
        await E2eScenario.ForEachAsync(assignments.Count, workers, async (i, ct) =>
        {
            await BindAsync(assignments[i], ct).ConfigureAwait(false);
            events.Enqueue(RecordScheduledAsync(assignments[i], schedulerName, ct));
        }, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(events).ConfigureAwait(false);
    }

    private async Task BindAsync(OracleAssignment assignment, CancellationToken cancellationToken)
    {
        var volume = assignment.Volume;
        volume.Spec.ClaimRef = new V1ObjectReference
        {
            ApiVersion = "v1",
            Kind = "PersistentVolumeClaim",
            NamespaceProperty = E2eScenario.Namespace,
            Name = assignment.Claim,
            Uid = assignment.ClaimUid,
        };
        volume.Metadata.Annotations ??= new Dictionary<string, string>();
        volume.Metadata.Annotations[Converter.AnnBoundByController] = "yes";
        await client.CoreV1.ReplacePersistentVolumeAsync(volume, volume.Name(), cancellationToken: cancellationToken).ConfigureAwait(false);
        await observer.WaitForClaimBoundAsync(assignment.Claim, cancellationToken).ConfigureAwait(false);
        var binding = new V1Binding
        {
            Metadata = new V1ObjectMeta { Name = assignment.Pod, NamespaceProperty = E2eScenario.Namespace, Uid = assignment.PodUid },
            Target = new V1ObjectReference { ApiVersion = "v1", Kind = "Node", Name = assignment.Node },
        };
        await client.CoreV1.CreateNamespacedPodBindingAsync(binding, assignment.Pod, E2eScenario.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private async Task RecordScheduledAsync(OracleAssignment assignment, string schedulerName, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var scheduled = new Corev1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = assignment.Pod + ".", NamespaceProperty = E2eScenario.Namespace },
            InvolvedObject = new V1ObjectReference { ApiVersion = "v1", Kind = "Pod", Name = assignment.Pod, NamespaceProperty = E2eScenario.Namespace, Uid = assignment.PodUid },
            Type = "Normal",
            Reason = "Scheduled",
            Message = $"Successfully assigned {E2eScenario.Namespace}/{assignment.Pod} to {assignment.Node}",
            Source = new V1EventSource { Component = schedulerName },
            ReportingComponent = schedulerName,
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
        };
        await client.CoreV1.CreateNamespacedEventAsync(scheduled, E2eScenario.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
