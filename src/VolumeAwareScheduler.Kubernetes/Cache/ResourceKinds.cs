using System.Collections.Frozen;
using k8s;
using k8s.Models;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Kubernetes.Conversion;

namespace VolumeAwareScheduler.Kubernetes.Cache;

/// <summary>
/// The kinds the live cluster lists and watches, each registered once (<see cref="KindRegistration"/>): adding a kind
/// is one entry here, and every step (informer, conversion, apply, remove, relist) follows from it.
/// </summary>
public static class ResourceKinds
{
    public static readonly KindRegistration Node = new KindRegistration<V1Node, V1NodeList, NodeInfo>
    {
        Of = ResourceKind.Node,
        List = c => (token, limit, ct) => c.CoreV1.ListNodeAsync(continueParameter: token, limit: limit, cancellationToken: ct),
        Watch = c => (rv, t, e, ct) => c.CoreV1.WatchListNodeAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
        ToInfo = Converter.ToNode,
        UpsertInfo = (s, n) => s.UpsertNode(n),
        RemoveKey = (s, k) => s.RemoveNode(k.Name),
        StateKeys = s => s.Nodes.Select(n => ObjectKey.Cluster(n.Name)),
    };

    public static readonly KindRegistration PersistentVolume = new KindRegistration<V1PersistentVolume, V1PersistentVolumeList, VolumeInfo>
    {
        Of = ResourceKind.PersistentVolume,
        Keep = RawForm.Json,
        List = c => (token, limit, ct) => c.CoreV1.ListPersistentVolumeAsync(continueParameter: token, limit: limit, cancellationToken: ct),
        Watch = c => (rv, t, e, ct) => c.CoreV1.WatchListPersistentVolumeAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
        ToInfo = Converter.ToVolume,
        UpsertInfo = (s, v) => s.Volumes.Upsert(v),
        RemoveKey = (s, k) => s.Volumes.Remove(k.Name),
        StateKeys = s => s.Volumes.Names.Select(ObjectKey.Cluster),
    };

    public static readonly KindRegistration PersistentVolumeClaim = new KindRegistration<V1PersistentVolumeClaim, V1PersistentVolumeClaimList, ClaimInfo>
    {
        Of = ResourceKind.PersistentVolumeClaim,
        Keep = RawForm.Json,
        Namespaced = true,
        List = c => (token, limit, ct) => c.CoreV1.ListPersistentVolumeClaimForAllNamespacesAsync(continueParameter: token, limit: limit, cancellationToken: ct),
        Watch = c => (rv, t, e, ct) => c.CoreV1.WatchListPersistentVolumeClaimForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
        ToInfo = claim => Converter.ToClaim(claim),
        UpsertInfo = (s, c) => s.UpsertClaim(c),
        RemoveKey = (s, k) => s.RemoveClaim(k),
        StateKeys = s => s.Claims.Select(c => c.Key),
    };

    /// <summary>Pods that finished (Succeeded, Failed) hold no resources and no claims: they are left out of the state.</summary>
    public static readonly KindRegistration Pod = new KindRegistration<V1Pod, V1PodList, PodInfo>
    {
        Of = ResourceKind.Pod,
        Keep = RawForm.Object,
        PublishWhenUnconvertible = true,
        Namespaced = true,
        List = c => (token, limit, ct) => c.CoreV1.ListPodForAllNamespacesAsync(continueParameter: token, limit: limit, cancellationToken: ct),
        Watch = c => (rv, t, e, ct) => c.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
        ToInfo = pod => IsFinished(pod) ? null : Converter.ToPod(pod),
        UpsertInfo = (s, p) => s.UpsertPod(p),
        RemoveKey = (s, k) => s.RemovePod(k),
        StateKeys = s => s.Pods.Select(p => p.Key),
    };

    public static readonly KindRegistration StorageClass = new KindRegistration<V1StorageClass, V1StorageClassList, StorageClassInfo>
    {
        Of = ResourceKind.StorageClass,
        List = c => (token, limit, ct) => c.StorageV1.ListStorageClassAsync(continueParameter: token, limit: limit, cancellationToken: ct),
        Watch = c => (rv, t, e, ct) => c.StorageV1.WatchListStorageClassAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
        ToInfo = Converter.ToStorageClass,
        UpsertInfo = (s, c) => s.UpsertStorageClass(c),
        RemoveKey = (s, k) => s.RemoveStorageClass(k.Name),
        StateKeys = s => s.StorageClasses.Select(c => ObjectKey.Cluster(c.Name)),
    };

