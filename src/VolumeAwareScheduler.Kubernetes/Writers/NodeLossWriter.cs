using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Kubernetes.Writers;

/// <summary>
/// The API calls of the node-loss policy: a live look-up of the node before anything is deleted, the claim delete with
/// the claim's uid and resourceVersion as preconditions (so a claim that changed since it was read is never deleted;
/// upstream's node cleanup controller checks the uid), and Events on the claim and the PV. A 403 names the RBAC rule.
/// </summary>
public sealed class NodeLossWriter(IKubernetes client, ApiWriter events)
{
    /// <summary>Whether the API server has a node of that name now (a GET, not the cache: the last check before a delete).</summary>
    public async Task<bool> NodeExistsAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await Call("get", "nodes", () => client.CoreV1.ReadNodeAsync(name, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Deletes the claim if it is still the one read: uid and resourceVersion as preconditions.</summary>
    public async Task<ClaimReleaseResult> DeleteClaimAsync(ClaimInfo claim, CancellationToken cancellationToken)
    {
        var options = new V1DeleteOptions
        {
            Preconditions = new V1Preconditions
            {
                Uid = claim.Uid.Length == 0 ? null : claim.Uid,
                ResourceVersion = claim.ResourceVersion.Length == 0 ? null : claim.ResourceVersion,
            },
        };
        try
        {
            await Call("delete", "persistentvolumeclaims",
                () => client.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync(claim.Key.Name, claim.Key.Namespace, options, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return ClaimReleaseResult.Deleted;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return ClaimReleaseResult.Changed;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return ClaimReleaseResult.Gone;
        }
    }

    /// <summary>A core/v1 Event about a claim (in its namespace) or a PV (in "default"), through the scheduler's correlated events.</summary>
    public Task RecordEventAsync(V1ObjectReference involved, string type, string reason, string message, string component, CancellationToken cancellationToken) =>
        events.RecordEventAsync(involved, type, reason, message, component, cancellationToken);

    public static V1ObjectReference ClaimReference(ClaimInfo claim) => new()
    {
        ApiVersion = "v1", Kind = "PersistentVolumeClaim", NamespaceProperty = claim.Key.Namespace, Name = claim.Key.Name, Uid = claim.Uid,
        ResourceVersion = claim.ResourceVersion,
    };

    public static V1ObjectReference VolumeReference(VolumeInfo volume) => new()
    {
        ApiVersion = "v1", Kind = "PersistentVolume", Name = volume.Name, Uid = volume.Uid, ResourceVersion = volume.ResourceVersion,
    };

    private static async Task<T> Call<T>(string verb, string resource, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new WriteFailedException($"forbidden: the service account needs RBAC verb \"{verb}\" on \"{resource}\" ({e.Response.Content})", isConflict: false);
        }
    }
}
