using System.Collections.Frozen;
using System.Collections.Immutable;
using k8s.Models;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Kubernetes.Conversion;

/// <summary>
/// V1 objects → Core snapshots, once, at the boundary. Validation that the API server would have done
/// (selector operators and value counts, quantities) is done here, so Core never sees an invalid object.
/// </summary>
public static class Converter
{
    public const string AnnBetaStorageClass = "volume.beta.kubernetes.io/storage-class";
    public const string AnnBindCompleted = "pv.kubernetes.io/bind-completed";
    public const string AnnBoundByController = "pv.kubernetes.io/bound-by-controller";
    public const string AnnSelectedNode = "volume.kubernetes.io/selected-node";
    public const string AnnDefaultStorageClass = "storageclass.kubernetes.io/is-default-class";
    public const string AnnProvisionedBy = "pv.kubernetes.io/provisioned-by";
    public const string HostnameLabel = "kubernetes.io/hostname";

    /// <summary>Allocatable assumed for a node that reports none (a dump without status): only the pod limit applies.</summary>
    public static readonly Resources UnreportedAllocatable = new(long.MaxValue / 4, long.MaxValue / 4, long.MaxValue / 4, 110);

    public static NodeInfo ToNode(V1Node node)
    {
        var name = RequireName(node.Metadata, "Node");
        var resources = node.Status?.Allocatable ?? node.Status?.Capacity;
        var allocatable = UnreportedAllocatable;
        if (resources is not null)
        {
            allocatable = new Resources(
                resources.TryGetValue("cpu", out var cpu) ? Quantities.MilliValue(cpu, "status.allocatable.cpu") : UnreportedAllocatable.MilliCpu,
                resources.TryGetValue("memory", out var memory) ? Quantities.Value(memory, "status.allocatable.memory") : UnreportedAllocatable.MemoryBytes,
                resources.TryGetValue("ephemeral-storage", out var eph) ? Quantities.Value(eph, "status.allocatable.ephemeral-storage") : UnreportedAllocatable.EphemeralStorageBytes,
                resources.TryGetValue("pods", out var pods) ? Quantities.Value(pods, "status.allocatable.pods") : UnreportedAllocatable.Pods);
        }
        return new NodeInfo
        {
            Name = name,
            Labels = Labels(node.Metadata?.Labels),
            Taints = [.. (node.Spec?.Taints ?? []).Select((t, i) => new Taint(t.Key ?? "", t.Value ?? "", ParseEffect(t.Effect, $"spec.taints[{i}].effect")))],
            Unschedulable = node.Spec?.Unschedulable ?? false,
            Allocatable = allocatable,
            AllocatableScalars = resources is null ? FrozenDictionary<string, long>.Empty : resources
                .Where(r => ResourceNames.IsScalar(r.Key))
                .ToFrozenDictionary(r => r.Key, r => Quantities.Value(r.Value, $"status.allocatable.{r.Key}"), StringComparer.Ordinal),
            Images = NodeImages(node.Status?.Images),
        };
    }

