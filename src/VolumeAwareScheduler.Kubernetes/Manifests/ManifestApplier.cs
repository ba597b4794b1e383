using k8s;
using k8s.Models;

namespace VolumeAwareScheduler.Kubernetes.Manifests;

/// <summary>Creates manifest objects through the API, as `kubectl create -f` would (namespaced objects default to "default").</summary>
public static class ManifestApplier
{
    /// <summary>Whether <see cref="CreateAsync"/> can create this object; the others are to be reported with <see cref="IgnoredObjects"/>.</summary>
    public static bool CanCreate(ManifestObject manifest) => manifest.Model is not UntypedObject;

    public static async Task CreateAsync(IKubernetes client, ManifestObject manifest, CancellationToken cancellationToken)
    {
        static string Ns(IMetadata<V1ObjectMeta> o) => string.IsNullOrEmpty(o.Metadata?.NamespaceProperty) ? "default" : o.Metadata.NamespaceProperty;
        switch (manifest.Model)
        {
            case V1Namespace ns: await client.CoreV1.CreateNamespaceAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false); break;
            case V1Node node: await client.CoreV1.CreateNodeAsync(node, cancellationToken: cancellationToken).ConfigureAwait(false); break;
            case V1PersistentVolume pv: await client.CoreV1.CreatePersistentVolumeAsync(pv, cancellationToken: cancellationToken).ConfigureAwait(false); break;
            case V1PersistentVolumeClaim pvc: await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(pvc, Ns(pvc), cancellationToken: cancellationToken).ConfigureAwait(false); break;
            case V1Pod pod: await client.CoreV1.CreateNamespacedPodAsync(pod, Ns(pod), cancellationToken: cancellationToken).ConfigureAwait(false); break;
            case V1StorageClass sc: await client.StorageV1.CreateStorageClassAsync(sc, cancellationToken: cancellationToken).ConfigureAwait(false); break;
            case V1CSIDriver driver: await client.StorageV1.CreateCSIDriverAsync(driver, cancellationToken: cancellationToken).ConfigureAwait(false); break;
            case V1CSINode csiNode: await client.StorageV1.CreateCSINodeAsync(csiNode, cancellationToken: cancellationToken).ConfigureAwait(false); break;
            case V1CSIStorageCapacity capacity: await client.StorageV1.CreateNamespacedCSIStorageCapacityAsync(capacity, Ns(capacity), cancellationToken: cancellationToken).ConfigureAwait(false); break;
            case V1StatefulSet sts: await client.AppsV1.CreateNamespacedStatefulSetAsync(sts, Ns(sts), cancellationToken: cancellationToken).ConfigureAwait(false); break;
            case V1Service service: await client.CoreV1.CreateNamespacedServiceAsync(service, Ns(service), cancellationToken: cancellationToken).ConfigureAwait(false); break;
            case V1ReplicationController rc: await client.CoreV1.CreateNamespacedReplicationControllerAsync(rc, Ns(rc), cancellationToken: cancellationToken).ConfigureAwait(false); break;
            case V1ReplicaSet rs: await client.AppsV1.CreateNamespacedReplicaSetAsync(rs, Ns(rs), cancellationToken: cancellationToken).ConfigureAwait(false); break;
            default: throw new ManifestException($"{manifest.Describe()}: {manifest.Kind} cannot be created.");
        }
    }
}
