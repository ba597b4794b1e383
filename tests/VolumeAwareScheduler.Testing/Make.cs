using System.Collections.Frozen;
using System.Collections.Immutable;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Testing;

/// <summary>
/// Entry point of the fluent builders: <c>Make.Volume("pv-1").WithCapacity("5Gi").OnNode("node-1")</c>.
/// Builders convert implicitly to the Core records, so they can be passed wherever a record is expected.
/// </summary>
public static class Make
{
    public const string HostnameLabel = "kubernetes.io/hostname";
    public const string ZoneLabel = "topology.kubernetes.io/zone";
    public const string RegionLabel = "topology.kubernetes.io/region";

    public static VolumeBuilder Volume(string name) => new(name);

    public static ClaimBuilder Claim(string ns, string name) => new(ns, name);

    /// <summary>A node carrying its kubernetes.io/hostname label, as the kubelet sets it.</summary>
    public static NodeBuilder Node(string name) => new NodeBuilder(name).WithLabel(HostnameLabel, name);

    /// <summary>A node with no labels at all (upstream's test nodes).</summary>
    public static NodeBuilder BareNode(string name) => new(name);

    public static PodBuilder Pod(string ns, string name) => new(ns, name);

    public static StorageClassBuilder StorageClass(string name) => new(name);

    public static SelectorRequirement Requirement(string key, SelectorOperator op, params string[] values) => new(key, op, [.. values]);

    public static SelectorRequirement In(string key, params string[] values) => Requirement(key, SelectorOperator.In, values);

    public static SelectorRequirement NotIn(string key, params string[] values) => Requirement(key, SelectorOperator.NotIn, values);

    public static SelectorRequirement Exists(string key) => Requirement(key, SelectorOperator.Exists);

    public static SelectorRequirement DoesNotExist(string key) => Requirement(key, SelectorOperator.DoesNotExist);

    public static SelectorRequirement Gt(string key, long value) => Requirement(key, SelectorOperator.Gt, value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static SelectorRequirement Lt(string key, long value) => Requirement(key, SelectorOperator.Lt, value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A node selector term of label requirements (matchExpressions), ANDed.</summary>
    public static NodeSelectorTerm Term(params SelectorRequirement[] expressions) => new([.. expressions], []);

    /// <summary>A node selector term with matchFields (and optionally matchExpressions).</summary>
    public static NodeSelectorTerm FieldTerm(SelectorRequirement[] fields, params SelectorRequirement[] expressions) => new([.. expressions], [.. fields]);

    /// <summary>matchFields: metadata.name In (name).</summary>
    public static SelectorRequirement NameIs(string nodeName) => In("metadata.name", nodeName);

    public static NodeSelector Selector(params NodeSelectorTerm[] terms) => new([.. terms]);

    public static LabelSelector LabelSelector(IReadOnlyDictionary<string, string>? matchLabels = null, params SelectorRequirement[] expressions) =>
        new((matchLabels ?? new Dictionary<string, string>()).ToFrozenDictionary(StringComparer.Ordinal), [.. expressions]);

    public static LabelSelector MatchLabels(params (string Key, string Value)[] labels) =>
        LabelSelector(labels.ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal));

    public static TopologySelectorTerm Topology(params (string Key, string[] Values)[] requirements) =>
        new([.. requirements.Select(r => (r.Key, r.Values.ToImmutableArray()))]);

    public static CsiDriverInfo CsiDriver(string name, bool storageCapacity) => new(name, storageCapacity);

    /// <summary>A CSIStorageCapacity; <paramref name="topology"/> null means reachable from no node, empty means every node.</summary>
    public static CsiStorageCapacityInfo Capacity(string name, string storageClass, LabelSelector? topology, string? capacity, string? maximumVolumeSize = null, string ns = "kube-system") => new()
    {
        Key = new ObjectKey(ns, name),
        StorageClassName = storageClass,
        NodeTopology = topology,
        CapacityBytes = capacity is null ? null : Quantity.Parse(capacity),
        MaximumVolumeSizeBytes = maximumVolumeSize is null ? null : Quantity.Parse(maximumVolumeSize),
    };

    /// <summary>A pod (anti-)affinity term; a null selector selects no pod; no namespaces and no namespaceSelector mean the pod's own namespace.</summary>
    public static PodAffinityTerm PodTerm(string topologyKey, LabelSelector? selector, string[]? namespaces = null, LabelSelector? namespaceSelector = null) =>
        new(selector, [.. namespaces ?? []], namespaceSelector, topologyKey);

    /// <summary>A topology spread constraint; minDomains, nodeAffinityPolicy and nodeTaintsPolicy unset unless given.</summary>
    public static TopologySpreadConstraint Spread(int maxSkew, string topologyKey, UnsatisfiableConstraintAction whenUnsatisfiable, LabelSelector? selector,
        int? minDomains = null, NodeInclusionPolicy? nodeAffinityPolicy = null, NodeInclusionPolicy? nodeTaintsPolicy = null, string[]? matchLabelKeys = null) =>
        new(maxSkew, topologyKey, whenUnsatisfiable, selector, minDomains, nodeAffinityPolicy, nodeTaintsPolicy) { MatchLabelKeys = [.. matchLabelKeys ?? []] };

    /// <summary>A PodDisruptionBudget selecting <paramref name="selector"/> with status.disruptionsAllowed and disruptedPods.</summary>
    public static PodDisruptionBudgetInfo Pdb(string ns, string name, LabelSelector? selector, int disruptionsAllowed, params string[] disruptedPods) => new()
    {
        Key = new ObjectKey(ns, name),
        Selector = selector,
        DisruptionsAllowed = disruptionsAllowed,
        DisruptedPods = disruptedPods.ToFrozenSet(StringComparer.Ordinal),
    };

    public static FrozenDictionary<string, string> Labels(params (string Key, string Value)[] labels) =>
        labels.ToFrozenDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);
}

