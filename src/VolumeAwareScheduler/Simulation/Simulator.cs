using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Matching;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.State;
using VolumeAwareScheduler.Kubernetes.Conversion;
using VolumeAwareScheduler.Kubernetes.Manifests;

namespace VolumeAwareScheduler.Simulation;

/// <summary>
/// Plays a cluster dump forward, as a small cluster would: the controllers first settle what they would settle on
/// their own (PV phases, claims prebound by claimRef or volumeName, Immediate claims, the default StorageClass), then
/// the pods that have no node are scheduled one at a time in file order, each placement committing its bindings and
/// provisioning before the next pod is decided.
/// </summary>
public sealed class Simulator
{
    private readonly ClusterState _state;
    private readonly PodScheduler _scheduler;
    private readonly AssumeLedger _ledger;
    private readonly List<(ObjectKey Claim, string Volume, string How)> _controllerBindings = [];

    public Simulator(IVolumeIndex? index = null)
    {
        _state = new ClusterState(index ?? new VolumeIndex());
        _scheduler = new PodScheduler(_state);
        _ledger = new AssumeLedger(_state);
    }

    public ClusterState State => _state;

    public PodScheduler Scheduler => _scheduler;

    public AssumeLedger Ledger => _ledger;

    /// <summary>Set by <see cref="Run"/> when it was asked to stop at a pod: that pod's explanation, before it was placed.</summary>
    public PodExplanation? Explanation { get; private set; }

    /// <summary>
    /// Runs the whole simulation. Throws <see cref="ManifestException"/> for an object that cannot be used.
    /// With <paramref name="explainPod"/>, stops when that pod's turn comes and records its <see cref="Explanation"/>.
    /// </summary>
    public SimulationReport Run(IReadOnlyList<ManifestObject> objects, string source, ObjectKey? explainPod = null)
    {
        var workload = LoadCluster(objects, source);
        var results = new List<PodResult>();
        foreach (var item in workload)
        {
            switch (item)
            {
                case PodInfo pod:
                    if (StopAt(pod, explainPod)) return Report(results);
                    results.Add(Place(pod));
                    break;
                case StatefulSetWork sts:
                    foreach (var (pod, claims) in sts.Members)
                    {
                        foreach (var claim in claims)
                        {
                            if (_state.GetClaim(claim.Key) is null) AddClaim(claim);
                        }
                        SettleClaims();
                        if (StopAt(pod, explainPod)) return Report(results);
                        var result = Place(pod);
                        results.Add(result);
                        if (result.Node is null && sts.OrderedReady) break;
                    }
                    break;
            }
        }
        return Report(results);
    }

    private SimulationReport Report(List<PodResult> results) =>
        new(results, [.. _controllerBindings.Select(b => new ControllerBinding(b.Claim.ToString(), b.Volume, b.How))]);

    private bool StopAt(PodInfo pod, ObjectKey? explainPod)
    {
        if (explainPod != pod.Key) return false;
        Explanation = Explainer.Explain(_state, _scheduler, pod);
        return true;
    }

    /// <summary>
    /// Loads the dump into <see cref="State"/> and lets the PV controller settle the claims, without scheduling.
    /// Returns the work to schedule in file order: pending pods (<see cref="PodInfo"/>) and StatefulSets.
    /// </summary>
    public IReadOnlyList<object> LoadCluster(IReadOnlyList<ManifestObject> objects, string source)
    {
        var workload = Load(objects, source);
        SettleClaims();
        return workload;
    }

    /// <summary>
    /// Loads the dump as a long-running state (the extender's snapshot mode): as <see cref="LoadCluster"/>, and the
    /// StatefulSet controller's claims created up front. Returns the pending pods, StatefulSet members included.
    /// </summary>
    public IReadOnlyList<PodInfo> LoadPending(IReadOnlyList<ManifestObject> objects, string source)
    {
        var pending = new List<PodInfo>();
        foreach (var item in Load(objects, source))
        {
            if (item is PodInfo pod) pending.Add(pod);
            else if (item is StatefulSetWork sts)
            {
                foreach (var (member, claims) in sts.Members)
                {
                    foreach (var claim in claims.Where(c => _state.GetClaim(c.Key) is null)) AddClaim(claim);
                    pending.Add(member);
                }
            }
        }
        SettleClaims();
        return pending;
    }

    private readonly Dictionary<ObjectKey, bool> _claimClassUnset = [];