    /// <summary>status.images as framework NodeInfo.ImageStates keys them: each name of each image, with its size.</summary>
    private static FrozenDictionary<string, long> NodeImages(IList<V1ContainerImage>? images)
    {
        if (images is null || images.Count == 0) return FrozenDictionary<string, long>.Empty;
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            foreach (var name in image.Names ?? []) sizes[name] = image.SizeBytes ?? 0;
        }
        return sizes.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public static VolumeInfo ToVolume(V1PersistentVolume volume)
    {
        var name = RequireName(volume.Metadata, "PersistentVolume");
        var spec = volume.Spec ?? throw new ConversionException("spec is required");
        long capacity = 0;
        if (spec.Capacity is not null && spec.Capacity.TryGetValue("storage", out var storage)) capacity = Quantities.Value(storage, "spec.capacity.storage");
        else throw new ConversionException("spec.capacity.storage is required");
        var claimRef = spec.ClaimRef is { } r && !string.IsNullOrEmpty(r.Name)
            ? new ClaimReference(r.NamespaceProperty ?? "", r.Name, r.Uid ?? "")
            : null;
        return new VolumeInfo
        {
            Name = name,
            Uid = volume.Metadata?.Uid ?? "",
            StorageClassName = Annotation(volume.Metadata, AnnBetaStorageClass) ?? spec.StorageClassName ?? "",
            VolumeAttributesClassName = spec.VolumeAttributesClassName ?? "",
            CapacityBytes = capacity,
            AccessModes = AccessModesOf(spec.AccessModes, "spec.accessModes"),
            VolumeMode = VolumeModeOf(spec.VolumeMode, "spec.volumeMode"),
            Labels = Labels(volume.Metadata?.Labels),
            NodeAffinity = spec.NodeAffinity?.Required is { } required ? ToNodeSelector(required, "spec.nodeAffinity.required") : null,
            ClaimRef = claimRef,
            BoundByController = Annotation(volume.Metadata, AnnBoundByController) is not null,
            Phase = VolumePhaseOf(volume.Status?.Phase, claimRef),
            IsDeleting = volume.Metadata?.DeletionTimestamp is not null,
            CsiDriver = spec.Csi?.Driver,
            CsiVolumeHandle = spec.Csi?.VolumeHandle,
            ResourceVersion = volume.Metadata?.ResourceVersion ?? "",
        };
    }

    /// <summary>The class a claim asks for; null when it names none (the DefaultStorageClass admission plugin then assigns one).</summary>
    public static string? RequestedStorageClass(V1PersistentVolumeClaim claim) =>
        Annotation(claim.Metadata, AnnBetaStorageClass) ?? claim.Spec?.StorageClassName;

    public static ClaimInfo ToClaim(V1PersistentVolumeClaim claim, string defaultNamespace = "default")
    {
        var name = RequireName(claim.Metadata, "PersistentVolumeClaim");
        var spec = claim.Spec ?? throw new ConversionException("spec is required");
        var hasRequest = spec.Resources?.Requests is { } requests && requests.ContainsKey("storage");
        var request = hasRequest ? Quantities.Value(spec.Resources!.Requests["storage"], "spec.resources.requests.storage") : 0;
        var controller = claim.Metadata?.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
        return new ClaimInfo
        {
            Key = new ObjectKey(NamespaceOf(claim.Metadata, defaultNamespace), name),
            Uid = claim.Metadata?.Uid ?? "",
            StorageClassName = RequestedStorageClass(claim) ?? "",
            VolumeAttributesClassName = spec.VolumeAttributesClassName ?? "",
            RequestBytes = request,
            HasStorageRequest = hasRequest,
            AccessModes = AccessModesOf(spec.AccessModes, "spec.accessModes"),
            VolumeMode = VolumeModeOf(spec.VolumeMode, "spec.volumeMode"),
            Selector = spec.Selector is { } selector ? ToLabelSelector(selector, "spec.selector") : null,
            VolumeName = spec.VolumeName ?? "",
            BindCompleted = Annotation(claim.Metadata, AnnBindCompleted) is not null,
            SelectedNode = Annotation(claim.Metadata, AnnSelectedNode),
            Phase = claim.Status?.Phase switch
            {
                "Bound" => ClaimPhase.Bound,
                "Lost" => ClaimPhase.Lost,
                _ => ClaimPhase.Pending,
            },
            IsDeleting = claim.Metadata?.DeletionTimestamp is not null,
            ControllerPodUid = controller is { Kind: "Pod" } ? controller.Uid ?? "" : "",
            ResourceVersion = claim.Metadata?.ResourceVersion ?? "",
        };
    }