public sealed class VolumeBuilder(string name)
{
    private VolumeInfo _volume = new() { Name = name, AccessModes = AccessModes.ReadWriteOnce };
    private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);

    public VolumeBuilder WithUid(string uid) { _volume = _volume with { Uid = uid }; return this; }
    public VolumeBuilder WithCapacity(string quantity) { _volume = _volume with { CapacityBytes = Quantity.Parse(quantity) }; return this; }
    public VolumeBuilder WithCapacityBytes(long bytes) { _volume = _volume with { CapacityBytes = bytes }; return this; }
    public VolumeBuilder WithClass(string storageClass) { _volume = _volume with { StorageClassName = storageClass }; return this; }
    /// <summary>spec.volumeAttributesClassName ("" = unset).</summary>
    public VolumeBuilder WithAttributesClass(string attributesClass) { _volume = _volume with { VolumeAttributesClassName = attributesClass }; return this; }
    public VolumeBuilder WithModes(AccessModes modes) { _volume = _volume with { AccessModes = modes }; return this; }
    public VolumeBuilder WithVolumeMode(VolumeMode mode) { _volume = _volume with { VolumeMode = mode }; return this; }
    public VolumeBuilder Block() => WithVolumeMode(VolumeMode.Block);

    /// <summary>Required node affinity: kubernetes.io/hostname In (node), as local PVs have it.</summary>
    public VolumeBuilder OnNode(string nodeName) => WithAffinity(Make.Selector(Make.Term(Make.In(Make.HostnameLabel, nodeName))));

    /// <summary>Required node affinity: key In (values), one term.</summary>
    public VolumeBuilder OnLabel(string key, params string[] values) => WithAffinity(Make.Selector(Make.Term(Make.In(key, values))));

    public VolumeBuilder WithAffinity(NodeSelector? affinity) { _volume = _volume with { NodeAffinity = affinity }; return this; }
    public VolumeBuilder WithAffinity(params NodeSelectorTerm[] terms) => WithAffinity(Make.Selector(terms));

    /// <summary>spec.claimRef; an empty uid matches any claim of that name (a user's pre-binding).</summary>
    public VolumeBuilder ClaimedBy(string ns, string claimName, string uid = "") { _volume = _volume with { ClaimRef = new ClaimReference(ns, claimName, uid) }; return this; }
    /// <summary>pv.kubernetes.io/bound-by-controller: the claimRef was written by a binder, not by a user.</summary>
    public VolumeBuilder BoundByController(bool byController = true) { _volume = _volume with { BoundByController = byController }; return this; }
    public VolumeBuilder Unclaimed() { _volume = _volume with { ClaimRef = null }; return this; }
    public VolumeBuilder Phase(VolumePhase phase) { _volume = _volume with { Phase = phase }; return this; }
    public VolumeBuilder Deleting(bool deleting = true) { _volume = _volume with { IsDeleting = deleting }; return this; }
    public VolumeBuilder WithLabel(string key, string value) { _labels[key] = value; return this; }
    public VolumeBuilder WithCsiDriver(string driver) { _volume = _volume with { CsiDriver = driver }; return this; }
    public VolumeBuilder WithResourceVersion(string rv) { _volume = _volume with { ResourceVersion = rv }; return this; }

    public VolumeInfo Build() => _volume with { Labels = _labels.ToFrozenDictionary(StringComparer.Ordinal) };

    public static implicit operator VolumeInfo(VolumeBuilder builder) => builder.Build();
}

