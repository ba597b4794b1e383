using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.State;

/// <summary>
/// Everything the decisions read: nodes, pods (for their resource use, and per node for inter-pod rules), claims,
/// volumes (through the index), storage classes, CSI capacity, namespaces (their labels) and the selectors of Services,
/// ReplicationControllers, ReplicaSets and StatefulSets (default topology spreading). One writer mutates it between decisions; decisions only read it, and may do
/// so from several threads at once.
/// </summary>
public sealed class ClusterState(IVolumeIndex volumes)
{
    private readonly SortedDictionary<string, NodeInfo> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<ObjectKey, PodInfo> _pods = [];
    private readonly Dictionary<string, Resources> _requestedByNode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeUsage> _usageByNode = new(StringComparer.Ordinal);
    private readonly Dictionary<ObjectKey, ClaimInfo> _claims = [];
    private readonly Dictionary<string, StorageClassInfo> _classes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CsiDriverInfo> _drivers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CsiNodeInfo> _csiNodes = new(StringComparer.Ordinal);
    private readonly SortedDictionary<ObjectKey, CsiStorageCapacityInfo> _capacities = [];
    // CSIStorageCapacity by (class, first matchLabels pair) so a node finds the capacities it can see through its own
    // labels; capacities whose nodeTopology has no matchLabels are kept per class and evaluated.
    private readonly Dictionary<(string Class, string Key, string Value), List<CsiStorageCapacityInfo>> _capacitiesByLabel = [];
    private readonly Dictionary<string, List<CsiStorageCapacityInfo>> _capacitiesUnindexed = new(StringComparer.Ordinal);
    private NodeInfo[]? _nodeList;
    // Pods by the node they are assigned to, and per node how many have (anti-)affinity terms and required
    // anti-affinity terms (NodeInfo.PodsWithAffinity / PodsWithRequiredAntiAffinity): inter-pod plugins skip the rest.
    private readonly Dictionary<string, Dictionary<ObjectKey, PodInfo>> _podsByNode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _affinityPodsByNode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _antiAffinityPodsByNode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NamespaceInfo> _namespaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, ServiceInfo>> _servicesByNamespace = new(StringComparer.Ordinal);
    private readonly Dictionary<ObjectKey, ReplicationControllerInfo> _replicationControllers = [];
    private readonly Dictionary<ObjectKey, ReplicaSetInfo> _replicaSets = [];
    private readonly Dictionary<ObjectKey, StatefulSetInfo> _statefulSets = [];
    private readonly Dictionary<ObjectKey, PodDisruptionBudgetInfo> _budgets = [];
    // Pods waiting for a node with status.nominatedNodeName set (upstream's PodNominator), by the nominated node.
    private readonly Dictionary<string, Dictionary<ObjectKey, PodInfo>> _nominatedByNode = new(StringComparer.Ordinal);

    public IVolumeIndex Volumes { get; } = volumes;

    /// <summary>Nodes in name order.</summary>
    public IReadOnlyList<NodeInfo> Nodes => _nodeList ??= [.. _nodes.Values];

    public IEnumerable<PodInfo> Pods => _pods.Values;

    public IEnumerable<ClaimInfo> Claims => _claims.Values;

    public IEnumerable<StorageClassInfo> StorageClasses => _classes.Values;

    public IEnumerable<CsiStorageCapacityInfo> Capacities => _capacities.Values;

    public IEnumerable<CsiDriverInfo> CsiDrivers => _drivers.Values;

    public NodeInfo? GetNode(string name) => _nodes.GetValueOrDefault(name);

    public PodInfo? GetPod(ObjectKey key) => _pods.GetValueOrDefault(key);

    public ClaimInfo? GetClaim(ObjectKey key) => _claims.GetValueOrDefault(key);

    public StorageClassInfo? GetStorageClass(string name) => _classes.GetValueOrDefault(name);

    public CsiDriverInfo? GetCsiDriver(string name) => _drivers.GetValueOrDefault(name);

    /// <summary>Requests of the pods assigned to the node (pod count included).</summary>
    public Resources RequestedOn(string nodeName) => _requestedByNode.GetValueOrDefault(nodeName);

    /// <summary>
    /// What the pods assigned to the node use beyond <see cref="RequestedOn"/>: requests as scoring counts them
    /// (NonZeroRequested), scalar resources and host ports.
    /// </summary>
    public NodeUsage UsageOn(string nodeName) => _usageByNode.GetValueOrDefault(nodeName) ?? NodeUsage.Empty;

    public void UpsertNode(NodeInfo node)
    {
        _nodes[node.Name] = node;
        _nodeList = null;
    }

    public bool RemoveNode(string name)
    {
        _nodeList = null;
        return _nodes.Remove(name);
    }