    public static StorageClassInfo ToStorageClass(V1StorageClass storageClass)
    {
        var name = RequireName(storageClass.Metadata, "StorageClass");
        return new StorageClassInfo
        {
            Name = name,
            Provisioner = storageClass.Provisioner ?? "",
            BindingMode = storageClass.VolumeBindingMode switch
            {
                null or "" or "Immediate" => VolumeBindingMode.Immediate,
                "WaitForFirstConsumer" => VolumeBindingMode.WaitForFirstConsumer,
                var other => throw new ConversionException($"volumeBindingMode \"{other}\" is not Immediate or WaitForFirstConsumer"),
            },
            AllowedTopologies = [.. (storageClass.AllowedTopologies ?? []).Select(t => new TopologySelectorTerm(
                [.. (t.MatchLabelExpressions ?? []).Select(e => (e.Key, ImmutableArray.CreateRange(e.Values ?? [])))]))],
            IsDefault = Annotation(storageClass.Metadata, AnnDefaultStorageClass) == "true",
            ReleasesClaimsOnNodeLoss = Annotation(storageClass.Metadata, Core.NodeLoss.NodeLossPolicy.Annotation) == "true",
            CreationTimestamp = storageClass.Metadata?.CreationTimestamp is { } created ? new DateTimeOffset(created, TimeSpan.Zero) : DateTimeOffset.MinValue,
        };
    }

    /// <summary>A CSINode: its drivers and their spec.drivers[].allocatable.count (null when the driver reports none).</summary>
    public static CsiNodeInfo ToCsiNode(V1CSINode csiNode) => new(
        RequireName(csiNode.Metadata, "CSINode"),
        [.. (csiNode.Spec?.Drivers ?? []).Select(d => new CsiNodeDriver(d.Name ?? throw new ConversionException("spec.drivers[].name is required"), d.Allocatable?.Count))]);

    public static CsiDriverInfo ToCsiDriver(V1CSIDriver driver) =>
        new(RequireName(driver.Metadata, "CSIDriver"), driver.Spec?.StorageCapacity ?? false);

    public static CsiStorageCapacityInfo ToCapacity(V1CSIStorageCapacity capacity, string defaultNamespace = "default") => new()
    {
        Key = new ObjectKey(NamespaceOf(capacity.Metadata, defaultNamespace), RequireName(capacity.Metadata, "CSIStorageCapacity")),
        StorageClassName = capacity.StorageClassName ?? throw new ConversionException("storageClassName is required"),
        NodeTopology = capacity.NodeTopology is { } topology ? ToLabelSelector(topology, "nodeTopology") : null,
        CapacityBytes = capacity.Capacity is { } c ? Quantities.Value(c, "capacity") : null,
        MaximumVolumeSizeBytes = capacity.MaximumVolumeSize is { } m ? Quantities.Value(m, "maximumVolumeSize") : null,
    };

