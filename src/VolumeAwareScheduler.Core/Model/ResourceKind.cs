namespace VolumeAwareScheduler.Core.Model;

/// <summary>The kinds of API object the decisions read: typed, so that no code switches on kind names.</summary>
public enum ResourceKind : byte
{
    Node,
    PersistentVolume,
    PersistentVolumeClaim,
    Pod,
    StorageClass,
    CSIDriver,
    CSIStorageCapacity,
    CSINode,
    Namespace,
    Service,
    ReplicaSet,
    StatefulSet,
    ReplicationController,
    PodDisruptionBudget,
    PriorityClass,
}