    public static readonly KindRegistration CSIDriver = new KindRegistration<V1CSIDriver, V1CSIDriverList, CsiDriverInfo>
    {
        Of = ResourceKind.CSIDriver,
        List = c => (token, limit, ct) => c.StorageV1.ListCSIDriverAsync(continueParameter: token, limit: limit, cancellationToken: ct),
        Watch = c => (rv, t, e, ct) => c.StorageV1.WatchListCSIDriverAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
        ToInfo = Converter.ToCsiDriver,
        UpsertInfo = (s, d) => s.UpsertCsiDriver(d),
        RemoveKey = (s, k) => s.RemoveCsiDriver(k.Name),
        StateKeys = s => s.CsiDrivers.Select(d => ObjectKey.Cluster(d.Name)),
    };

    /// <summary>CSINodes: the per-driver volume limits NodeVolumeLimits reads.</summary>
    public static readonly KindRegistration CSINode = new KindRegistration<V1CSINode, V1CSINodeList, CsiNodeInfo>
    {
        Of = ResourceKind.CSINode,
        List = c => (token, limit, ct) => c.StorageV1.ListCSINodeAsync(continueParameter: token, limit: limit, cancellationToken: ct),
        Watch = c => (rv, t, e, ct) => c.StorageV1.WatchListCSINodeAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
        ToInfo = Converter.ToCsiNode,
        UpsertInfo = (s, n) => s.UpsertCsiNode(n),
        RemoveKey = (s, k) => s.RemoveCsiNode(k.Name),
        StateKeys = s => s.CsiNodes.Select(n => ObjectKey.Cluster(n.NodeName)),
    };

    public static readonly KindRegistration CSIStorageCapacity = new KindRegistration<V1CSIStorageCapacity, V1CSIStorageCapacityList, CsiStorageCapacityInfo>
    {
        Of = ResourceKind.CSIStorageCapacity,
        Namespaced = true,
        List = c => (token, limit, ct) => c.StorageV1.ListCSIStorageCapacityForAllNamespacesAsync(continueParameter: token, limit: limit, cancellationToken: ct),
        Watch = c => (rv, t, e, ct) => c.StorageV1.WatchListCSIStorageCapacityForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
        ToInfo = capacity => Converter.ToCapacity(capacity),
        UpsertInfo = (s, c) => s.UpsertCapacity(c),
        RemoveKey = (s, k) => s.RemoveCapacity(k),
        StateKeys = s => s.Capacities.Select(c => c.Key),
    };

    /// <summary>Namespaces and their labels: pod affinity's namespaceSelector.</summary>
    public static readonly KindRegistration Namespace = new KindRegistration<V1Namespace, V1NamespaceList, NamespaceInfo>
    {
        Of = ResourceKind.Namespace,
        List = c => (token, limit, ct) => c.CoreV1.ListNamespaceAsync(continueParameter: token, limit: limit, cancellationToken: ct),
        Watch = c => (rv, t, e, ct) => c.CoreV1.WatchListNamespaceAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
        ToInfo = Converter.ToNamespace,
        UpsertInfo = (s, n) => s.UpsertNamespace(n),
        RemoveKey = (s, k) => s.RemoveNamespace(k.Name),
        StateKeys = s => s.Namespaces.Select(n => ObjectKey.Cluster(n.Name)),
    };

    // The selectors of Services, ReplicationControllers, ReplicaSets and StatefulSets: default topology spreading.
    public static readonly KindRegistration Service = new KindRegistration<V1Service, V1ServiceList, ServiceInfo>
    {
        Of = ResourceKind.Service,
        Namespaced = true,
        List = c => (token, limit, ct) => c.CoreV1.ListServiceForAllNamespacesAsync(continueParameter: token, limit: limit, cancellationToken: ct),
        Watch = c => (rv, t, e, ct) => c.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
        ToInfo = service => Converter.ToService(service),
        UpsertInfo = (s, v) => s.UpsertService(v),
        RemoveKey = (s, k) => s.RemoveService(k),
        StateKeys = s => s.Services.Select(v => v.Key),
    };