    public static PodInfo ToPod(V1Pod pod, string defaultNamespace = "default")
    {
        var name = RequireName(pod.Metadata, "Pod");
        var spec = pod.Spec ?? throw new ConversionException("spec is required");
        var affinity = spec.Affinity?.NodeAffinity;
        var requests = PodResourceRequests.Of(spec);
        var labels = Labels(pod.Metadata?.Labels);
        var podAffinity = spec.Affinity?.PodAffinity;
        var podAntiAffinity = spec.Affinity?.PodAntiAffinity;
        const string affinityPath = "spec.affinity.podAffinity.";
        const string antiAffinityPath = "spec.affinity.podAntiAffinity.";
        return new PodInfo
        {
            Key = new ObjectKey(NamespaceOf(pod.Metadata, defaultNamespace), name),
            Uid = pod.Metadata?.Uid ?? "",
            NodeName = spec.NodeName ?? "",
            SchedulerName = string.IsNullOrEmpty(spec.SchedulerName) ? "default-scheduler" : spec.SchedulerName,
            Priority = spec.Priority ?? 0,
            NodeSelector = Labels(spec.NodeSelector),
            RequiredNodeAffinity = affinity?.RequiredDuringSchedulingIgnoredDuringExecution is { } required
                ? ToNodeSelector(required, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution")
                : null,
            PreferredNodeAffinity = [.. (affinity?.PreferredDuringSchedulingIgnoredDuringExecution ?? []).Select((p, i) =>
                new WeightedNodeSelectorTerm(p.Weight, ToTerm(p.Preference ?? throw new ConversionException($"spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[{i}].preference: Required value"),
                    $"spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[{i}].preference")))],
            Tolerations = [.. (spec.Tolerations ?? []).Select((t, i) => new Toleration(
                t.Key ?? "",
                t.OperatorProperty switch
                {
                    null or "" or "Equal" => TolerationOperator.Equal,
                    "Exists" => TolerationOperator.Exists,
                    var other => throw new ConversionException($"spec.tolerations[{i}].operator \"{other}\" is not Equal or Exists"),
                },
                t.Value ?? "",
                string.IsNullOrEmpty(t.Effect) ? null : ParseEffect(t.Effect, $"spec.tolerations[{i}].effect")))],
            Requests = requests.Requests,
            NonZeroRequests = requests.NonZero,
            ScalarRequests = requests.Scalars,
            Claims = [.. (spec.Volumes ?? []).Select(v => ClaimReferenceOf(name, v)).OfType<PodClaimReference>()],
            IsDeleting = pod.Metadata?.DeletionTimestamp is not null,
            SchedulingGates = [.. (spec.SchedulingGates ?? []).Select(g => g.Name ?? "")],
            HostPorts = HostPortsOf(spec),
            Images = [.. (spec.InitContainers ?? []).Concat(spec.Containers ?? []).Select(c => c.Image ?? "")],
            Labels = labels,
            Controller = pod.Metadata?.OwnerReferences?.FirstOrDefault(o => o.Controller == true) is { } owner
                ? new ControllerReference(owner.ApiVersion ?? "", owner.Kind ?? "", owner.Name ?? "")
                : null,
            RequiredPodAffinity = [.. (podAffinity?.RequiredDuringSchedulingIgnoredDuringExecution ?? []).Select((t, i) =>
                ToPodAffinityTerm(t, labels, $"{affinityPath}requiredDuringSchedulingIgnoredDuringExecution[{i}]"))],
            PreferredPodAffinity = [.. (podAffinity?.PreferredDuringSchedulingIgnoredDuringExecution ?? []).Select((t, i) =>
                new WeightedPodAffinityTerm(t.Weight, ToPodAffinityTerm(t.PodAffinityTerm, labels, $"{affinityPath}preferredDuringSchedulingIgnoredDuringExecution[{i}].podAffinityTerm")))],
            RequiredPodAntiAffinity = [.. (podAntiAffinity?.RequiredDuringSchedulingIgnoredDuringExecution ?? []).Select((t, i) =>
                ToPodAffinityTerm(t, labels, $"{antiAffinityPath}requiredDuringSchedulingIgnoredDuringExecution[{i}]"))],
            PreferredPodAntiAffinity = [.. (podAntiAffinity?.PreferredDuringSchedulingIgnoredDuringExecution ?? []).Select((t, i) =>
                new WeightedPodAffinityTerm(t.Weight, ToPodAffinityTerm(t.PodAffinityTerm, labels, $"{antiAffinityPath}preferredDuringSchedulingIgnoredDuringExecution[{i}].podAffinityTerm")))],
            TopologySpreadConstraints = [.. (spec.TopologySpreadConstraints ?? []).Select((c, i) => ToSpreadConstraint(c, $"spec.topologySpreadConstraints[{i}]"))],
            PreemptionPolicy = spec.PreemptionPolicy == "Never" ? PreemptionPolicy.Never : PreemptionPolicy.PreemptLowerPriority,
            StartTime = pod.Status?.StartTime is { } started ? new DateTimeOffset(DateTime.SpecifyKind(started, DateTimeKind.Utc)) : null,
            NominatedNodeName = pod.Status?.NominatedNodeName ?? "",
            DisruptionTargetReason = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "DisruptionTarget") is { Status: "True" } target ? target.Reason ?? "" : "",
        };
    }

    /// <summary>A policy/v1 PodDisruptionBudget: an invalid selector matches nothing, as upstream's preemption reads it.</summary>
    public static PodDisruptionBudgetInfo ToPodDisruptionBudget(V1PodDisruptionBudget budget)
    {
        LabelSelector? selector = null;
        if (budget.Spec?.Selector is { } given)
        {
            try
            {
                selector = ToLabelSelector(given, "spec.selector");
            }
            catch (ConversionException)
            {
                selector = null;
            }
        }
        return new PodDisruptionBudgetInfo
        {
            Key = new ObjectKey(NamespaceOf(budget.Metadata, "default"), RequireName(budget.Metadata, "PodDisruptionBudget")),
            Selector = selector,
            DisruptionsAllowed = budget.Status?.DisruptionsAllowed ?? 0,
            DisruptedPods = (budget.Status?.DisruptedPods?.Keys ?? []).ToFrozenSet(StringComparer.Ordinal),
        };
    }

