namespace VolumeAwareScheduler.ApiEmulator.OpenApi;

/// <summary>
/// The strategic-merge tags of the list fields in the kinds we serve, keyed by Go type and JSON field name, as
/// declared in k8s.io/api (core/v1, apps/v1, policy/v1, storage/v1 types.go) and k8s.io/apimachinery
/// (meta/v1 types.go) at v1.37. Fields not listed are atomic: a patch replaces them whole.
/// </summary>
internal static class PatchStrategies
{
    private static readonly Dictionary<(string GoType, string Field), ListPatch> Table = new()
    {
        [("ObjectMeta", "finalizers")] = Set(),
        [("ObjectMeta", "ownerReferences")] = Merge("uid"),
        [("PodSpec", "volumes")] = MergeRetainingKeys("name"),
        [("PodSpec", "initContainers")] = Merge("name"),
        [("PodSpec", "containers")] = Merge("name"),
        [("PodSpec", "ephemeralContainers")] = Merge("name"),
        [("PodSpec", "imagePullSecrets")] = Merge("name"),
        [("PodSpec", "hostAliases")] = Merge("ip"),
        [("PodSpec", "topologySpreadConstraints")] = Merge("topologyKey", "topologyKey", "whenUnsatisfiable"),
        [("PodSpec", "schedulingGates")] = Merge("name"),
        [("PodSpec", "resourceClaims")] = MergeRetainingKeys("name"),
        [("Container", "ports")] = Merge("containerPort", "containerPort", "protocol"),
        [("Container", "env")] = Merge("name"),
        [("Container", "volumeMounts")] = Merge("mountPath"),
        [("Container", "volumeDevices")] = Merge("devicePath"),
        [("EphemeralContainer", "ports")] = Merge("containerPort", "containerPort", "protocol"),
        [("EphemeralContainer", "env")] = Merge("name"),
        [("EphemeralContainer", "volumeMounts")] = Merge("mountPath"),
        [("EphemeralContainer", "volumeDevices")] = Merge("devicePath"),
        [("ContainerStatus", "volumeMounts")] = Merge("mountPath"),
        [("PodStatus", "conditions")] = Merge("type"),
        [("PodStatus", "hostIPs")] = Merge("ip"),
        [("PodStatus", "podIPs")] = Merge("ip"),
        [("PodStatus", "resourceClaimStatuses")] = MergeRetainingKeys("name"),
        [("PersistentVolumeClaimStatus", "conditions")] = Merge("type"),
        [("NodeSpec", "podCIDRs")] = Set(),
        [("NodeStatus", "conditions")] = Merge("type"),
        [("NodeStatus", "addresses")] = Merge("type"),
        [("NamespaceStatus", "conditions")] = Merge("type"),
        [("ServiceSpec", "ports")] = Merge("port", "port", "protocol"),
        [("ServiceStatus", "conditions")] = Merge("type"),
        [("StatefulSetStatus", "conditions")] = Merge("type"),
        [("ReplicaSetStatus", "conditions")] = Merge("type"),
        [("PodDisruptionBudgetStatus", "conditions")] = Merge("type"),
        [("CSINodeSpec", "drivers")] = Merge("name"),
    };

    /// <summary>The tags of <paramref name="field"/> of the Go type <paramref name="goType"/>, or null when atomic.</summary>
    public static ListPatch? Find(string goType, string field) => Table.GetValueOrDefault((goType, field));

    private static ListPatch Merge(string key, params string[] mapKeys) =>
        new("merge", key, "map", mapKeys.Length == 0 ? [key] : mapKeys);

    private static ListPatch MergeRetainingKeys(string key) => new("merge,retainKeys", key, "map", [key]);

    private static ListPatch Set() => new("merge", null, "set", []);
}