    public static readonly KindRegistration ReplicationController = new KindRegistration<V1ReplicationController, V1ReplicationControllerList, ReplicationControllerInfo>
    {
        Of = ResourceKind.ReplicationController,
        Namespaced = true,
        List = c => (token, limit, ct) => c.CoreV1.ListReplicationControllerForAllNamespacesAsync(continueParameter: token, limit: limit, cancellationToken: ct),
        Watch = c => (rv, t, e, ct) => c.CoreV1.WatchListReplicationControllerForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
        ToInfo = controller => Converter.ToReplicationController(controller),
        UpsertInfo = (s, v) => s.UpsertReplicationController(v),
        RemoveKey = (s, k) => s.RemoveReplicationController(k),
        StateKeys = s => s.ReplicationControllers.Select(v => v.Key),
    };

    public static readonly KindRegistration ReplicaSet = new KindRegistration<V1ReplicaSet, V1ReplicaSetList, ReplicaSetInfo>
    {
        Of = ResourceKind.ReplicaSet,
        Namespaced = true,
        List = c => (token, limit, ct) => c.AppsV1.ListReplicaSetForAllNamespacesAsync(continueParameter: token, limit: limit, cancellationToken: ct),
        Watch = c => (rv, t, e, ct) => c.AppsV1.WatchListReplicaSetForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
        ToInfo = replicaSet => Converter.ToReplicaSet(replicaSet),
        UpsertInfo = (s, v) => s.UpsertReplicaSet(v),
        RemoveKey = (s, k) => s.RemoveReplicaSet(k),
        StateKeys = s => s.ReplicaSets.Select(v => v.Key),
    };

    public static readonly KindRegistration StatefulSet = new KindRegistration<V1StatefulSet, V1StatefulSetList, StatefulSetInfo>
    {
        Of = ResourceKind.StatefulSet,
        Namespaced = true,
        List = c => (token, limit, ct) => c.AppsV1.ListStatefulSetForAllNamespacesAsync(continueParameter: token, limit: limit, cancellationToken: ct),
        Watch = c => (rv, t, e, ct) => c.AppsV1.WatchListStatefulSetForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
        ToInfo = statefulSet => Converter.ToStatefulSet(statefulSet),
        UpsertInfo = (s, v) => s.UpsertStatefulSet(v),
        RemoveKey = (s, k) => s.RemoveStatefulSet(k),
        StateKeys = s => s.StatefulSets.Select(v => v.Key),
    };

    /// <summary>policy/v1 PodDisruptionBudgets: preemption reprieves the victims whose eviction would break one first.</summary>
    public static readonly KindRegistration PodDisruptionBudget = new KindRegistration<V1PodDisruptionBudget, V1PodDisruptionBudgetList, PodDisruptionBudgetInfo>
    {
        Of = ResourceKind.PodDisruptionBudget,
        Namespaced = true,
        List = c => (token, limit, ct) => c.PolicyV1.ListPodDisruptionBudgetForAllNamespacesAsync(continueParameter: token, limit: limit, cancellationToken: ct),
        Watch = c => (rv, t, e, ct) => c.PolicyV1.WatchListPodDisruptionBudgetForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: e, cancellationToken: ct),
        ToInfo = Converter.ToPodDisruptionBudget,
        UpsertInfo = (s, b) => s.UpsertPodDisruptionBudget(b),
        RemoveKey = (s, k) => s.RemovePodDisruptionBudget(k),
        StateKeys = s => s.PodDisruptionBudgets.Select(b => b.Key),
    };

    /// <summary>Every registered kind, in the order the informers start.</summary>
    public static readonly IReadOnlyList<KindRegistration> All =
        [Node, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass, CSIDriver, CSINode, CSIStorageCapacity, Namespace, Service, ReplicationController, ReplicaSet, StatefulSet, PodDisruptionBudget];

    public static readonly FrozenDictionary<ResourceKind, KindRegistration> ByKind = All.ToFrozenDictionary(k => k.Kind);

    public static bool IsFinished(V1Pod pod) => pod.Status?.Phase is "Succeeded" or "Failed";
}