    /// <summary>
    /// schedutil GetHostPorts: the ports with a hostPort of the containers and of the init containers that keep
    /// running (restartPolicy Always).
    /// </summary>
    public static System.Collections.Immutable.ImmutableArray<HostPort> HostPortsOf(V1PodSpec spec) =>
    [
        .. (spec.InitContainers ?? []).Where(c => c.RestartPolicy == "Always").Concat(spec.Containers ?? [])
            .SelectMany(c => c.Ports ?? [])
            .Where(p => p.HostPort is > 0)
            .Select(p => HostPort.Of(p.HostIP, p.Protocol, p.HostPort!.Value)),
    ];
    /// A v1.PodAffinityTerm, with matchLabelKeys and mismatchLabelKeys merged into the selector as the API server does at
    /// creation (a pod read from the API already has them merged; merging again selects the same pods).
    /// </summary>
    public static PodAffinityTerm ToPodAffinityTerm(V1PodAffinityTerm? term, IReadOnlyDictionary<string, string> podLabels, string path)
    {
        if (term is null) throw new ConversionException($"{path} is required");
        if (string.IsNullOrEmpty(term.TopologyKey)) throw new ConversionException($"{path}.topologyKey: Required value: can not be empty");
        return new PodAffinityTerm(
            term.LabelSelector is { } selector ? ToLabelSelector(selector, path + ".labelSelector") : null,
            [.. term.Namespaces ?? []],
            term.NamespaceSelector is { } namespaceSelector ? ToLabelSelector(namespaceSelector, path + ".namespaceSelector") : null,
            term.TopologyKey).WithLabelKeys(podLabels, [.. term.MatchLabelKeys ?? []], [.. term.MismatchLabelKeys ?? []]);
    }

    public static TopologySpreadConstraint ToSpreadConstraint(V1TopologySpreadConstraint constraint, string path)
    {
        if (constraint.MaxSkew <= 0) throw new ConversionException($"{path}.maxSkew: Invalid value: {constraint.MaxSkew}: must be greater than zero");
        if (string.IsNullOrEmpty(constraint.TopologyKey)) throw new ConversionException($"{path}.topologyKey: Required value: can not be empty");
        if (constraint.MinDomains is <= 0) throw new ConversionException($"{path}.minDomains: Invalid value: {constraint.MinDomains}: must be greater than zero");
        return new TopologySpreadConstraint(
            constraint.MaxSkew,
            constraint.TopologyKey,
            constraint.WhenUnsatisfiable switch
            {
                "DoNotSchedule" => UnsatisfiableConstraintAction.DoNotSchedule,
                "ScheduleAnyway" => UnsatisfiableConstraintAction.ScheduleAnyway,
                var other => throw new ConversionException($"{path}.whenUnsatisfiable \"{other}\" is not DoNotSchedule or ScheduleAnyway"),
            },
            constraint.LabelSelector is { } selector ? ToLabelSelector(selector, path + ".labelSelector") : null,
            constraint.MinDomains,
            InclusionPolicy(constraint.NodeAffinityPolicy, path + ".nodeAffinityPolicy"),
            InclusionPolicy(constraint.NodeTaintsPolicy, path + ".nodeTaintsPolicy"))
        {
            MatchLabelKeys = [.. constraint.MatchLabelKeys ?? []],
        };
    }

    private static NodeInclusionPolicy? InclusionPolicy(string? policy, string path) => policy switch
    {
        null or "" => null,
        "Honor" => NodeInclusionPolicy.Honor,
        "Ignore" => NodeInclusionPolicy.Ignore,
        _ => throw new ConversionException($"{path} \"{policy}\" is not Honor or Ignore"),
    };

    public static NamespaceInfo ToNamespace(V1Namespace ns) => new(RequireName(ns.Metadata, "Namespace"), Labels(ns.Metadata?.Labels));

