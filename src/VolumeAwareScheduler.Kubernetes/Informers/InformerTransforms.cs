using k8s;
using k8s.Models;

namespace VolumeAwareScheduler.Kubernetes.Informers;

/// <summary>What the informers change in every object before the cache keeps it.</summary>
public static class InformerTransforms
{
    /// <summary>
    /// Drops <c>metadata.managedFields</c>, as kube-scheduler's informers do (client-go tools/cache
    /// TransformStripManagedFields): server-side-apply bookkeeping nothing here reads, often larger than the rest of the
    /// object, kept for every PV, claim and pod. Safe for the writers' updates: a PUT without managedFields leaves the
    /// server's entries as they are.
    /// </summary>
    public static T StripManagedFields<T>(T obj)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        if (obj.Metadata is { ManagedFields: not null } metadata) metadata.ManagedFields = null;
        return obj;
    }
}