    public void UpsertPod(PodInfo pod)
    {
        RemovePod(pod.Key);
        _pods[pod.Key] = pod;
        if (pod.NodeName.Length > 0)
        {
            _requestedByNode[pod.NodeName] = RequestedOn(pod.NodeName) + pod.Requests;
            if (!_usageByNode.TryGetValue(pod.NodeName, out var usage)) _usageByNode[pod.NodeName] = usage = new NodeUsage();
            usage.Add(pod);
            if (!_podsByNode.TryGetValue(pod.NodeName, out var onNode)) _podsByNode[pod.NodeName] = onNode = [];
            onNode[pod.Key] = pod;
            if (pod.HasPodAffinityTerms) _affinityPodsByNode[pod.NodeName] = _affinityPodsByNode.GetValueOrDefault(pod.NodeName) + 1;
            if (!pod.RequiredPodAntiAffinity.IsDefaultOrEmpty) _antiAffinityPodsByNode[pod.NodeName] = _antiAffinityPodsByNode.GetValueOrDefault(pod.NodeName) + 1;
        }
        else if (IsNominated(pod))
        {
            if (!_nominatedByNode.TryGetValue(pod.NominatedNodeName, out var nominated)) _nominatedByNode[pod.NominatedNodeName] = nominated = [];
            nominated[pod.Key] = pod;
        }
    }

    /// <summary>A pod the nominator holds: not assigned, not being deleted, with a nominated node.</summary>
    private static bool IsNominated(PodInfo pod) => pod.NodeName.Length == 0 && pod.NominatedNodeName.Length > 0 && !pod.IsDeleting;

    public bool RemovePod(ObjectKey key)
    {
        if (!_pods.Remove(key, out var old)) return false;
        if (old.NodeName.Length > 0)
        {
            _requestedByNode[old.NodeName] = RequestedOn(old.NodeName) - old.Requests;
            if (_usageByNode.TryGetValue(old.NodeName, out var usage)) usage.Remove(old);
            if (_podsByNode.TryGetValue(old.NodeName, out var onNode) && onNode.Remove(old.Key) && onNode.Count == 0) _podsByNode.Remove(old.NodeName);
            if (old.HasPodAffinityTerms) Decrement(_affinityPodsByNode, old.NodeName);
            if (!old.RequiredPodAntiAffinity.IsDefaultOrEmpty) Decrement(_antiAffinityPodsByNode, old.NodeName);
        }
        else if (IsNominated(old) && _nominatedByNode.TryGetValue(old.NominatedNodeName, out var nominated) && nominated.Remove(old.Key) && nominated.Count == 0)
        {
            _nominatedByNode.Remove(old.NominatedNodeName);
        }
        return true;
    }

    /// <summary>Whether any pod is nominated to any node: when not, filtering skips the nominated-pods pass entirely.</summary>
    public bool HasNominatedPods => _nominatedByNode.Count > 0;

    /// <summary>The pods nominated to the node and not yet assigned (PodNominator.NominatedPodsForNode).</summary>
    public IReadOnlyCollection<PodInfo> NominatedPodsOn(string nodeName) =>
        _nominatedByNode.TryGetValue(nodeName, out var pods) ? pods.Values : [];

    public IEnumerable<PodDisruptionBudgetInfo> PodDisruptionBudgets => _budgets.Values;

    public void UpsertPodDisruptionBudget(PodDisruptionBudgetInfo budget) => _budgets[budget.Key] = budget;

    public bool RemovePodDisruptionBudget(ObjectKey key) => _budgets.Remove(key);

    /// <summary>
    /// A new state that differs from this one only in its pods: <paramref name="removed"/> taken out, then
    /// <paramref name="added"/> put in (replacing a pod of the same key). It shares the volume index; this state is
    /// left unchanged. Preemption evaluates "the node without these victims" and filtering "the node with its
    /// nominated pods" on such states.
    /// </summary>
    public ClusterState WithPods(IEnumerable<PodInfo> added, IEnumerable<ObjectKey> removed)
    {
        var copy = CopyWithout(Volumes);
        foreach (var key in removed) copy.RemovePod(key);
        foreach (var pod in added) copy.UpsertPod(pod);
        return copy;
    }

    private static void Decrement(Dictionary<string, int> counts, string node)
    {
        var left = counts.GetValueOrDefault(node) - 1;
        if (left > 0) counts[node] = left;
        else counts.Remove(node);
    }

    /// <summary>The pods assigned to the node (NodeInfo.Pods).</summary>
    public IReadOnlyCollection<PodInfo> PodsOn(string nodeName) =>
        _podsByNode.TryGetValue(nodeName, out var pods) ? pods.Values : [];