    /// <summary>A Service's spec.selector: null when the Service has none (it selects no pod).</summary>
    public static ServiceInfo ToService(V1Service service, string defaultNamespace = "default") =>
        new(new ObjectKey(NamespaceOf(service.Metadata, defaultNamespace), RequireName(service.Metadata, "Service")),
            service.Spec?.Selector is { } selector ? selector.ToFrozenDictionary(StringComparer.Ordinal) : null);

    public static ReplicationControllerInfo ToReplicationController(V1ReplicationController controller, string defaultNamespace = "default") =>
        new(new ObjectKey(NamespaceOf(controller.Metadata, defaultNamespace), RequireName(controller.Metadata, "ReplicationController")),
            controller.Spec?.Selector is { } selector ? selector.ToFrozenDictionary(StringComparer.Ordinal) : null);

    public static ReplicaSetInfo ToReplicaSet(V1ReplicaSet replicaSet, string defaultNamespace = "default") =>
        new(new ObjectKey(NamespaceOf(replicaSet.Metadata, defaultNamespace), RequireName(replicaSet.Metadata, "ReplicaSet")),
            replicaSet.Spec?.Selector is { } selector ? ToLabelSelector(selector, "spec.selector") : null);

    public static StatefulSetInfo ToStatefulSet(V1StatefulSet statefulSet, string defaultNamespace = "default") =>
        new(new ObjectKey(NamespaceOf(statefulSet.Metadata, defaultNamespace), RequireName(statefulSet.Metadata, "StatefulSet")),
            statefulSet.Spec?.Selector is { } selector ? ToLabelSelector(selector, "spec.selector") : null);

    /// <summary>A pod volume's claim: persistentVolumeClaim, or a generic ephemeral volume's "&lt;pod&gt;-&lt;volume&gt;" (ephemeral.VolumeClaimName).</summary>
    public static PodClaimReference? ClaimReferenceOf(string podName, V1Volume volume)
    {
        if (volume.PersistentVolumeClaim is { } pvc) return new PodClaimReference(volume.Name, pvc.ClaimName, IsEphemeral: false, pvc.ReadOnlyProperty ?? false);
        if (volume.Ephemeral is not null) return new PodClaimReference(volume.Name, $"{podName}-{volume.Name}", IsEphemeral: true, ReadOnly: false);
        return null;
    }

    /// <summary>Effective pod requests (<see cref="PodResourceRequests.Of"/>); Pods is 1.</summary>
    public static Resources PodRequests(V1PodSpec spec) => PodResourceRequests.Of(spec).Requests;

    public static NodeSelector ToNodeSelector(V1NodeSelector selector, string path) =>
        new([.. (selector.NodeSelectorTerms ?? []).Select((t, i) => ToTerm(t, $"{path}.nodeSelectorTerms[{i}]"))]);

    public static NodeSelectorTerm ToTerm(V1NodeSelectorTerm term, string path) => new(
        [.. (term.MatchExpressions ?? []).Select((r, i) => ToRequirement(r.Key, r.OperatorProperty, r.Values, $"{path}.matchExpressions[{i}]", allowNumeric: true))],
        [.. (term.MatchFields ?? []).Select((r, i) => ToFieldRequirement(r, $"{path}.matchFields[{i}]"))]);

    private static SelectorRequirement ToFieldRequirement(V1NodeSelectorRequirement r, string path)
    {
        var requirement = ToRequirement(r.Key, r.OperatorProperty, r.Values, path, allowNumeric: false);
        if (requirement.Operator is not (SelectorOperator.In or SelectorOperator.NotIn))
            throw new ConversionException($"{path}.operator \"{r.OperatorProperty}\" is not supported for matchFields (In, NotIn)");
        if (requirement.Values.Length != 1) throw new ConversionException($"{path}.values must have one element");
        return requirement;
    }

    public static LabelSelector ToLabelSelector(V1LabelSelector selector, string path) => new(
        (selector.MatchLabels ?? new Dictionary<string, string>()).ToFrozenDictionary(StringComparer.Ordinal),
        [.. (selector.MatchExpressions ?? []).Select((r, i) => ToRequirement(r.Key, r.OperatorProperty, r.Values, $"{path}.matchExpressions[{i}]", allowNumeric: false))]);