public sealed class ClaimBuilder(string ns, string name)
{
    private ClaimInfo _claim = new() { Key = new ObjectKey(ns, name), AccessModes = AccessModes.ReadWriteOnce };

    public ClaimBuilder WithUid(string uid) { _claim = _claim with { Uid = uid }; return this; }
    public ClaimBuilder Requesting(string quantity) { _claim = _claim with { RequestBytes = Quantity.Parse(quantity), HasStorageRequest = true }; return this; }
    public ClaimBuilder WithoutStorageRequest() { _claim = _claim with { RequestBytes = 0, HasStorageRequest = false }; return this; }
    public ClaimBuilder WithClass(string storageClass) { _claim = _claim with { StorageClassName = storageClass }; return this; }
    /// <summary>spec.volumeAttributesClassName ("" = unset).</summary>
    public ClaimBuilder WithAttributesClass(string attributesClass) { _claim = _claim with { VolumeAttributesClassName = attributesClass }; return this; }
    public ClaimBuilder WithModes(AccessModes modes) { _claim = _claim with { AccessModes = modes }; return this; }
    public ClaimBuilder WithVolumeMode(VolumeMode mode) { _claim = _claim with { VolumeMode = mode }; return this; }
    public ClaimBuilder Block() => WithVolumeMode(VolumeMode.Block);
    public ClaimBuilder WithSelector(LabelSelector? selector) { _claim = _claim with { Selector = selector }; return this; }
    public ClaimBuilder WithSelectorLabel(string key, string value) => WithSelector(Make.MatchLabels((key, value)));

    /// <summary>Fully bound: spec.volumeName and the bind-completed annotation (isPVCFullyBound).</summary>
    public ClaimBuilder BoundTo(string volumeName) { _claim = _claim with { VolumeName = volumeName, BindCompleted = true, Phase = ClaimPhase.Bound }; return this; }

    /// <summary>Pre-bound by the user: spec.volumeName without bind-completed.</summary>
    public ClaimBuilder PreboundTo(string volumeName) { _claim = _claim with { VolumeName = volumeName, BindCompleted = false }; return this; }

    public ClaimBuilder SelectedNode(string? nodeName) { _claim = _claim with { SelectedNode = nodeName }; return this; }
    public ClaimBuilder Phase(ClaimPhase phase) { _claim = _claim with { Phase = phase }; return this; }
    public ClaimBuilder Deleting(bool deleting = true) { _claim = _claim with { IsDeleting = deleting }; return this; }
    public ClaimBuilder OwnedByPod(string podUid) { _claim = _claim with { ControllerPodUid = podUid }; return this; }
    public ClaimBuilder WithResourceVersion(string rv) { _claim = _claim with { ResourceVersion = rv }; return this; }

    public ClaimInfo Build() => _claim;

    public static implicit operator ClaimInfo(ClaimBuilder builder) => builder.Build();
}

public sealed class NodeBuilder(string name)
{
    private NodeInfo _node = new() { Name = name, Allocatable = new Resources(4000, 16L << 30, 100L << 30, 110) };
    private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);
    private readonly List<Taint> _taints = [];

    public NodeBuilder WithLabel(string key, string value) { _labels[key] = value; return this; }
    public NodeBuilder WithoutLabel(string key) { _labels.Remove(key); return this; }
    public NodeBuilder InZone(string zone) => WithLabel(Make.ZoneLabel, zone);
    public NodeBuilder WithTaint(string key, string value, TaintEffect effect) { _taints.Add(new Taint(key, value, effect)); return this; }
    public NodeBuilder Unschedulable(bool cordoned = true) { _node = _node with { Unschedulable = cordoned }; return this; }
    public NodeBuilder WithAllocatable(long milliCpu, string memory, long pods = 110) { _node = _node with { Allocatable = new Resources(milliCpu, Quantity.Parse(memory), _node.Allocatable.EphemeralStorageBytes, pods) }; return this; }

    public NodeBuilder WithAllocatable(Resources allocatable) { _node = _node with { Allocatable = allocatable }; return this; }
    public NodeBuilder WithScalar(string resource, long allocatable) { _scalars[resource] = allocatable; return this; }
    /// <summary>status.images: one image known by <paramref name="names"/>, of <paramref name="sizeBytes"/>.</summary>
    public NodeBuilder WithImage(long sizeBytes, params string[] names) { foreach (var n in names) _images[n] = sizeBytes; return this; }

    private readonly Dictionary<string, long> _scalars = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _images = new(StringComparer.Ordinal);

    public NodeInfo Build() => _node with
    {
        Labels = _labels.ToFrozenDictionary(StringComparer.Ordinal),
        Taints = [.. _taints],
        AllocatableScalars = _scalars.ToFrozenDictionary(StringComparer.Ordinal),
        Images = _images.ToFrozenDictionary(StringComparer.Ordinal),
    };

    public static implicit operator NodeInfo(NodeBuilder builder) => builder.Build();
}