    /// <summary>Whether a pod with any (anti-)affinity term is assigned to the node (HavePodsWithAffinityList).</summary>
    public bool HasPodsWithAffinity(string nodeName) => _affinityPodsByNode.ContainsKey(nodeName);

    /// <summary>Whether a pod with required anti-affinity is assigned to the node (HavePodsWithRequiredAntiAffinityList).</summary>
    public bool HasPodsWithRequiredAntiAffinity(string nodeName) => _antiAffinityPodsByNode.ContainsKey(nodeName);

    /// <summary>Whether any node has a pod with an (anti-)affinity term: when none has, no node need be looked at for them.</summary>
    public bool AnyPodsWithAffinity => _affinityPodsByNode.Count > 0;

    /// <summary>Whether any node has a pod with required anti-affinity.</summary>
    public bool AnyPodsWithRequiredAntiAffinity => _antiAffinityPodsByNode.Count > 0;

    public IEnumerable<NamespaceInfo> Namespaces => _namespaces.Values;

    public NamespaceInfo? GetNamespace(string name) => _namespaces.GetValueOrDefault(name);

    public void UpsertNamespace(NamespaceInfo ns) => _namespaces[ns.Name] = ns;

    public bool RemoveNamespace(string name) => _namespaces.Remove(name);

    /// <summary>The Services of a namespace.</summary>
    public IEnumerable<ServiceInfo> ServicesIn(string ns) =>
        _servicesByNamespace.TryGetValue(ns, out var services) ? services.Values : [];

    public IEnumerable<ServiceInfo> Services => _servicesByNamespace.Values.SelectMany(s => s.Values);

    public void UpsertService(ServiceInfo service)
    {
        if (!_servicesByNamespace.TryGetValue(service.Key.Namespace, out var services)) _servicesByNamespace[service.Key.Namespace] = services = new(StringComparer.Ordinal);
        services[service.Key.Name] = service;
    }

    public bool RemoveService(ObjectKey key)
    {
        if (!_servicesByNamespace.TryGetValue(key.Namespace, out var services) || !services.Remove(key.Name)) return false;
        if (services.Count == 0) _servicesByNamespace.Remove(key.Namespace);
        return true;
    }

    public IEnumerable<ReplicationControllerInfo> ReplicationControllers => _replicationControllers.Values;

    public ReplicationControllerInfo? GetReplicationController(ObjectKey key) => _replicationControllers.GetValueOrDefault(key);

    public void UpsertReplicationController(ReplicationControllerInfo controller) => _replicationControllers[controller.Key] = controller;

    public bool RemoveReplicationController(ObjectKey key) => _replicationControllers.Remove(key);

    public IEnumerable<ReplicaSetInfo> ReplicaSets => _replicaSets.Values;

    public ReplicaSetInfo? GetReplicaSet(ObjectKey key) => _replicaSets.GetValueOrDefault(key);

    public void UpsertReplicaSet(ReplicaSetInfo replicaSet) => _replicaSets[replicaSet.Key] = replicaSet;

    public bool RemoveReplicaSet(ObjectKey key) => _replicaSets.Remove(key);

    public IEnumerable<StatefulSetInfo> StatefulSets => _statefulSets.Values;

    public StatefulSetInfo? GetStatefulSet(ObjectKey key) => _statefulSets.GetValueOrDefault(key);

    public void UpsertStatefulSet(StatefulSetInfo statefulSet) => _statefulSets[statefulSet.Key] = statefulSet;

    public bool RemoveStatefulSet(ObjectKey key) => _statefulSets.Remove(key);

    public void UpsertClaim(ClaimInfo claim) => _claims[claim.Key] = claim;

    public bool RemoveClaim(ObjectKey key) => _claims.Remove(key);

    public void UpsertStorageClass(StorageClassInfo storageClass) => _classes[storageClass.Name] = storageClass;

    public bool RemoveStorageClass(string name) => _classes.Remove(name);

    public void UpsertCsiDriver(CsiDriverInfo driver) => _drivers[driver.Name] = driver;

    public bool RemoveCsiDriver(string name) => _drivers.Remove(name);

    public IEnumerable<CsiNodeInfo> CsiNodes => _csiNodes.Values;

    /// <summary>The CSINode of the node of that name, or null (upstream's csiNodeLister.Get).</summary>
    public CsiNodeInfo? GetCsiNode(string nodeName) => _csiNodes.GetValueOrDefault(nodeName);

    public void UpsertCsiNode(CsiNodeInfo csiNode) => _csiNodes[csiNode.NodeName] = csiNode;

    public bool RemoveCsiNode(string nodeName) => _csiNodes.Remove(nodeName);