    /// <summary>Converts every object into the state; returns the pods to schedule and StatefulSets, in file order.</summary>
    private List<object> Load(IReadOnlyList<ManifestObject> objects, string source)
    {
        var workload = new List<object>();
        var claims = new List<(ManifestObject Where, V1PersistentVolumeClaim Claim)>();
        foreach (var obj in objects)
        {
            try
            {
                switch (obj.Model)
                {
                    case V1Node node: _state.UpsertNode(Converter.ToNode(node)); break;
                    case V1PersistentVolume pv: _state.Volumes.Upsert(Converter.ToVolume(pv)); break;
                    case V1StorageClass sc: _state.UpsertStorageClass(Converter.ToStorageClass(sc)); break;
                    case V1CSIDriver driver: _state.UpsertCsiDriver(Converter.ToCsiDriver(driver)); break;
                    case V1CSIStorageCapacity capacity: _state.UpsertCapacity(Converter.ToCapacity(capacity)); break;
                    case V1PersistentVolumeClaim claim: claims.Add((obj, claim)); break;
                    case V1Pod pod:
                        EnsureUid(pod.Metadata);
                        var info = Converter.ToPod(pod);
                        AddEphemeralClaims(pod, info);
                        if (info.NodeName.Length > 0) _state.UpsertPod(info); // already running
                        else workload.Add(info);
                        break;
                    case V1StatefulSet sts: workload.Add(ExpandStatefulSet(sts)); break;
                }
            }
            catch (ConversionException e)
            {
                throw new ManifestException($"{source}: {obj.Describe()}: {e.Message}.");
            }
        }
        // Claims after classes, so that the default class is known whatever the file order.
        foreach (var (where, claim) in claims)
        {
            try
            {
                EnsureUid(claim.Metadata);
                AddClaim(Converter.ToClaim(claim), Converter.RequestedStorageClass(claim) is null);
            }
            catch (ConversionException e)
            {
                throw new ManifestException($"{source}: {where.Describe()}: {e.Message}.");
            }
        }
        return workload;
    }

    private void AddClaim(ClaimInfo claim, bool classUnset = false)
    {
        if (classUnset && _state.DefaultStorageClass() is { } defaultClass) claim = claim with { StorageClassName = defaultClass.Name };
        _claimClassUnset[claim.Key] = classUnset;
        _state.UpsertClaim(claim);
    }

    private void AddEphemeralClaims(V1Pod pod, PodInfo info)
    {
        foreach (var volume in pod.Spec?.Volumes ?? [])
        {
            if (volume.Ephemeral?.VolumeClaimTemplate is not { } template) continue;
            var key = new ObjectKey(info.Key.Namespace, $"{info.Key.Name}-{volume.Name}");
            if (_state.GetClaim(key) is not null) continue;
            var claim = new V1PersistentVolumeClaim
            {
                Metadata = new V1ObjectMeta
                {
                    Name = key.Name,
                    NamespaceProperty = key.Namespace,
                    Labels = template.Metadata?.Labels,
                    Annotations = template.Metadata?.Annotations,
                    OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Pod", Name = info.Key.Name, Uid = info.Uid, BlockOwnerDeletion = true, Controller = true }],
                },
                Spec = template.Spec,
            };
            EnsureUid(claim.Metadata);
            AddClaim(Converter.ToClaim(claim), Converter.RequestedStorageClass(claim) is null);
        }
    }

