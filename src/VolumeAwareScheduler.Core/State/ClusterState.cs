using System.Collections.Immutable;
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
    // Matching pods per topology domain, kept up to date by the writer for the selectors PodTopologySpread asked about
    // (MatchingPodsByDomain); readers add entries, never change one.
    private ImmutableDictionary<string, TopologyPodCounts> _topologyCounts = ImmutableDictionary.Create<string, TopologyPodCounts>(StringComparer.Ordinal);
    // A state made by WithPods: the containers of _base (never itself such a state) are shared, and only what its
    // pods change lives in this state's own pod containers, for the keys and nodes touched.
    private readonly ClusterState? _base;
    private readonly HashSet<ObjectKey>? _touchedPods;
    private readonly HashSet<string>? _touchedNodes;
    private readonly HashSet<string>? _touchedNominations;

    public IVolumeIndex Volumes { get; } = volumes;

    /// <summary>Nodes in name order.</summary>
    public IReadOnlyList<NodeInfo> Nodes => _nodeList ??= [.. _nodes.Values];

    public IEnumerable<PodInfo> Pods => _base is null ? _pods.Values : OverlayPods();

    public IEnumerable<ClaimInfo> Claims => _claims.Values;

    public IEnumerable<StorageClassInfo> StorageClasses => _classes.Values;

    public IEnumerable<CsiStorageCapacityInfo> Capacities => _capacities.Values;

    public IEnumerable<CsiDriverInfo> CsiDrivers => _drivers.Values;

    public NodeInfo? GetNode(string name) => _nodes.GetValueOrDefault(name);

    public PodInfo? GetPod(ObjectKey key) =>
        _base is not null && !_touchedPods!.Contains(key) ? _base.GetPod(key) : _pods.GetValueOrDefault(key);

    public ClaimInfo? GetClaim(ObjectKey key) => _claims.GetValueOrDefault(key);

    public StorageClassInfo? GetStorageClass(string name) => _classes.GetValueOrDefault(name);

    public CsiDriverInfo? GetCsiDriver(string name) => _drivers.GetValueOrDefault(name);

    /// <summary>Requests of the pods assigned to the node (pod count included).</summary>
    public Resources RequestedOn(string nodeName) =>
        FromBase(nodeName) ? _base!.RequestedOn(nodeName) : _requestedByNode.GetValueOrDefault(nodeName);

    /// <summary>
    /// What the pods assigned to the node use beyond <see cref="RequestedOn"/>: requests as scoring counts them
    /// (NonZeroRequested), scalar resources and host ports.
    /// </summary>
    public NodeUsage UsageOn(string nodeName) =>
        FromBase(nodeName) ? _base!.UsageOn(nodeName) : _usageByNode.GetValueOrDefault(nodeName) ?? NodeUsage.Empty;

    public void UpsertNode(NodeInfo node)
    {
        ThrowIfOverlay();
        if (!_topologyCounts.IsEmpty)
        {
            var old = _nodes.GetValueOrDefault(node.Name);
            foreach (var (_, counts) in _topologyCounts)
            {
                if (old is not null) counts.RemoveNode(old, PodsOn(old.Name));
                counts.AddNode(node, PodsOn(node.Name));
            }
        }
        _nodes[node.Name] = node;
        _nodeList = null;
    }

    public bool RemoveNode(string name)
    {
        ThrowIfOverlay();
        _nodeList = null;
        if (!_nodes.Remove(name, out var old)) return false;
        foreach (var (_, counts) in _topologyCounts) counts.RemoveNode(old, PodsOn(name));
        return true;
    }

    public void UpsertPod(PodInfo pod)
    {
        if (_base is not null) Touch(pod);
        RemovePod(pod.Key);
        _pods[pod.Key] = pod;
        if (pod.NodeName.Length > 0)
        {
            if (!_topologyCounts.IsEmpty)
            {
                var node = GetNode(pod.NodeName);
                foreach (var (_, counts) in _topologyCounts) counts.OnPod(pod, node, 1);
            }
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
        if (_base is not null) Touch(key);
        if (!_pods.Remove(key, out var old)) return false;
        if (old.NodeName.Length > 0)
        {
            if (!_topologyCounts.IsEmpty)
            {
                var node = GetNode(old.NodeName);
                foreach (var (_, counts) in _topologyCounts) counts.OnPod(old, node, -1);
            }
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
    public bool HasNominatedPods => _base is null ? _nominatedByNode.Count > 0 : AnyLeft(_base._nominatedByNode, _nominatedByNode, _touchedNominations!);

    /// <summary>The pods nominated to the node and not yet assigned (PodNominator.NominatedPodsForNode).</summary>
    public IReadOnlyCollection<PodInfo> NominatedPodsOn(string nodeName) =>
        _base is not null && !_touchedNominations!.Contains(nodeName) ? _base.NominatedPodsOn(nodeName)
        : _nominatedByNode.TryGetValue(nodeName, out var pods) ? pods.Values : [];

    public IEnumerable<PodDisruptionBudgetInfo> PodDisruptionBudgets => _budgets.Values;

    public void UpsertPodDisruptionBudget(PodDisruptionBudgetInfo budget)
    {
        ThrowIfOverlay();
        _budgets[budget.Key] = budget;
    }

    public bool RemovePodDisruptionBudget(ObjectKey key)
    {
        ThrowIfOverlay();
        return _budgets.Remove(key);
    }

    /// <summary>
    /// A new state that differs from this one only in its pods: <paramref name="removed"/> taken out, then
    /// <paramref name="added"/> put in (replacing a pod of the same key). This state is left unchanged. Preemption
    /// evaluates "the node without these victims" and filtering "the node with its nominated pods" on such states.
    /// <para>
    /// The new state is an overlay: it shares this state's containers (nodes, claims, the volume index...) and holds
    /// only the pods, requests, usage and counts of the nodes whose pods differ, so it costs what those nodes hold, not
    /// what the cluster holds. It answers every question as a full copy with the same changes would. Neither state may
    /// change while the other is in use, and the new one changes only through <see cref="UpsertPod"/> and
    /// <see cref="RemovePod"/> (or a further <see cref="WithPods"/>).
    /// </para>
    /// </summary>
    public ClusterState WithPods(IEnumerable<PodInfo> added, IEnumerable<ObjectKey> removed)
    {
        var overlay = new ClusterState(_base ?? this);
        if (_base is not null)
        {
            foreach (var key in _touchedPods!)
            {
                if (_pods.TryGetValue(key, out var pod)) overlay.UpsertPod(pod);
                else overlay.RemovePod(key);
            }
        }
        foreach (var key in removed) overlay.RemovePod(key);
        foreach (var pod in added) overlay.UpsertPod(pod);
        return overlay;
    }

    /// <summary>
    /// An overlay (<see cref="WithPods"/>) shares its base's containers: only its pods may change. Any other change
    /// would write into the base.
    /// </summary>
    private void ThrowIfOverlay()
    {
        if (_base is not null) throw new InvalidOperationException("a state made by WithPods changes only through UpsertPod, RemovePod and WithPods");
    }

    /// <summary>An overlay over <paramref name="root"/> without changes yet: its containers but those of the pods are root's.</summary>
    private ClusterState(ClusterState root) : this(root.Volumes)
    {
        _base = root;
        _touchedPods = [];
        _touchedNodes = new HashSet<string>(StringComparer.Ordinal);
        _touchedNominations = new HashSet<string>(StringComparer.Ordinal);
        _nodes = root._nodes;
        _nodeList = (NodeInfo[])root.Nodes;
        _claims = root._claims;
        _classes = root._classes;
        _drivers = root._drivers;
        _csiNodes = root._csiNodes;
        _capacities = root._capacities;
        _capacitiesByLabel = root._capacitiesByLabel;
        _capacitiesUnindexed = root._capacitiesUnindexed;
        _namespaces = root._namespaces;
        _servicesByNamespace = root._servicesByNamespace;
        _replicationControllers = root._replicationControllers;
        _replicaSets = root._replicaSets;
        _statefulSets = root._statefulSets;
        _budgets = root._budgets;
    }

    /// <summary>In an overlay, whether what the pods of the node add up to is the base's (the node untouched).</summary>
    private bool FromBase(string nodeName) => _base is not null && !_touchedNodes!.Contains(nodeName);

    /// <summary>The overlay's pods: the base's untouched ones, then its own.</summary>
    private IEnumerable<PodInfo> OverlayPods()
    {
        foreach (var (key, pod) in _base!._pods)
        {
            if (!_touchedPods!.Contains(key)) yield return pod;
        }
        foreach (var pod in _pods.Values) yield return pod;
    }

    /// <summary>Before an overlay changes <paramref name="pod"/>: the pod's key and the nodes it will be on or nominated to become its own.</summary>
    private void Touch(PodInfo pod)
    {
        Touch(pod.Key);
        if (pod.NodeName.Length > 0) TouchNode(pod.NodeName);
        else if (IsNominated(pod)) TouchNomination(pod.NominatedNodeName);
    }

    /// <summary>Before an overlay changes the pod of <paramref name="key"/>: the base's pod, if any, and its node become the overlay's own.</summary>
    private void Touch(ObjectKey key)
    {
        if (!_touchedPods!.Add(key) || _base!._pods.GetValueOrDefault(key) is not { } pod) return;
        _pods[key] = pod;
        if (pod.NodeName.Length > 0) TouchNode(pod.NodeName);
        else if (IsNominated(pod)) TouchNomination(pod.NominatedNodeName);
    }

    /// <summary>The base's pods of the node, their requests, usage and (anti-)affinity counts, copied into the overlay.</summary>
    private void TouchNode(string nodeName)
    {
        if (!_touchedNodes!.Add(nodeName)) return;
        var root = _base!;
        if (!root._podsByNode.TryGetValue(nodeName, out var pods)) return;
        _podsByNode[nodeName] = new Dictionary<ObjectKey, PodInfo>(pods);
        _requestedByNode[nodeName] = root.RequestedOn(nodeName);
        var usage = new NodeUsage();
        foreach (var pod in pods.Values) usage.Add(pod);
        _usageByNode[nodeName] = usage;
        if (root._affinityPodsByNode.TryGetValue(nodeName, out var affinity)) _affinityPodsByNode[nodeName] = affinity;
        if (root._antiAffinityPodsByNode.TryGetValue(nodeName, out var antiAffinity)) _antiAffinityPodsByNode[nodeName] = antiAffinity;
    }

    /// <summary>The base's pods nominated to the node, copied into the overlay.</summary>
    private void TouchNomination(string nodeName)
    {
        if (!_touchedNominations!.Add(nodeName)) return;
        if (_base!._nominatedByNode.TryGetValue(nodeName, out var pods)) _nominatedByNode[nodeName] = new Dictionary<ObjectKey, PodInfo>(pods);
    }

    /// <summary>In an overlay, whether some node has an entry: an untouched one in the base, or a touched one here.</summary>
    private static bool AnyLeft<TValue>(Dictionary<string, TValue> inBase, Dictionary<string, TValue> own, HashSet<string> touched)
    {
        if (own.Count > 0) return true;
        if (inBase.Count > touched.Count) return true;
        foreach (var name in inBase.Keys)
        {
            if (!touched.Contains(name)) return true;
        }
        return false;
    }

    /// <summary>Most selectors whose counts are kept at once; asking about one more starts over with it alone.</summary>
    private const int MaxTopologyCounts = 64;

    /// <summary>
    /// PodTopologySpread's count of matching pods per domain (calPreFilterState, for a pod whose node inclusion
    /// policies admit every node): for each value of <paramref name="key"/> on a node that carries every one of
    /// <paramref name="keys"/>, how many pods of <paramref name="ns"/>, not terminating, that <paramref name="selector"/>
    /// matches (an empty selector matches none) are assigned to such nodes of that value. Every domain is present, with
    /// 0 when it has no matching pod. With no <paramref name="keys"/>, every node counts, in domain "" when it lacks
    /// <paramref name="key"/> (PreScore with the system default constraints). The first question about a selector counts over the whole cluster; the counts are
    /// then kept up to date as pods and nodes change, so later questions cost the number of domains. A new dictionary.
    /// </summary>
    public Dictionary<string, int> MatchingPodsByDomain(string ns, LabelSelector selector, string[] keys, string key)
    {
        if (_base is null) return TopologyCountsFor(ns, selector, keys, key).Snapshot();
        var counts = _base.MatchingPodsByDomain(ns, selector, keys, key);
        var rule = _base.TopologyCountsFor(ns, selector, keys, key);
        foreach (var name in _touchedNodes!)
        {
            if (rule.DomainOf(GetNode(name)) is not { } value) continue;
            counts[value] += rule.CountOf(PodsOn(name)) - rule.CountOf(_base.PodsOn(name));
        }
        return counts;
    }

    private TopologyPodCounts TopologyCountsFor(string ns, LabelSelector selector, string[] keys, string key)
    {
        var name = TopologyCountsKey(ns, selector, keys, key);
        if (_topologyCounts.TryGetValue(name, out var counts)) return counts;
        counts = new TopologyPodCounts(this, ns, selector, keys, key);
        ImmutableInterlocked.Update(ref _topologyCounts, static (all, entry) =>
            (all.Count >= MaxTopologyCounts ? all.Clear() : all).SetItem(entry.Name, entry.Counts), (Name: name, Counts: counts));
        return counts;
    }

    /// <summary>
    /// One string per (namespace, selector, keys, key); control characters, which label keys and values cannot hold,
    /// separate the parts. Selectors that differ only in the order of their expressions get two entries (same counts).
    /// </summary>
    private static string TopologyCountsKey(string ns, LabelSelector selector, string[] keys, string key)
    {
        var text = new System.Text.StringBuilder();
        text.Append(ns).Append('\0').AppendJoin('\u0001', keys).Append('\0').Append(key).Append('\0');
        foreach (var (label, value) in selector.MatchLabels.OrderBy(p => p.Key, StringComparer.Ordinal))
            text.Append(label).Append('\u0001').Append(value).Append('\u0002');
        text.Append('\0');
        if (!selector.MatchExpressions.IsDefault)
        {
            foreach (var requirement in selector.MatchExpressions)
                text.Append(requirement.Key).Append('\u0001').Append((int)requirement.Operator).Append('\u0001').AppendJoin('\u0002', requirement.Values).Append('\u0003');
        }
        return text.ToString();
    }

    private static void Decrement(Dictionary<string, int> counts, string node)
    {
        var left = counts.GetValueOrDefault(node) - 1;
        if (left > 0) counts[node] = left;
        else counts.Remove(node);
    }

    /// <summary>The pods assigned to the node (NodeInfo.Pods).</summary>
    public IReadOnlyCollection<PodInfo> PodsOn(string nodeName) =>
        FromBase(nodeName) ? _base!.PodsOn(nodeName) : _podsByNode.TryGetValue(nodeName, out var pods) ? pods.Values : [];

    /// <summary>Whether a pod with any (anti-)affinity term is assigned to the node (HavePodsWithAffinityList).</summary>
    public bool HasPodsWithAffinity(string nodeName) =>
        FromBase(nodeName) ? _base!.HasPodsWithAffinity(nodeName) : _affinityPodsByNode.ContainsKey(nodeName);

    /// <summary>Whether a pod with required anti-affinity is assigned to the node (HavePodsWithRequiredAntiAffinityList).</summary>
    public bool HasPodsWithRequiredAntiAffinity(string nodeName) =>
        FromBase(nodeName) ? _base!.HasPodsWithRequiredAntiAffinity(nodeName) : _antiAffinityPodsByNode.ContainsKey(nodeName);

    /// <summary>Whether any node has a pod with an (anti-)affinity term: when none has, no node need be looked at for them.</summary>
    public bool AnyPodsWithAffinity =>
        _base is null ? _affinityPodsByNode.Count > 0 : AnyLeft(_base._affinityPodsByNode, _affinityPodsByNode, _touchedNodes!);

    /// <summary>Whether any node has a pod with required anti-affinity.</summary>
    public bool AnyPodsWithRequiredAntiAffinity =>
        _base is null ? _antiAffinityPodsByNode.Count > 0 : AnyLeft(_base._antiAffinityPodsByNode, _antiAffinityPodsByNode, _touchedNodes!);

    public IEnumerable<NamespaceInfo> Namespaces => _namespaces.Values;

    public NamespaceInfo? GetNamespace(string name) => _namespaces.GetValueOrDefault(name);

    public void UpsertNamespace(NamespaceInfo ns)
    {
        ThrowIfOverlay();
        _namespaces[ns.Name] = ns;
    }

    public bool RemoveNamespace(string name)
    {
        ThrowIfOverlay();
        return _namespaces.Remove(name);
    }

    /// <summary>The Services of a namespace.</summary>
    public IEnumerable<ServiceInfo> ServicesIn(string ns) =>
        _servicesByNamespace.TryGetValue(ns, out var services) ? services.Values : [];

    public IEnumerable<ServiceInfo> Services => _servicesByNamespace.Values.SelectMany(s => s.Values);

    public void UpsertService(ServiceInfo service)
    {
        ThrowIfOverlay();
        if (!_servicesByNamespace.TryGetValue(service.Key.Namespace, out var services)) _servicesByNamespace[service.Key.Namespace] = services = new(StringComparer.Ordinal);
        services[service.Key.Name] = service;
    }

    public bool RemoveService(ObjectKey key)
    {
        ThrowIfOverlay();
        if (!_servicesByNamespace.TryGetValue(key.Namespace, out var services) || !services.Remove(key.Name)) return false;
        if (services.Count == 0) _servicesByNamespace.Remove(key.Namespace);
        return true;
    }

    public IEnumerable<ReplicationControllerInfo> ReplicationControllers => _replicationControllers.Values;

    public ReplicationControllerInfo? GetReplicationController(ObjectKey key) => _replicationControllers.GetValueOrDefault(key);

    public void UpsertReplicationController(ReplicationControllerInfo controller)
    {
        ThrowIfOverlay();
        _replicationControllers[controller.Key] = controller;
    }

    public bool RemoveReplicationController(ObjectKey key)
    {
        ThrowIfOverlay();
        return _replicationControllers.Remove(key);
    }

    public IEnumerable<ReplicaSetInfo> ReplicaSets => _replicaSets.Values;

    public ReplicaSetInfo? GetReplicaSet(ObjectKey key) => _replicaSets.GetValueOrDefault(key);

    public void UpsertReplicaSet(ReplicaSetInfo replicaSet)
    {
        ThrowIfOverlay();
        _replicaSets[replicaSet.Key] = replicaSet;
    }

    public bool RemoveReplicaSet(ObjectKey key)
    {
        ThrowIfOverlay();
        return _replicaSets.Remove(key);
    }

    public IEnumerable<StatefulSetInfo> StatefulSets => _statefulSets.Values;

    public StatefulSetInfo? GetStatefulSet(ObjectKey key) => _statefulSets.GetValueOrDefault(key);

    public void UpsertStatefulSet(StatefulSetInfo statefulSet)
    {
        ThrowIfOverlay();
        _statefulSets[statefulSet.Key] = statefulSet;
    }

    public bool RemoveStatefulSet(ObjectKey key)
    {
        ThrowIfOverlay();
        return _statefulSets.Remove(key);
    }

    public void UpsertClaim(ClaimInfo claim)
    {
        ThrowIfOverlay();
        _claims[claim.Key] = claim;
    }

    public bool RemoveClaim(ObjectKey key)
    {
        ThrowIfOverlay();
        return _claims.Remove(key);
    }

    public void UpsertStorageClass(StorageClassInfo storageClass)
    {
        ThrowIfOverlay();
        _classes[storageClass.Name] = storageClass;
    }

    public bool RemoveStorageClass(string name)
    {
        ThrowIfOverlay();
        return _classes.Remove(name);
    }

    public void UpsertCsiDriver(CsiDriverInfo driver)
    {
        ThrowIfOverlay();
        _drivers[driver.Name] = driver;
    }

    public bool RemoveCsiDriver(string name)
    {
        ThrowIfOverlay();
        return _drivers.Remove(name);
    }

    public IEnumerable<CsiNodeInfo> CsiNodes => _csiNodes.Values;

    /// <summary>The CSINode of the node of that name, or null (upstream's csiNodeLister.Get).</summary>
    public CsiNodeInfo? GetCsiNode(string nodeName) => _csiNodes.GetValueOrDefault(nodeName);

    public void UpsertCsiNode(CsiNodeInfo csiNode)
    {
        ThrowIfOverlay();
        _csiNodes[csiNode.NodeName] = csiNode;
    }

    public bool RemoveCsiNode(string nodeName)
    {
        ThrowIfOverlay();
        return _csiNodes.Remove(nodeName);
    }

    public void UpsertCapacity(CsiStorageCapacityInfo capacity)
    {
        ThrowIfOverlay();
        RemoveCapacity(capacity.Key);
        _capacities[capacity.Key] = capacity;
        if (CapacityBucket(capacity) is { } bucket) bucket.Add(capacity);
    }

    public bool RemoveCapacity(ObjectKey key)
    {
        ThrowIfOverlay();
        if (!_capacities.Remove(key, out var old)) return false;
        CapacityBucket(old)?.Remove(old);
        return true;
    }

    /// <summary>
    /// The CSIStorageCapacity objects of a class that may be visible from the node (a superset: callers still match
    /// nodeTopology). Objects without nodeTopology are visible from no node and never returned. A struct enumeration:
    /// nothing on the heap (FindPodVolumes asks once per node).
    /// </summary>
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
        foreach (var pod in Pods) copy.UpsertPod(pod);
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