    public void UpsertCapacity(CsiStorageCapacityInfo capacity)
    {
        RemoveCapacity(capacity.Key);
        _capacities[capacity.Key] = capacity;
        if (CapacityBucket(capacity) is { } bucket) bucket.Add(capacity);
    }

    public bool RemoveCapacity(ObjectKey key)
    {
        if (!_capacities.Remove(key, out var old)) return false;
        CapacityBucket(old)?.Remove(old);
        return true;
    }

    /// <summary>
    /// The CSIStorageCapacity objects of a class that may be visible from the node (a superset: callers still match
    /// nodeTopology). Objects without nodeTopology are visible from no node and never returned.
    /// </summary>
    public IEnumerable<CsiStorageCapacityInfo> CapacitiesFor(string storageClassName, NodeInfo node)
    {
        foreach (var (key, value) in node.Labels)
        {
            if (_capacitiesByLabel.TryGetValue((storageClassName, key, value), out var list))
            {
                foreach (var capacity in list) yield return capacity;
            }
        }
        if (_capacitiesUnindexed.TryGetValue(storageClassName, out var others))
        {
            foreach (var capacity in others) yield return capacity;
        }
    }

    /// <summary><see cref="CapacitiesFor"/> as a struct enumeration: nothing on the heap (FindPodVolumes asks once per node).</summary>
    public NodeCapacities CapacitiesOn(string storageClassName, NodeInfo node) => new(_capacitiesByLabel, _capacitiesUnindexed, storageClassName, node);

    private List<CsiStorageCapacityInfo>? CapacityBucket(CsiStorageCapacityInfo capacity)
    {
        if (capacity.NodeTopology is not { } topology) return null;
        List<CsiStorageCapacityInfo>? bucket;
        if (topology.MatchLabels.Count > 0)
        {
            var (key, value) = topology.MatchLabels.OrderBy(p => p.Key, StringComparer.Ordinal).First();
            if (!_capacitiesByLabel.TryGetValue((capacity.StorageClassName, key, value), out bucket))
            {
                bucket = [];
                _capacitiesByLabel[(capacity.StorageClassName, key, value)] = bucket;
            }
            return bucket;
        }
        if (!_capacitiesUnindexed.TryGetValue(capacity.StorageClassName, out bucket))
        {
            bucket = [];
            _capacitiesUnindexed[capacity.StorageClassName] = bucket;
        }
        return bucket;
    }

    /// <summary>
    /// A state holding the same objects as this one, in <paramref name="emptyIndex"/> (which must be empty): the
    /// second replica of a store, or a copy to change. The objects are shared (they are immutable); only the containers
    /// and the index are new.
    /// </summary>
    public ClusterState Copy(IVolumeIndex emptyIndex)
    {
        if (emptyIndex.Count != 0) throw new ArgumentException("the index of a copy must start empty", nameof(emptyIndex));
        var copy = CopyWithout(emptyIndex);
        foreach (var name in Volumes.Names)
        {
            if (Volumes.Get(name) is { } volume) copy.Volumes.Upsert(volume);
        }
        return copy;
    }

    /// <summary>Every object but the volumes, in a new state over <paramref name="index"/>; the objects are shared.</summary>
    private ClusterState CopyWithout(IVolumeIndex index)
    {
        var copy = new ClusterState(index);
        foreach (var (name, node) in _nodes) copy._nodes[name] = node;
        foreach (var pod in _pods.Values) copy.UpsertPod(pod);
        foreach (var (key, claim) in _claims) copy._claims[key] = claim;
        foreach (var (name, value) in _classes) copy._classes[name] = value;
        foreach (var (name, value) in _drivers) copy._drivers[name] = value;
        foreach (var (name, value) in _csiNodes) copy._csiNodes[name] = value;
        foreach (var capacity in _capacities.Values) copy.UpsertCapacity(capacity);
        foreach (var (name, value) in _namespaces) copy._namespaces[name] = value;
        foreach (var service in Services) copy.UpsertService(service);
        foreach (var (key, value) in _replicationControllers) copy._replicationControllers[key] = value;
        foreach (var (key, value) in _replicaSets) copy._replicaSets[key] = value;
        foreach (var (key, value) in _statefulSets) copy._statefulSets[key] = value;
        foreach (var (key, value) in _budgets) copy._budgets[key] = value;
        return copy;
    }

    /// <summary>
    /// The class a new claim without storageClassName gets from the DefaultStorageClass admission plugin:
    /// among classes marked default, the newest, then by name (plugin/pkg/admission/storage/storageclass/setdefault).
    /// </summary>
    public StorageClassInfo? DefaultStorageClass() =>
        _classes.Values.Where(c => c.IsDefault)
            .OrderByDescending(c => c.CreationTimestamp)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .FirstOrDefault();
}