public sealed class PodBuilder(string ns, string name)
{
    private PodInfo _pod = new() { Key = new ObjectKey(ns, name), Uid = $"{ns}-{name}-uid" };
    private readonly List<PodClaimReference> _claims = [];
    private readonly Dictionary<string, string> _nodeSelector = new(StringComparer.Ordinal);
    private readonly List<Toleration> _tolerations = [];
    private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);
    private readonly List<PodAffinityTerm> _requiredAffinity = [];
    private readonly List<PodAffinityTerm> _requiredAntiAffinity = [];
    private readonly List<WeightedPodAffinityTerm> _preferredAffinity = [];
    private readonly List<WeightedPodAffinityTerm> _preferredAntiAffinity = [];
    private readonly List<TopologySpreadConstraint> _spread = [];

    public PodBuilder WithLabel(string key, string value) { _labels[key] = value; return this; }
    public PodBuilder WithLabels(IReadOnlyDictionary<string, string> labels) { foreach (var (k, v) in labels) _labels[k] = v; return this; }
    public PodBuilder Terminating() { _pod = _pod with { IsDeleting = true }; return this; }
    public PodBuilder ControlledBy(string apiVersion, string kind, string name) { _pod = _pod with { Controller = new ControllerReference(apiVersion, kind, name) }; return this; }
    public PodBuilder WithPodAffinity(params PodAffinityTerm[] terms) { _requiredAffinity.AddRange(terms); return this; }
    public PodBuilder WithPodAntiAffinity(params PodAffinityTerm[] terms) { _requiredAntiAffinity.AddRange(terms); return this; }
    public PodBuilder WithPreferredPodAffinity(int weight, PodAffinityTerm term) { _preferredAffinity.Add(new WeightedPodAffinityTerm(weight, term)); return this; }
    public PodBuilder WithPreferredPodAntiAffinity(int weight, PodAffinityTerm term) { _preferredAntiAffinity.Add(new WeightedPodAffinityTerm(weight, term)); return this; }
    public PodBuilder WithSpreadConstraint(TopologySpreadConstraint constraint) { _spread.Add(constraint); return this; }

    public PodBuilder WithUid(string uid) { _pod = _pod with { Uid = uid }; return this; }
    public PodBuilder WithPriority(int priority) { _pod = _pod with { Priority = priority }; return this; }
    public PodBuilder StartedAt(DateTimeOffset startTime) { _pod = _pod with { StartTime = startTime }; return this; }
    public PodBuilder NominatedTo(string nodeName) { _pod = _pod with { NominatedNodeName = nodeName }; return this; }
    public PodBuilder NeverPreempting() { _pod = _pod with { PreemptionPolicy = PreemptionPolicy.Never }; return this; }
    /// <summary>Being deleted with a True DisruptionTarget condition of that reason (PreemptionByScheduler...).</summary>
    public PodBuilder TerminatingBecause(string disruptionReason) { _pod = _pod with { IsDeleting = true, DisruptionTargetReason = disruptionReason }; return this; }

    /// <summary>A persistentVolumeClaim volume.</summary>
    public PodBuilder WithClaim(string claimName, string? volumeName = null) { _claims.Add(new PodClaimReference(volumeName ?? claimName, claimName, IsEphemeral: false, ReadOnly: false)); return this; }

    /// <summary>A generic ephemeral volume: its claim is named "&lt;pod&gt;-&lt;volume&gt;" (ephemeral.VolumeClaimName).</summary>
    public PodBuilder WithEphemeralVolume(string volumeName) { _claims.Add(new PodClaimReference(volumeName, $"{_pod.Key.Name}-{volumeName}", IsEphemeral: true, ReadOnly: false)); return this; }

    public PodBuilder OnNode(string nodeName) { _pod = _pod with { NodeName = nodeName }; return this; }
    public PodBuilder WithNodeSelector(string key, string value) { _nodeSelector[key] = value; return this; }
    public PodBuilder WithRequiredAffinity(NodeSelector? selector) { _pod = _pod with { RequiredNodeAffinity = selector }; return this; }
    public PodBuilder Tolerating(Toleration toleration) { _tolerations.Add(toleration); return this; }
    public PodBuilder Requesting(long milliCpu, string memory) { _pod = _pod with { Requests = new Resources(milliCpu, Quantity.Parse(memory), 0, 1) }; return this; }

    /// <summary>Effective requests (as PodRequests computes them); the non-zero requests follow unless set with <see cref="NonZero"/>.</summary>
    public PodBuilder Requesting(Resources requests) { _pod = _pod with { Requests = requests with { Pods = 1 } }; return this; }
    public PodBuilder NonZero(long milliCpu, long memoryBytes) { _nonZero = new Resources(milliCpu, memoryBytes, 0, 1); return this; }
    public PodBuilder WithScalar(string resource, long amount) { _scalars[resource] = amount; return this; }
    public PodBuilder WithHostPort(string protocol, string hostIP, int port) { _ports.Add(HostPort.Of(hostIP, protocol, port)); return this; }
    public PodBuilder WithGates(params string[] gates) { _pod = _pod with { SchedulingGates = [.. gates] }; return this; }
    public PodBuilder WithImages(params string[] images) { _pod = _pod with { Images = [.. images] }; return this; }

    private readonly Dictionary<string, long> _scalars = new(StringComparer.Ordinal);
    private readonly List<HostPort> _ports = [];
    private Resources? _nonZero;

    public PodInfo Build()
    {
        var pod = _pod with
        {
            Claims = [.. _claims],
            NodeSelector = _nodeSelector.ToFrozenDictionary(StringComparer.Ordinal),
            Tolerations = [.. _tolerations],
            ScalarRequests = _scalars.Where(s => s.Value != 0).ToFrozenDictionary(StringComparer.Ordinal),
            HostPorts = [.. _ports],
            Labels = _labels.ToFrozenDictionary(StringComparer.Ordinal),
            RequiredPodAffinity = [.. _requiredAffinity],
            RequiredPodAntiAffinity = [.. _requiredAntiAffinity],
            PreferredPodAffinity = [.. _preferredAffinity],
            PreferredPodAntiAffinity = [.. _preferredAntiAffinity],
            TopologySpreadConstraints = [.. _spread],
        };
        return _nonZero is { } nonZero ? pod with { NonZeroRequests = nonZero } : pod;
    }

    public static implicit operator PodInfo(PodBuilder builder) => builder.Build();
}

