using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Matching;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;
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
    private readonly SchedulingFramework _framework;
    private readonly AssumeLedger _ledger;
    private readonly List<(ObjectKey Claim, string Volume, string How)> _controllerBindings = [];

    public Simulator(IVolumeIndex? index = null, Profile? profile = null)
    {
        _state = new ClusterState(index ?? new VolumeIndex());
        _framework = new SchedulingFramework(profile ?? Profiles.Default(), InMemoryBindingClient.Over(_state));
        _ledger = new AssumeLedger(_state);
    }

    public ClusterState State => _state;

    public SchedulingFramework Framework => _framework;

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
                    foreach (var replica in sts.Replicas)
                    {
                        CreateMissingClaims(replica.Claims);
                        SettleClaims();
                        if (StopAt(replica.Pod, explainPod)) return Report(results);
                        var result = Place(replica.Pod);
                        results.Add(result);
                        // OrderedReady: the controller waits for this ordinal to be Running and Ready before the next.
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
        Explanation = Explainer.Explain(_state, _framework, pod);
        return true;
    }

    /// <summary>
    /// Objects of the dump that the simulation does not use (kinds the reader does not type),
    /// in file order, for <see cref="IgnoredObjects"/>; filled by <see cref="LoadCluster"/> and <see cref="LoadPending"/>.
    /// </summary>
    public IReadOnlyList<ManifestObject> Ignored => _ignored;

    private readonly List<ManifestObject> _ignored = [];

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
                foreach (var replica in sts.Replicas)
                {
                    CreateMissingClaims(replica.Claims);
                    pending.Add(replica.Pod);
                }
            }
        }
        SettleClaims();
        return pending;
    }

    /// <summary>
    /// Converts every object into the state; returns the pods to schedule and StatefulSets, in file order. Claims are
    /// loaded after classes and pods after claims, so that neither the default class nor an existing claim depends on
    /// the file's order; a pod that belongs to a StatefulSet of the dump is the set's to schedule, not the file's.
    /// </summary>
    private List<object> Load(IReadOnlyList<ManifestObject> objects, string source)
    {
        ManifestException Invalid(ManifestObject where, ConversionException e) => new($"{source}: {where.Describe()}: {e.Message}.");

        var claims = new List<(ManifestObject Where, V1PersistentVolumeClaim Claim)>();
        var priorityClasses = new List<V1PriorityClass>();
        var ordered = new List<ManifestObject>();
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
                    case V1CSINode csiNode: _state.UpsertCsiNode(Converter.ToCsiNode(csiNode)); break;
                    case V1CSIStorageCapacity capacity: _state.UpsertCapacity(Converter.ToCapacity(capacity)); break;
                    case V1PersistentVolumeClaim claim: claims.Add((obj, claim)); break;
                    case V1Namespace ns: _state.UpsertNamespace(Converter.ToNamespace(ns)); break;
                    case V1Service service: _state.UpsertService(Converter.ToService(service)); break;
                    case V1ReplicationController rc: _state.UpsertReplicationController(Converter.ToReplicationController(rc)); break;
                    case V1ReplicaSet rs: _state.UpsertReplicaSet(Converter.ToReplicaSet(rs)); break;
                    case V1StatefulSet sts:
                        _state.UpsertStatefulSet(Converter.ToStatefulSet(sts));
                        ordered.Add(obj);
                        break;
                    case V1PodDisruptionBudget budget: _state.UpsertPodDisruptionBudget(Converter.ToPodDisruptionBudget(budget)); break;
                    case V1PriorityClass priorityClass: priorityClasses.Add(priorityClass); break;
                    case V1Pod: ordered.Add(obj); break;
                    default: _ignored.Add(obj); break;
                }
            }
            catch (ConversionException e)
            {
                throw Invalid(obj, e);
            }
        }
        foreach (var (where, claim) in claims)
        {
            try
            {
                EnsureUid(claim.Metadata);
                AddClaim(Converter.ToClaim(claim), Converter.RequestedStorageClass(claim) is null);
            }
            catch (ConversionException e)
            {
                throw Invalid(where, e);
            }
        }

        var sets = ordered.Where(o => o.Model is V1StatefulSet).ToList();
        var members = new Dictionary<ManifestObject, List<StatefulSetReplica>>();
        var workload = new List<object>();
        foreach (var obj in ordered)
        {
            try
            {
                switch (obj.Model)
                {
                    case V1Pod pod:
                        var set = sets.FirstOrDefault(s => s.Model is V1StatefulSet { Metadata.Name: not null } sts && StatefulSetUtils.IsMemberOf(sts, pod));
                        EnsureUid(pod.Metadata);
                        AdmitPriority(pod, priorityClasses);
                        var info = Converter.ToPod(pod);
                        if (info.NodeName.Length > 0)
                        {
                            CreateMissingClaims(EphemeralClaims(pod, info));
                            _state.UpsertPod(info); // already running
                        }
                        else if (set is not null)
                        {
                            if (!members.TryGetValue(set, out var list)) members[set] = list = [];
                            list.Add(new StatefulSetReplica(info, EphemeralClaims(pod, info)));
                        }
                        else
                        {
                            CreateMissingClaims(EphemeralClaims(pod, info));
                            workload.Add(info);
                        }
                        break;
                    case V1StatefulSet:
                        workload.Add(obj);
                        break;
                }
            }
            catch (ConversionException e)
            {
                throw Invalid(obj, e);
            }
        }
        for (var i = 0; i < workload.Count; i++)
        {
            if (workload[i] is not ManifestObject { Model: V1StatefulSet sts } where) continue;
            try
            {
                workload[i] = ExpandStatefulSet(sts, members.GetValueOrDefault(where) ?? []);
            }
            catch (ConversionException e)
            {
                throw Invalid(where, e);
            }
        }
        return workload;
    }

    /// <summary>
    /// What the Priority admission plugin would have set on a pod written without spec.priority: its
    /// priorityClassName's value and preemptionPolicy, else the global default class's, else 0 (a dump taken from a
    /// cluster already has them). The two system classes are known without being in the dump.
    /// </summary>
    private static void AdmitPriority(V1Pod pod, List<V1PriorityClass> classes)
    {
        if (pod.Spec is not { } spec || spec.Priority is not null) return;
        var name = spec.PriorityClassName;
        var found = string.IsNullOrEmpty(name)
            ? classes.Where(c => c.GlobalDefault == true).MinBy(c => c.Value)
            : classes.FirstOrDefault(c => c.Metadata?.Name == name);
        spec.Priority = found?.Value ?? name switch
        {
            "system-node-critical" => 2_000_001_000,
            "system-cluster-critical" => 2_000_000_000,
            _ => 0,
        };
        spec.PreemptionPolicy ??= found?.PreemptionPolicy;
    }

    private void AddClaim(ClaimInfo claim, bool classUnset = false)
    {
        if (classUnset && _state.DefaultStorageClass() is { } defaultClass) claim = claim with { StorageClassName = defaultClass.Name };
        _state.UpsertClaim(claim);
    }

    /// <summary>Creates the claims that do not exist yet; an existing claim is used as it is, bound or not.</summary>
    private void CreateMissingClaims(IEnumerable<(ClaimInfo Claim, bool ClassUnset)> claims)
    {
        foreach (var (claim, classUnset) in claims)
        {
            if (_state.GetClaim(claim.Key) is null) AddClaim(claim, classUnset);
        }
    }

    /// <summary>The ephemeral volume controller's claims for a pod: "&lt;pod&gt;-&lt;volume&gt;", owned by the pod.</summary>
    private static List<(ClaimInfo Claim, bool ClassUnset)> EphemeralClaims(V1Pod pod, PodInfo info)
    {
        var claims = new List<(ClaimInfo, bool)>();
        foreach (var volume in pod.Spec?.Volumes ?? [])
        {
            if (volume.Ephemeral?.VolumeClaimTemplate is not { } template) continue;
            var claim = new V1PersistentVolumeClaim
            {
                Metadata = new V1ObjectMeta
                {
                    Name = $"{info.Key.Name}-{volume.Name}",
                    NamespaceProperty = info.Key.Namespace,
                    Labels = template.Metadata?.Labels,
                    Annotations = template.Metadata?.Annotations,
                    OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Pod", Name = info.Key.Name, Uid = info.Uid, BlockOwnerDeletion = true, Controller = true }],
                },
                Spec = template.Spec,
            };
            EnsureUid(claim.Metadata);
            claims.Add((Converter.ToClaim(claim), Converter.RequestedStorageClass(claim) is null));
        }
        return claims;
    }

    /// <summary>
    /// What the StatefulSet controller would still do for a set (stateful_set_control.go updateStatefulSet and
    /// processReplica), in ordinal order from spec.ordinals.start: an ordinal whose pod runs (has a node) is left alone
    /// and counts as Running and Ready; an ordinal whose pod exists without a node gets its missing claims and is
    /// scheduled (once); a missing ordinal gets its missing claims and a new pod. Claims are
    /// "&lt;template&gt;-&lt;set&gt;-&lt;ordinal&gt;", created only when absent. Unscheduled pods beyond the ordinals are
    /// being scaled down and are not scheduled.
    /// </summary>
    private StatefulSetWork ExpandStatefulSet(V1StatefulSet sts, List<StatefulSetReplica> unscheduledMembers)
    {
        var name = sts.Metadata?.Name ?? throw new ConversionException("StatefulSet has no metadata.name");
        var spec = sts.Spec ?? throw new ConversionException("spec is required");
        if (spec.Template is null) throw new ConversionException("spec.template is required");
        var templates = spec.VolumeClaimTemplates ?? [];
        if (templates.Any(t => string.IsNullOrEmpty(t.Metadata?.Name))) throw new ConversionException("spec.volumeClaimTemplates[].metadata.name is required");
        var ns = string.IsNullOrEmpty(sts.Metadata.NamespaceProperty) ? "default" : sts.Metadata.NamespaceProperty;
        var existing = new Dictionary<int, StatefulSetReplica>();
        foreach (var member in unscheduledMembers) existing[StatefulSetUtils.ParentNameAndOrdinal(member.Pod.Key.Name).Ordinal] = member;
        var start = StatefulSetUtils.StartOrdinal(sts);
        var replicas = new List<StatefulSetReplica>();
        for (var ordinal = start; ordinal < start + StatefulSetUtils.Replicas(sts); ordinal++)
        {
            var claims = new List<(ClaimInfo, bool)>();
            foreach (var template in templates)
            {
                var claim = StatefulSetUtils.NewClaim(sts, template, ordinal);
                EnsureUid(claim.Metadata);
                claims.Add((Converter.ToClaim(claim), Converter.RequestedStorageClass(claim) is null));
            }
            if (existing.TryGetValue(ordinal, out var member))
            {
                replicas.Add(new StatefulSetReplica(member.Pod, [.. claims, .. member.Claims]));
            }
            else if (_state.GetPod(new ObjectKey(ns, StatefulSetUtils.PodName(sts, ordinal))) is null)
            {
                var pod = StatefulSetUtils.NewPod(sts, ordinal);
                EnsureUid(pod.Metadata);
                var info = Converter.ToPod(pod);
                replicas.Add(new StatefulSetReplica(info, [.. claims, .. EphemeralClaims(pod, info)]));
            }
        }
        return new StatefulSetWork(replicas, spec.PodManagementPolicy is null or "" or "OrderedReady");
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
            var delayed = new VolumeBinder(_state).IsDelayBinding(claim);
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
                var volume = Provision(_state, claim, node: null);
                Bind(claim, volume, "immediate provisioning");
            }
        }
    }

    private PodResult Place(PodInfo pod) => Place(pod, mayPreempt: true);

    /// <summary>
    /// One pod's scheduling, as the scheduler would do it. When DefaultPreemption chose victims, they are removed at
    /// once (offline, their graceful termination takes no time) and the pod, nominated to the node, is scheduled again.
    /// </summary>
    private PodResult Place(PodInfo pod, bool mayPreempt)
    {
        // scheduling_queue.go: a pod that a PreEnqueue plugin rejects (scheduling gates) never enters the active queue.
        var admitted = _framework.RunPreEnqueue(pod);
        if (!admitted.IsSuccess) return new PodResult(pod.Key.ToString(), null, [], [], admitted.Message, null, null, Attempted: false);
        var result = _framework.Schedule(_state, pod);
        if (result.Selected is not { } selected)
        {
            if (mayPreempt && DefaultPreemption.Chosen(result.Cycle) is { } candidate)
            {
                foreach (var victim in candidate.Victims) _state.RemovePod(victim.Key);
                var retried = Place(pod with { NominatedNodeName = candidate.Node }, mayPreempt: false);
                return retried with { Preempted = [.. candidate.Victims.Select(v => v.Key.ToString())] };
            }
            return new PodResult(pod.Key.ToString(), null, [], [], result.FailureMessage, result.FailedNodes, result);
        }
        var volumes = selected.Volumes ?? PodVolumes.Empty;
        var node = selected.Node.Name;
        var reserved = _framework.Reserve(result, _ledger);
        if (!reserved.IsSuccess) throw new InvalidOperationException($"reserve failed for {pod.Key}: {reserved.Message}");
        // The binding cycle, as run's: PreBind (the volume writes, which the in-memory PV controller completes at
        // once), then Bind. The in-memory client answers synchronously, so the cycle is complete on return.
        var bound = Completed(_framework.RunPreBindAndBindAsync(result.Cycle, pod, node, CancellationToken.None));
        if (!bound.IsSuccess)
        {
            _framework.Unreserve(result, _ledger);
            throw new InvalidOperationException($"binding failed for {pod.Key}: {bound.FailureMessage}");
        }
        _ledger.Commit(pod.Key);
        return new PodResult(pod.Key.ToString(), node, [.. volumes.StaticBindings.Select(b => new ClaimVolume(b.Claim.Key.ToString(), b.Volume.Name))],
            [.. volumes.DynamicProvisions.Select(c => new ClaimNode(c.Key.ToString(), node))], null, null, result);
    }

    /// <summary>A binding step over the in-memory client, which never leaves one pending.</summary>
    private static T Completed<T>(ValueTask<T> step) =>
        step.IsCompletedSuccessfully ? step.Result : throw new InvalidOperationException("the in-memory binding client answers synchronously");

    /// <summary>
    /// The writes of an assumed placement, as the binder would make them and the PV controller and provisioner would
    /// complete them: static PVs bound to their claims; provisioned claims get a PV pinned to the node.
    /// The pod itself is not bound here. Changes only <paramref name="state"/>.
    /// </summary>
    public static void WriteVolumes(ClusterState state, NodeInfo node, PodVolumes volumes)
    {
        foreach (var binding in volumes.StaticBindings) Bind(state, state.GetClaim(binding.Claim.Key)!, state.Volumes.Get(binding.Volume.Name)!);
        foreach (var claim in volumes.DynamicProvisions)
        {
            var current = state.GetClaim(claim.Key)!;
            Bind(state, current, Provision(state, current, node));
        }
    }

    /// <summary>The PV controller's binding in the loaded cluster, recorded (how) for the report.</summary>
    private void Bind(ClaimInfo claim, VolumeInfo volume, string how)
    {
        Bind(_state, claim, volume);
        _controllerBindings.Add((claim.Key, volume.Name, how));
    }

    private static void Bind(ClusterState state, ClaimInfo claim, VolumeInfo volume)
    {
        state.Volumes.Upsert(volume with
        {
            ClaimRef = new ClaimReference(claim.Key.Namespace, claim.Key.Name, claim.Uid),
            BoundByController = true,
            Phase = VolumePhase.Bound,
        });
        state.UpsertClaim(claim with { VolumeName = volume.Name, BindCompleted = true, Phase = ClaimPhase.Bound });
    }

    /// <summary>
    /// What a provisioner creates: "pvc-&lt;uid&gt;", the requested size, pinned to the selected node by hostname; a CSI
    /// volume of the provisioner's driver (handle: the volume's name) when the provisioner is a CSI driver (a CSIDriver
    /// object of that name, or a name outside kubernetes.io/), as kubernetes-csi/external-provisioner writes spec.csi,
    /// so that NodeVolumeLimits counts it on the node as it counts the PV a cluster would have.
    /// CSIStorageCapacity that served the request shrinks by its size, as the driver would report.
    /// </summary>
    private static VolumeInfo Provision(ClusterState state, ClaimInfo claim, NodeInfo? node)
    {
        var name = "pvc-" + claim.Uid;
        var provisioner = state.GetStorageClass(claim.StorageClassName)?.Provisioner;
        var csiDriver = provisioner is { Length: > 0 } && (state.GetCsiDriver(provisioner) is not null || !provisioner.StartsWith("kubernetes.io/", StringComparison.Ordinal))
            ? provisioner
            : null;
        NodeSelector? affinity = null;
        if (node is not null)
        {
            var hostname = node.Labels.TryGetValue(Converter.HostnameLabel, out var h) ? h : node.Name;
            affinity = new NodeSelector([new NodeSelectorTerm([new SelectorRequirement(Converter.HostnameLabel, SelectorOperator.In, [hostname])], [])]);
            var storageClass = state.GetStorageClass(claim.StorageClassName);
            if (storageClass is not null && state.GetCsiDriver(storageClass.Provisioner) is { StorageCapacity: true })
            {
                var used = state.Capacities.FirstOrDefault(c => c.StorageClassName == storageClass.Name
                    && c.LimitBytes >= claim.RequestBytes && c.NodeTopology is { } t && SelectorMatching.Matches(t, node.Labels));
                if (used is not null)
                {
                    var left = (used.CapacityBytes ?? 0) - claim.RequestBytes;
                    state.UpsertCapacity(used with
                    {
                        CapacityBytes = used.CapacityBytes is null ? null : left,
                        MaximumVolumeSizeBytes = used.MaximumVolumeSizeBytes is { } max && used.CapacityBytes is not null ? Math.Min(max, left) : used.MaximumVolumeSizeBytes,
                    });
                }
            }
        }
        return new VolumeInfo
        {
            Name = name,
            CsiDriver = csiDriver,
            CsiVolumeHandle = csiDriver is null ? null : name,
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
}