    /// <summary>The StatefulSet controller's pods and claims: "&lt;sts&gt;-&lt;i&gt;" and "&lt;template&gt;-&lt;sts&gt;-&lt;i&gt;".</summary>
    private StatefulSetWork ExpandStatefulSet(V1StatefulSet sts)
    {
        var name = sts.Metadata?.Name ?? throw new ConversionException("StatefulSet has no metadata.name");
        var ns = string.IsNullOrEmpty(sts.Metadata.NamespaceProperty) ? "default" : sts.Metadata.NamespaceProperty;
        var spec = sts.Spec ?? throw new ConversionException("spec is required");
        var template = spec.Template ?? throw new ConversionException("spec.template is required");
        var members = new List<(PodInfo, List<ClaimInfo>)>();
        for (var ordinal = 0; ordinal < (spec.Replicas ?? 1); ordinal++)
        {
            var podName = $"{name}-{ordinal}";
            var volumes = new List<V1Volume>(template.Spec?.Volumes ?? []);
            var claims = new List<ClaimInfo>();
            foreach (var claimTemplate in spec.VolumeClaimTemplates ?? [])
            {
                var templateName = claimTemplate.Metadata?.Name ?? throw new ConversionException("spec.volumeClaimTemplates[].metadata.name is required");
                var claim = new V1PersistentVolumeClaim
                {
                    Metadata = new V1ObjectMeta { Name = $"{templateName}-{name}-{ordinal}", NamespaceProperty = ns, Labels = claimTemplate.Metadata.Labels },
                    Spec = claimTemplate.Spec,
                };
                EnsureUid(claim.Metadata);
                var info = Converter.ToClaim(claim);
                if (Converter.RequestedStorageClass(claim) is null && _state.DefaultStorageClass() is { } d) info = info with { StorageClassName = d.Name };
                claims.Add(info);
                volumes.RemoveAll(v => v.Name == templateName);
                volumes.Add(new V1Volume { Name = templateName, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim.Metadata.Name } });
            }
            var pod = new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = podName, NamespaceProperty = ns, Labels = template.Metadata?.Labels },
                Spec = CloneSpecWithVolumes(template.Spec ?? new V1PodSpec(), volumes),
            };
            EnsureUid(pod.Metadata);
            members.Add((Converter.ToPod(pod), claims));
        }
        return new StatefulSetWork(members, spec.PodManagementPolicy is null or "" or "OrderedReady");
    }

    private static V1PodSpec CloneSpecWithVolumes(V1PodSpec spec, List<V1Volume> volumes)
    {
        var json = k8s.KubernetesJson.Serialize(spec);
        var clone = k8s.KubernetesJson.Deserialize<V1PodSpec>(json);
        clone.Volumes = volumes;
        return clone;
    }

    /// <summary>
    /// The PV controller's pass over unbound claims (pv_controller.go syncUnboundClaim): a claim naming its PV is bound
    /// when the PV satisfies it (checkVolumeSatisfyClaim: size, class, VolumeAttributesClass, volume mode, access modes),
    /// a PV prebound to a claim when FindMatchingVolume takes it (size, volume mode, VolumeAttributesClass); an
    /// Immediate claim gets the best available PV of its class and VolumeAttributesClass or, failing that, is
    /// provisioned when its class can. Delayed claims wait for the scheduler.
    /// </summary>
    private void SettleClaims()
    {
        foreach (var claim in _state.Claims.OrderBy(c => c.Key).ToList())
        {
            if (claim.IsFullyBound || claim.IsDeleting) continue;
            var delayed = _scheduler.Binder.IsDelayBinding(claim);
            if (claim.VolumeName.Length > 0)
            {
                if (_state.Volumes.Get(claim.VolumeName) is { } named && (named.ClaimRef is null || named.IsBoundTo(claim))
                    && PVControllerMatching.CheckVolumeSatisfiesClaim(named, claim) is null)
                {
                    Bind(claim, named, "claim names its volume");
                }
                continue;
            }
            var candidates = _state.Volumes.ListByClass(claim.StorageClassName);
            var match = PVControllerMatching.FindBestMatchForClaim(claim, candidates, delayed);
            if (match is not null)
            {
                Bind(claim, match, match.ClaimRef is null ? "immediate binding" : "volume prebound by claimRef");
                continue;
            }
            if (!delayed && _state.GetStorageClass(claim.StorageClassName) is { SupportsProvisioning: true })
            {
                var volume = Provision(claim, node: null);
                Bind(claim, volume, "immediate provisioning");
            }
        }
    }

    private PodResult Place(PodInfo pod)
    {
        var result = _scheduler.Schedule(pod);
        if (result.Selected is not { } selected)
        {
            return new PodResult(pod.Key.ToString(), null, [], [], result.FailureMessage, result.FailedNodes, result);
        }
        var volumes = selected.Volumes ?? PodVolumes.Empty;
        var assumed = _ledger.Assume(pod.Key, selected.Node.Name, volumes);
        if (!assumed.Succeeded) throw new InvalidOperationException($"assume failed for {pod.Key}: {assumed.Error}");
        var (bindings, provisions) = WriteVolumes(selected.Node, volumes);
        _ledger.Commit(pod.Key);
        _state.UpsertPod(pod with { NodeName = selected.Node.Name });
        return new PodResult(pod.Key.ToString(), selected.Node.Name, bindings, provisions, null, null, result);
    }

    /// <summary>
    /// The writes of an assumed placement, as the binder would make them and the PV controller and provisioner would
    /// complete them: static PVs bound to their claims; provisioned claims get a PV pinned to the node.
    /// The pod itself is not bound here.
    /// </summary>
    public (List<ClaimVolume> Bindings, List<ClaimNode> Provisions) WriteVolumes(NodeInfo node, PodVolumes volumes)
    {
        var bindings = new List<ClaimVolume>();
        foreach (var binding in volumes.StaticBindings)
        {
            Bind(_state.GetClaim(binding.Claim.Key)!, _state.Volumes.Get(binding.Volume.Name)!, null);
            bindings.Add(new ClaimVolume(binding.Claim.Key.ToString(), binding.Volume.Name));
        }
        var provisions = new List<ClaimNode>();
        foreach (var claim in volumes.DynamicProvisions)
        {
            var current = _state.GetClaim(claim.Key)!;
            Bind(current, Provision(current, node), null);
            provisions.Add(new ClaimNode(claim.Key.ToString(), node.Name));
        }
        return (bindings, provisions);
    }

    private void Bind(ClaimInfo claim, VolumeInfo volume, string? how)
    {
        _state.Volumes.Upsert(volume with
        {
            ClaimRef = new ClaimReference(claim.Key.Namespace, claim.Key.Name, claim.Uid),
            Phase = VolumePhase.Bound,
        });
        _state.UpsertClaim(claim with { VolumeName = volume.Name, BindCompleted = true, Phase = ClaimPhase.Bound });
        if (how is not null) _controllerBindings.Add((claim.Key, volume.Name, how));
    }

    /// <summary>
    /// What a provisioner creates: "pvc-&lt;uid&gt;", the requested size, pinned to the selected node by hostname.
    /// CSIStorageCapacity that served the request shrinks by its size, as the driver would report.
    /// </summary>
    private VolumeInfo Provision(ClaimInfo claim, NodeInfo? node)
    {
        NodeSelector? affinity = null;
        if (node is not null)
        {
            var hostname = node.Labels.TryGetValue(Converter.HostnameLabel, out var h) ? h : node.Name;
            affinity = new NodeSelector([new NodeSelectorTerm([new SelectorRequirement(Converter.HostnameLabel, SelectorOperator.In, [hostname])], [])]);
            var storageClass = _state.GetStorageClass(claim.StorageClassName);
            if (storageClass is not null && _state.GetCsiDriver(storageClass.Provisioner) is { StorageCapacity: true })
            {
                var used = _state.Capacities.FirstOrDefault(c => c.StorageClassName == storageClass.Name
                    && c.LimitBytes >= claim.RequestBytes && c.NodeTopology is { } t && SelectorMatching.Matches(t, node.Labels));
                if (used is not null)
                {
                    var left = (used.CapacityBytes ?? 0) - claim.RequestBytes;
                    _state.UpsertCapacity(used with
                    {
                        CapacityBytes = used.CapacityBytes is null ? null : left,
                        MaximumVolumeSizeBytes = used.MaximumVolumeSizeBytes is { } max && used.CapacityBytes is not null ? Math.Min(max, left) : used.MaximumVolumeSizeBytes,
                    });
                }
            }
        }
        return new VolumeInfo
        {
            Name = "pvc-" + claim.Uid,
            StorageClassName = claim.StorageClassName,
            // external-provisioner gives the volume the claim's VolumeAttributesClass.
            VolumeAttributesClassName = claim.VolumeAttributesClassName,
            CapacityBytes = claim.RequestBytes,
            AccessModes = claim.AccessModes,
            VolumeMode = claim.VolumeMode,
            NodeAffinity = affinity,
            Phase = VolumePhase.Available,
        };
    }

    /// <summary>Objects in a dump may lack a uid; give each a stable one derived from its name, as the API server would give a fresh one.</summary>
    private static void EnsureUid(V1ObjectMeta? metadata)
    {
        if (metadata is null || !string.IsNullOrEmpty(metadata.Uid)) return;
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{metadata.NamespaceProperty}/{metadata.Name}"));
        metadata.Uid = new Guid(bytes.AsSpan(0, 16)).ToString();
    }

    private sealed record StatefulSetWork(List<(PodInfo Pod, List<ClaimInfo> Claims)> Members, bool OrderedReady);
}