public sealed class StorageClassBuilder(string name)
{
    private StorageClassInfo _class = new() { Name = name, BindingMode = VolumeBindingMode.WaitForFirstConsumer, Provisioner = StorageClassInfo.NotSupportedProvisioner };
    private readonly List<TopologySelectorTerm> _topologies = [];

    public StorageClassBuilder WaitForFirstConsumer() { _class = _class with { BindingMode = VolumeBindingMode.WaitForFirstConsumer }; return this; }
    public StorageClassBuilder Immediate() { _class = _class with { BindingMode = VolumeBindingMode.Immediate }; return this; }
    public StorageClassBuilder WithProvisioner(string provisioner) { _class = _class with { Provisioner = provisioner }; return this; }
    public StorageClassBuilder WithAllowedTopology(string key, params string[] values) { _topologies.Add(Make.Topology((key, values))); return this; }
    public StorageClassBuilder WithAllowedTopology(TopologySelectorTerm term) { _topologies.Add(term); return this; }
    /// <summary>Annotated for the node-loss policy (volume-aware-scheduler.io/release-claims-on-node-loss: "true").</summary>
    public StorageClassBuilder ReleasingClaimsOnNodeLoss() { _class = _class with { ReleasesClaimsOnNodeLoss = true }; return this; }
    public StorageClassBuilder Default(DateTimeOffset? created = null) { _class = _class with { IsDefault = true, CreationTimestamp = created ?? DateTimeOffset.UnixEpoch }; return this; }

    public StorageClassInfo Build() => _class with { AllowedTopologies = [.. _topologies] };

    public static implicit operator StorageClassInfo(StorageClassBuilder builder) => builder.Build();
}
