using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Kubernetes.Conversion;

namespace VolumeAwareScheduler.Kubernetes.Writers;

/// <summary>Why a write did not land: a conflict (our view was stale), a missing object, or a refusal.</summary>
public sealed class WriteFailedException(string message, bool isConflict) : Exception(message)
{
    public bool IsConflict { get; } = isConflict;
}

/// <summary>
/// The API writes of binding, each with a resourceVersion precondition so a stale view fails instead of
/// overwriting (BindPodVolumes in volumebinding/binder.go, then the pod binding). A 409 is never retried
/// blindly: the caller reverts its assumption and decides again. A 403 names the RBAC rule that is missing.
/// As the framework's <see cref="IBindingClient"/> it is what VolumeBinding's PreBind and DefaultBinder write through.
/// </summary>
public sealed class ApiWriter(IKubernetes client, ClusterCache cache, TimeProvider time) : IBindingClient
{
    private readonly EventCorrelator _events = new(time);

    /// <summary>
    /// BindPodVolumes, as kube-scheduler's VolumeBinding PreBind does: static PVs get their claimRef, claims to provision
    /// the selected-node annotation; the PV controller's completion is awaited by watching the cache. A failure
    /// (conflict, refusal, the bind timeout, the API unreachable) is answered, not thrown.
    /// <para>
    /// Beyond upstream, a binding that fails half-way is rolled back before the answer: each PV this call prebound is
    /// released, and each claim it annotated loses the selected-node annotation, unless the PV controller or the
    /// provisioner has acted on it since (then the binding completes and the pod follows its volume). Upstream leaves
    /// the writes in place, and the pod can be pinned to a node that no longer fits it (kubernetes/kubernetes#73263).
    /// </para>
    /// </summary>
    public ValueTask<WriteOutcome> BindPodVolumesAsync(PodInfo pod, string nodeName, PodVolumes volumes, TimeSpan bindTimeout, CancellationToken cancellationToken) =>
        Answer(() => WriteVolumesAsync(nodeName, volumes, bindTimeout, cancellationToken));

    /// <summary>DefaultBinder's Binding, answered rather than thrown.</summary>
    public ValueTask<WriteOutcome> BindPodAsync(PodInfo pod, string nodeName, CancellationToken cancellationToken) =>
        Answer(() => CreateBindingAsync(pod.Key, pod.Uid, nodeName, cancellationToken));

