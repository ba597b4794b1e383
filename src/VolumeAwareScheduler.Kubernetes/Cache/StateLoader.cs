using k8s;
using k8s.Models;
using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.State;
using VolumeAwareScheduler.Kubernetes.Conversion;
using VolumeAwareScheduler.Kubernetes.Manifests;

namespace VolumeAwareScheduler.Kubernetes.Cache;

/// <summary>
/// A <see cref="ClusterState"/> of the objects the invariants speak of (nodes, PVs, claims, pods), exactly as they
/// are: from a YAML dump, or listed once from an API server. Nothing is settled, defaulted or created on the way
/// (unlike the simulator's loader), so what is checked is what is stored.
/// </summary>
public static class StateLoader
{
    private const int PageSize = 500;

    /// <summary>The dump's nodes, PVs, claims and pods; throws <see cref="ManifestException"/> naming the object that does not convert.</summary>
    public static ClusterState FromManifests(IReadOnlyList<ManifestObject> objects, string source)
    {
        var state = new ClusterState(new LinearVolumeIndex());
        foreach (var obj in objects)
        {
            try
            {
                Apply(state, obj.Model);
            }
            catch (ConversionException e)
            {
                throw new ManifestException($"{source}: {obj.Describe()}: {e.Message}.");
            }
        }
        return state;
    }

    /// <summary>
    /// Lists nodes, PVs, claims and pods once (paged). An object that does not convert is left out and described in
    /// <paramref name="skipped"/>: a live cluster is not bad input.
    /// </summary>
    public static async Task<ClusterState> ListAsync(IKubernetes client, List<string> skipped, CancellationToken cancellationToken)
    {
        QuantityJson.Install();
        var state = new ClusterState(new LinearVolumeIndex());
        await ListAllAsync(c => client.CoreV1.ListNodeAsync(continueParameter: c, limit: PageSize, cancellationToken: cancellationToken),
            l => (l.Items, l.Metadata?.ContinueProperty), state, skipped).ConfigureAwait(false);
        await ListAllAsync(c => client.CoreV1.ListPersistentVolumeAsync(continueParameter: c, limit: PageSize, cancellationToken: cancellationToken),
            l => (l.Items, l.Metadata?.ContinueProperty), state, skipped).ConfigureAwait(false);
        await ListAllAsync(c => client.CoreV1.ListPersistentVolumeClaimForAllNamespacesAsync(continueParameter: c, limit: PageSize, cancellationToken: cancellationToken),
            l => (l.Items, l.Metadata?.ContinueProperty), state, skipped).ConfigureAwait(false);
        await ListAllAsync(c => client.CoreV1.ListPodForAllNamespacesAsync(continueParameter: c, limit: PageSize, cancellationToken: cancellationToken),
            l => (l.Items, l.Metadata?.ContinueProperty), state, skipped).ConfigureAwait(false);
        return state;
    }

    private static async Task ListAllAsync<TList, TItem>(Func<string?, Task<TList>> list, Func<TList, (IList<TItem> Items, string? Continue)> page, ClusterState state, List<string> skipped)
        where TItem : IKubernetesObject<V1ObjectMeta>
    {
        string? next = null;
        do
        {
            var (items, token) = page(await list(next).ConfigureAwait(false));
            foreach (var item in items ?? [])
            {
                try
                {
                    Apply(state, item);
                }
                catch (ConversionException e)
                {
                    skipped.Add($"{item.Kind ?? typeof(TItem).Name} {item.Namespace()}/{item.Name()}: {e.Message}");
                }
            }
            next = string.IsNullOrEmpty(token) ? null : token;
        }
        while (next is not null);
    }

    private static void Apply(ClusterState state, object model)
    {
        switch (model)
        {
            case V1Node node: state.UpsertNode(Converter.ToNode(node)); break;
            case V1PersistentVolume volume: state.Volumes.Upsert(Converter.ToVolume(volume)); break;
            case V1PersistentVolumeClaim claim: state.UpsertClaim(Converter.ToClaim(claim)); break;
            // As the informers do: a finished pod holds no claims.
            case V1Pod pod when !ResourceKinds.IsFinished(pod): state.UpsertPod(Converter.ToPod(pod)); break;
        }
    }
}
