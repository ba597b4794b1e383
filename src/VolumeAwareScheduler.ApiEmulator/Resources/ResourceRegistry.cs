namespace VolumeAwareScheduler.ApiEmulator.Resources;

/// <summary>
/// The kinds the emulator serves. Names, short names and scopes match the upstream registry
/// (pkg/registry/*/rest/storage_*.go and the field label conversion funcs in pkg/apis/*/v1/conversion.go).
/// </summary>
internal sealed class ResourceRegistry
{
    private readonly Dictionary<(string GroupVersion, string Plural), ResourceKind> _byPath = [];
    private readonly Dictionary<string, ResourceKind> _byAnyName = new(StringComparer.OrdinalIgnoreCase);

    public ResourceRegistry(IEnumerable<ResourceKind> kinds)
    {
        foreach (var kind in kinds)
        {
            Kinds.Add(kind);
            _byPath.Add((kind.GroupVersion, kind.Plural), kind);
            _byAnyName.TryAdd(kind.Plural, kind);
            _byAnyName.TryAdd(kind.Singular, kind);
            _byAnyName.TryAdd(kind.Kind, kind);
            _byAnyName.TryAdd(kind.QualifiedResource, kind);
            foreach (var shortName in kind.ShortNames)
            {
                _byAnyName.TryAdd(shortName, kind);
            }
        }
    }

    public List<ResourceKind> Kinds { get; } = [];

    /// <summary>Group/versions in the order discovery lists them (core first).</summary>
    public IEnumerable<string> GroupVersions => Kinds.Select(k => k.GroupVersion).Distinct(StringComparer.Ordinal);

    public bool IsServedGroupVersion(string groupVersion) => Kinds.Exists(k => k.GroupVersion == groupVersion);

    public ResourceKind? Find(string groupVersion, string plural) =>
        _byPath.GetValueOrDefault((groupVersion, plural));

    /// <summary>Resolves a plural, singular, kind, short or group-qualified name (case-insensitive).</summary>
    public ResourceKind? Find(string anyName) => _byAnyName.GetValueOrDefault(anyName);

    public ResourceKind? FindByKind(string apiVersion, string kind) =>
        Kinds.Find(k => k.GroupVersion == apiVersion && k.Kind == kind);

    public static ResourceRegistry CreateDefault() => new(
    [
        Core("namespaces", "namespace", "Namespace", namespaced: false, ["ns"], ["status", "finalize"],
            [new("status.phase", "status.phase")]),
        Core("nodes", "node", "Node", namespaced: false, ["no"], ["status"],
            [new("spec.unschedulable", "spec.unschedulable", "false")]),
        Core("pods", "pod", "Pod", namespaced: true, ["po"], ["binding", "eviction", "status"],
            [
                new("spec.nodeName", "spec.nodeName"),
                new("spec.schedulerName", "spec.schedulerName", "default-scheduler"),
                new("spec.serviceAccountName", "spec.serviceAccountName"),
                new("status.phase", "status.phase"),
                new("status.podIP", "status.podIP"),
                new("status.nominatedNodeName", "status.nominatedNodeName"),
            ]),
        Core("replicationcontrollers", "replicationcontroller", "ReplicationController", namespaced: true, ["rc"], ["status"],
            [new("status.replicas", "status.replicas")]),
        Core("persistentvolumes", "persistentvolume", "PersistentVolume", namespaced: false, ["pv"], ["status"], []),
        Core("persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", namespaced: true, ["pvc"], ["status"], []),
        Core("events", "event", "Event", namespaced: true, ["ev"], [],
            [
                new("involvedObject.kind", "involvedObject.kind"),
                new("involvedObject.namespace", "involvedObject.namespace"),
                new("involvedObject.name", "involvedObject.name"),
                new("involvedObject.uid", "involvedObject.uid"),
                new("involvedObject.apiVersion", "involvedObject.apiVersion"),
                new("involvedObject.resourceVersion", "involvedObject.resourceVersion"),
                new("involvedObject.fieldPath", "involvedObject.fieldPath"),
                new("reason", "reason"),
                new("reportingComponent", "reportingComponent"),
                new("source", "source.component"),
                new("type", "type"),
            ]),
        Group("storage.k8s.io", "storageclasses", "storageclass", "StorageClass", namespaced: false, ["sc"], []),
        Group("storage.k8s.io", "csidrivers", "csidriver", "CSIDriver", namespaced: false, [], []),
        Group("storage.k8s.io", "csinodes", "csinode", "CSINode", namespaced: false, [], []),
        Group("storage.k8s.io", "csistoragecapacities", "csistoragecapacity", "CSIStorageCapacity", namespaced: true, [], []),
        Group("coordination.k8s.io", "leases", "lease", "Lease", namespaced: true, [], []),
        Group("apps", "statefulsets", "statefulset", "StatefulSet", namespaced: true, ["sts"], ["status"]),

        // What a full default scheduler profile also reads: services and replica sets (PodTopologySpread and
        // SelectorSpread defaults), disruption budgets (DefaultPreemption), priority classes (PrioritySort).
        Core("services", "service", "Service", namespaced: true, ["svc"], ["status"],
            [new("spec.clusterIP", "spec.clusterIP"), new("spec.type", "spec.type")]),
        Group("apps", "replicasets", "replicaset", "ReplicaSet", namespaced: true, ["rs"], ["status"],
            [new("status.replicas", "status.replicas", "0")]),
        Group("policy", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", namespaced: true, ["pdb"], ["status"]),
        Group("scheduling.k8s.io", "priorityclasses", "priorityclass", "PriorityClass", namespaced: false, ["pc"], []),
    ]);

    private static ResourceKind Core(
        string plural, string singular, string kind, bool namespaced, string[] shortNames, string[] subresources,
        SelectableField[] fields) =>
        new()
        {
            Group = "",
            Version = "v1",
            Plural = plural,
            Singular = singular,
            Kind = kind,
            Namespaced = namespaced,
            ShortNames = shortNames,
            Subresources = subresources,
            ExtraFields = fields,
        };

    private static ResourceKind Group(
        string group, string plural, string singular, string kind, bool namespaced, string[] shortNames, string[] subresources,
        SelectableField[]? fields = null) =>
        new()
        {
            Group = group,
            Version = "v1",
            Plural = plural,
            Singular = singular,
            Kind = kind,
            Namespaced = namespaced,
            ShortNames = shortNames,
            Subresources = subresources,
            ExtraFields = fields ?? [],
        };
}