    private async Task WriteVolumesAsync(string nodeName, PodVolumes volumes, TimeSpan bindTimeout, CancellationToken cancellationToken)
    {
        var prebound = new List<V1PersistentVolume>();
        var annotated = new List<V1PersistentVolumeClaim>();
        try
        {
            foreach (var binding in volumes.StaticBindings) prebound.Add(await BindVolumeAsync(binding, cancellationToken).ConfigureAwait(false));
            foreach (var claim in volumes.DynamicProvisions) annotated.Add(await SelectNodeAsync(claim, nodeName, cancellationToken).ConfigureAwait(false));
            var claims = volumes.StaticBindings.Select(b => b.Claim.Key).Concat(volumes.DynamicProvisions.Select(c => c.Key)).ToList();
            if (claims.Count > 0 && !await WaitForClaimsBoundAsync(claims, bindTimeout, cancellationToken).ConfigureAwait(false))
                throw new WriteFailedException($"volume binding did not complete within {bindTimeout.TotalSeconds:0}s", isConflict: false);
        }
        catch (Exception e) when ((prebound.Count > 0 || annotated.Count > 0) && e is WriteFailedException or HttpOperationException or HttpRequestException or IOException or OperationCanceledException)
        {
            await RollBackAsync(prebound, annotated).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A write's failure as an answer: what the API said (a conflict, a refusal), or that it could not be reached.</summary>
    private static async ValueTask<WriteOutcome> Answer(Func<Task> write)
    {
        try
        {
            await write().ConfigureAwait(false);
            return WriteOutcome.Ok;
        }
        catch (WriteFailedException e)
        {
            return WriteOutcome.Fail(e.Message);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException)
        {
            return WriteOutcome.Fail($"API request failed: {e.Message}");
        }
        catch (OperationCanceledException e)
        {
            return WriteOutcome.Fail(e.Message);
        }
    }

    /// <summary>How long a rollback may take; it runs even when the binding was cancelled.</summary>
    private static readonly TimeSpan RollbackTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Undoes this binding's writes that nothing has touched since: each written object, as the API returned it, goes
    /// back without the claimRef (and the bound-by-controller annotation) or the selected-node annotation, with its
    /// resourceVersion as precondition. A 409 means the PV controller (or the provisioner) has moved on with it since:
    /// the binding is then being completed, and it is left to complete. Best effort, bounded in time.
    /// </summary>
    public async Task RollBackAsync(IReadOnlyList<V1PersistentVolume> prebound, IReadOnlyList<V1PersistentVolumeClaim> annotated)
    {
        using var timeout = new CancellationTokenSource(RollbackTimeout, time);
        var token = timeout.Token;
        foreach (var volume in prebound)
        {
            try
            {
                volume.Spec.ClaimRef = null;
                volume.Metadata.Annotations?.Remove(Converter.AnnBoundByController);
                await client.CoreV1.ReplacePersistentVolumeAsync(volume, volume.Name(), cancellationToken: token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException or OperationCanceledException)
            {
                // Left prebound: the PV controller binds it to its claim, and the pod follows its volume.
            }
        }
        foreach (var claim in annotated)
        {
            try
            {
                claim.Metadata.Annotations?.Remove(Converter.AnnSelectedNode);
                await client.CoreV1.ReplaceNamespacedPersistentVolumeClaimAsync(claim, claim.Name(), claim.Namespace(), cancellationToken: token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException or OperationCanceledException)
            {
                // Left annotated: provisioning goes on for that node.
            }
        }
    }

    /// <summary>Prebinds a PV to a claim: spec.claimRef (with uid) and the bound-by-controller annotation, as GetBindVolumeToClaim does.</summary>
    /// <returns>The PV as the API wrote it.</returns>
    public async Task<V1PersistentVolume> BindVolumeAsync(BindingInfo binding, CancellationToken cancellationToken)
    {
        // A fresh copy from the cache, ours to change.
        var updated = cache.GetVolumeObject(binding.Volume.Name) ?? throw new WriteFailedException($"persistentvolume \"{binding.Volume.Name}\" is gone", isConflict: true);
        updated.Spec.ClaimRef = new V1ObjectReference
        {
            ApiVersion = "v1",
            Kind = "PersistentVolumeClaim",
            NamespaceProperty = binding.Claim.Key.Namespace,
            Name = binding.Claim.Key.Name,
            Uid = binding.Claim.Uid,
        };
        updated.Metadata.Annotations ??= new Dictionary<string, string>();
        updated.Metadata.Annotations[Converter.AnnBoundByController] = "yes";
        return await Call("update", "persistentvolumes", () => client.CoreV1.ReplacePersistentVolumeAsync(updated, updated.Name(), cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Starts provisioning: the volume.kubernetes.io/selected-node annotation on the claim.</summary>
    /// <returns>The claim as the API wrote it.</returns>
    public async Task<V1PersistentVolumeClaim> SelectNodeAsync(ClaimInfo claim, string nodeName, CancellationToken cancellationToken)
    {
        // A fresh copy from the cache, ours to change.
        var updated = cache.GetClaimObject(claim.Key) ?? throw new WriteFailedException($"persistentvolumeclaim \"{claim.Key}\" is gone", isConflict: true);
        updated.Metadata.Annotations ??= new Dictionary<string, string>();
        updated.Metadata.Annotations[Converter.AnnSelectedNode] = nodeName;
        return await Call("update", "persistentvolumeclaims", () => client.CoreV1.ReplaceNamespacedPersistentVolumeClaimAsync(updated, updated.Name(), updated.Namespace(), cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Waits, by watching the cache, until every claim is fully bound; false on timeout.</summary>
    public Task<bool> WaitForClaimsBoundAsync(IEnumerable<ObjectKey> claims, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var keys = claims.ToArray();
        return cache.WaitForAsync(c => c.Read(s => keys.All(k => s.GetClaim(k)?.IsFullyBound == true)), timeout, time, cancellationToken);
    }

    /// <summary>Binds the pod; the Binding carries the pod's uid so a re-created pod of the same name is never bound by mistake.</summary>
    private async Task CreateBindingAsync(ObjectKey pod, string uid, string nodeName, CancellationToken cancellationToken)
    {
        var binding = new V1Binding
        {
            Metadata = new V1ObjectMeta { Name = pod.Name, NamespaceProperty = pod.Namespace, Uid = uid },
            Target = new V1ObjectReference { ApiVersion = "v1", Kind = "Node", Name = nodeName },
        };
        await Call("create", "pods/binding", () => client.CoreV1.CreateNamespacedPodBindingAsync(binding, pod.Name, pod.Namespace, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// A core/v1 Event about the pod, as kube-scheduler records FailedScheduling and Scheduled, through client-go's
    /// correlation (<see cref="EventCorrelator"/>): an event identical to an earlier one raises that one's count instead
    /// of adding another, similar ones are combined, and a flood about one pod is cut down.
    /// </summary>
    public Task RecordEventAsync(ObjectKey pod, string uid, string type, string reason, string message, string component, CancellationToken cancellationToken) =>
        RecordEventAsync(new V1ObjectReference { ApiVersion = "v1", Kind = "Pod", Name = pod.Name, NamespaceProperty = pod.Namespace, Uid = uid },
            type, reason, message, component, cancellationToken);

    /// <summary>
    /// A core/v1 Event about any object, correlated as <see cref="RecordEventAsync(ObjectKey, string, string, string, string, string, CancellationToken)"/>;
    /// one about a cluster-scoped object (a PV) goes to "default", as client-go records it.
    /// </summary>
    public async Task RecordEventAsync(V1ObjectReference involved, string type, string reason, string message, string component, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var ns = string.IsNullOrEmpty(involved.NamespaceProperty) ? "default" : involved.NamespaceProperty;
        var evt = new Corev1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = involved.Name + ".", NamespaceProperty = ns },
            InvolvedObject = involved,
            Type = type,
            Reason = reason,
            Message = message,
            Source = new V1EventSource { Component = component },
            ReportingComponent = component,
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
        };
        var correlation = _events.Correlate(evt);
        if (correlation.Skip) return;
        if (correlation.ExistingName is { } name)
        {
            // recordEvent: patch the stored event; when it is gone, create it afresh.
            var body = System.Text.Json.JsonSerializer.Serialize(new
            {
                count = correlation.Event.Count,
                lastTimestamp = now.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                message = correlation.Event.Message,
            });
            try
            {
                var patched = await Call("patch", "events", () => client.CoreV1.PatchNamespacedEventAsync(new V1Patch(body, V1Patch.PatchType.StrategicMergePatch), name, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
                _events.Recorded(correlation.Key, patched);
                return;
            }
            catch (WriteFailedException e) when (e.IsConflict)
            {
                // Gone (deleted, or expired by the server's event TTL): created again under its name with its count.
                _events.Forget(correlation.Key);
            }
        }
        var created = await Call("create", "events", () => client.CoreV1.CreateNamespacedEventAsync(correlation.Event, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
        _events.Recorded(correlation.Key, created);
    }

    /// <summary>PodScheduled=False, reason Unschedulable, with the FitError message (what kube-scheduler writes).</summary>
    public async Task MarkUnschedulableAsync(ObjectKey pod, string message, CancellationToken cancellationToken)
    {
        var condition = new Dictionary<string, string>
        {
            ["type"] = "PodScheduled",
            ["status"] = "False",
            ["reason"] = "Unschedulable",
            ["message"] = message,
            ["lastTransitionTime"] = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        };
        var body = System.Text.Json.JsonSerializer.Serialize(new { status = new { conditions = new[] { condition } } });
        var patch = new V1Patch(body,
            V1Patch.PatchType.StrategicMergePatch);
        await Call("patch", "pods/status", () => client.CoreV1.PatchNamespacedPodStatusAsync(patch, pod.Name, pod.Namespace, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// status.nominatedNodeName of the pod, set or (with "") cleared, as kube-scheduler's updatePod patches it
    /// (preemption's nomination; KEP-5278's nomination while the binding cycle works).
    /// </summary>
    public async Task SetNominatedNodeNameAsync(ObjectKey pod, string nodeName, CancellationToken cancellationToken)
    {
        var body = System.Text.Json.JsonSerializer.Serialize(new { status = new { nominatedNodeName = nodeName.Length == 0 ? null : nodeName } });
        var patch = new V1Patch(body, V1Patch.PatchType.MergePatch);
        await Call("patch", "pods/status", () => client.CoreV1.PatchNamespacedPodStatusAsync(patch, pod.Name, pod.Namespace, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// The DisruptionTarget condition preemption puts on a victim before removing it (preemption/executor.go PreemptPod):
    /// status True, reason PreemptionByScheduler. False when the pod is already gone.
    /// </summary>
    public async Task<bool> MarkDisruptionTargetAsync(ObjectKey pod, string reason, string message, CancellationToken cancellationToken)
    {
        var condition = new Dictionary<string, string>
        {
            ["type"] = "DisruptionTarget",
            ["status"] = "True",
            ["reason"] = reason,
            ["message"] = message,
            ["lastTransitionTime"] = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        };
        var body = System.Text.Json.JsonSerializer.Serialize(new { status = new { conditions = new[] { condition } } });
        var patch = new V1Patch(body, V1Patch.PatchType.StrategicMergePatch);
        try
        {
            await Call("patch", "pods/status", () => client.CoreV1.PatchNamespacedPodStatusAsync(patch, pod.Name, pod.Namespace, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return true;
        }
        catch (WriteFailedException e) when (e.Message.StartsWith("not found", StringComparison.Ordinal))
        {
            return false;
        }
    }

    /// <summary>
    /// Evicts the pod through the policy/v1 Eviction subresource (the pod's own grace period; its uid as precondition),
    /// so that the API server checks its PodDisruptionBudgets. A 429 (a budget allows no disruption now) is answered,
    /// not thrown; a pod already gone counts as evicted.
    /// </summary>
    public async Task<EvictionResult> EvictPodAsync(ObjectKey pod, string uid, CancellationToken cancellationToken)
    {
        var eviction = new V1Eviction
        {
            Metadata = new V1ObjectMeta { Name = pod.Name, NamespaceProperty = pod.Namespace },
            DeleteOptions = new V1DeleteOptions { Preconditions = uid.Length == 0 ? null : new V1Preconditions { Uid = uid } },
        };
        try
        {
            await Call("create", "pods/eviction", () => client.CoreV1.CreateNamespacedPodEvictionAsync(eviction, pod.Name, pod.Namespace, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return EvictionResult.Evicted;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            return EvictionResult.DisruptionBudgetExhausted;
        }
        catch (WriteFailedException e) when (e.Message.StartsWith("not found", StringComparison.Ordinal))
        {
            return EvictionResult.Gone;
        }
    }

    /// <summary>Deletes the pod with its own grace period (util.DeletePod), its uid as precondition; a pod already gone is not an error.</summary>
    public async Task DeletePodAsync(ObjectKey pod, string uid, CancellationToken cancellationToken)
    {
        var options = new V1DeleteOptions { Preconditions = uid.Length == 0 ? null : new V1Preconditions { Uid = uid } };
        try
        {
            await Call("delete", "pods", () => client.CoreV1.DeleteNamespacedPodAsync(pod.Name, pod.Namespace, options, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        catch (WriteFailedException e) when (e.Message.StartsWith("not found", StringComparison.Ordinal))
        {
            // already deleted
        }
    }

    private static async Task<T> Call<T>(string verb, string resource, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            throw new WriteFailedException($"conflict on {verb} {resource}: {Message(e)}", isConflict: true);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new WriteFailedException($"forbidden: the service account needs RBAC verb \"{verb}\" on \"{resource}\" ({Message(e)})", isConflict: false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new WriteFailedException($"not found on {verb} {resource}: {Message(e)}", isConflict: true);
        }
    }

    private static string Message(HttpOperationException e)
    {
        try
        {
            return k8s.KubernetesJson.Deserialize<V1Status>(e.Response.Content)?.Message ?? e.Message;
        }
        catch (System.Text.Json.JsonException)
        {
            return e.Message;
        }
    }
}