    /// <summary>labels.NewRequirement's checks: In/NotIn need values, Exists/DoesNotExist none, Gt/Lt one integer.</summary>
    private static SelectorRequirement ToRequirement(string? key, string? op, IList<string>? values, string path, bool allowNumeric)
    {
        if (string.IsNullOrEmpty(key)) throw new ConversionException($"{path}.key is required");
        var list = ImmutableArray.CreateRange(values ?? []);
        var parsed = op switch
        {
            "In" => SelectorOperator.In,
            "NotIn" => SelectorOperator.NotIn,
            "Exists" => SelectorOperator.Exists,
            "DoesNotExist" => SelectorOperator.DoesNotExist,
            "Gt" when allowNumeric => SelectorOperator.Gt,
            "Lt" when allowNumeric => SelectorOperator.Lt,
            _ => throw new ConversionException($"{path}.operator \"{op}\" is not a valid operator"),
        };
        switch (parsed)
        {
            case SelectorOperator.In or SelectorOperator.NotIn when list.IsEmpty:
                throw new ConversionException($"{path}.values: must be specified when operator is {op}");
            case SelectorOperator.Exists or SelectorOperator.DoesNotExist when !list.IsEmpty:
                throw new ConversionException($"{path}.values: may not be specified when operator is {op}");
            case SelectorOperator.Gt or SelectorOperator.Lt when list.Length != 1 || !long.TryParse(list[0], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _):
                throw new ConversionException($"{path}.values: must be a single integer when operator is {op}");
        }
        return new SelectorRequirement(key, parsed, list);
    }

    public static AccessModes AccessModesOf(IList<string>? modes, string path)
    {
        var result = AccessModes.None;
        foreach (var mode in modes ?? [])
        {
            try
            {
                result |= AccessModesExtensions.Parse(mode);
            }
            catch (FormatException e)
            {
                throw new ConversionException($"{path}: {e.Message}");
            }
        }
        return result;
    }

    private static VolumeMode VolumeModeOf(string? mode, string path) => mode switch
    {
        null or "" or "Filesystem" => VolumeMode.Filesystem,
        "Block" => VolumeMode.Block,
        _ => throw new ConversionException($"{path} \"{mode}\" is not Filesystem or Block"),
    };

    /// <summary>A PV without status gets what the PV controller would give it: Bound when claimed, else Available.</summary>
    private static VolumePhase VolumePhaseOf(string? phase, ClaimReference? claimRef) => phase switch
    {
        "Pending" => VolumePhase.Pending,
        "Available" => VolumePhase.Available,
        "Bound" => VolumePhase.Bound,
        "Released" => VolumePhase.Released,
        "Failed" => VolumePhase.Failed,
        null or "" => claimRef is null ? VolumePhase.Available : VolumePhase.Pending,
        _ => throw new ConversionException($"status.phase \"{phase}\" is not a PersistentVolume phase"),
    };

    private static TaintEffect ParseEffect(string? effect, string path) => effect switch
    {
        "NoSchedule" => TaintEffect.NoSchedule,
        "PreferNoSchedule" => TaintEffect.PreferNoSchedule,
        "NoExecute" => TaintEffect.NoExecute,
        _ => throw new ConversionException($"{path} \"{effect}\" is not NoSchedule, PreferNoSchedule or NoExecute"),
    };

    private static FrozenDictionary<string, string> Labels(IDictionary<string, string>? labels) =>
        labels is null || labels.Count == 0 ? FrozenDictionary<string, string>.Empty : labels.ToFrozenDictionary(StringComparer.Ordinal);

    private static string? Annotation(V1ObjectMeta? metadata, string key) =>
        metadata?.Annotations is { } annotations && annotations.TryGetValue(key, out var value) ? value : null;

    private static string RequireName(V1ObjectMeta? metadata, string kind) =>
        string.IsNullOrEmpty(metadata?.Name) ? throw new ConversionException($"{kind} has no metadata.name") : metadata.Name;

    private static string NamespaceOf(V1ObjectMeta? metadata, string defaultNamespace) =>
        string.IsNullOrEmpty(metadata?.NamespaceProperty) ? defaultNamespace : metadata.NamespaceProperty;
}
