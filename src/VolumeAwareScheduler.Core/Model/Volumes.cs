using System.Collections.Frozen;

namespace VolumeAwareScheduler.Core.Model;

public enum VolumePhase : byte
{
    Pending,
    Available,
    Bound,
    Released,
    Failed,
}

public enum ClaimPhase : byte
{
    Pending,
    Bound,
    Lost,
}

/// <summary>A PV's spec.claimRef: the claim it is (pre-)bound to. An empty Uid matches any claim of that name.</summary>
public sealed record ClaimReference(string Namespace, string Name, string Uid)
{
    public ObjectKey Key => new(Namespace, Name);
}

/// <summary>
/// Immutable snapshot of a PersistentVolume, as the scheduler needs it. StorageClassName is already resolved
/// the way GetPersistentVolumeClass does (beta annotation first, then spec; "" when neither).
/// </summary>
public sealed record VolumeInfo
{
    public required string Name { get; init; }
    public string Uid { get; init; } = "";
    public string StorageClassName { get; init; } = "";
    /// <summary>
    /// spec.volumeAttributesClassName, "" when unset: FindMatchingVolume gives a claim only a PV of its own
    /// VolumeAttributesClass (GA and on by default since Kubernetes v1.34).
    /// </summary>
    public string VolumeAttributesClassName { get; init; } = "";
    /// <summary>spec.capacity.storage in bytes, rounded up as Quantity.Value() does.</summary>
    public long CapacityBytes { get; init; }
    public AccessModes AccessModes { get; init; }
    public VolumeMode VolumeMode { get; init; }
    public FrozenDictionary<string, string> Labels { get; init; } = FrozenDictionary<string, string>.Empty;
    /// <summary>spec.nodeAffinity.required; null when the PV has no required node affinity (usable everywhere).</summary>
    public NodeSelector? NodeAffinity { get; init; }
    public ClaimReference? ClaimRef { get; init; }
    /// <summary>
    /// pv.kubernetes.io/bound-by-controller is present: the claimRef was set by a binder (the PV controller, or the
    /// scheduler's PreBind as GetBindVolumeToClaim does), not by a user pre-binding the PV (pv_controller.go tells the
    /// two apart by this annotation when it unbinds).
    /// </summary>
    public bool BoundByController { get; init; }
    public VolumePhase Phase { get; init; } = VolumePhase.Available;
    public bool IsDeleting { get; init; }
    /// <summary>The CSI driver name, or null for in-tree sources such as local.</summary>
    public string? CsiDriver { get; init; }
    /// <summary>spec.csi.volumeHandle, or null for in-tree sources: NodeVolumeLimits counts a volume by driver and handle.</summary>
    public string? CsiVolumeHandle { get; init; }
    public string ResourceVersion { get; init; } = "";

    /// <summary>True when the PV controller could hand this PV to any claim: Available, unclaimed, not being deleted.</summary>
    public bool IsFree => ClaimRef is null && Phase == VolumePhase.Available && !IsDeleting;

    /// <summary>IsVolumeBoundToClaim (component-helpers/storage/volume/pv_helpers.go).</summary>
    public bool IsBoundTo(ClaimInfo claim) =>
        ClaimRef is { } reference
        && reference.Name == claim.Key.Name
        && reference.Namespace == claim.Key.Namespace
        && (reference.Uid.Length == 0 || reference.Uid == claim.Uid);
}

/// <summary>Immutable snapshot of a PersistentVolumeClaim.</summary>
public sealed record ClaimInfo
{
    public required ObjectKey Key { get; init; }
    public string Uid { get; init; } = "";
    /// <summary>GetPersistentVolumeClaimClass: beta annotation, then spec.storageClassName, else "".</summary>
    public string StorageClassName { get; init; } = "";
    /// <summary>spec.volumeAttributesClassName, "" when unset (unset and empty are the same to matching).</summary>
    public string VolumeAttributesClassName { get; init; } = "";
    /// <summary>spec.resources.requests.storage in bytes (rounded up); 0 when absent.</summary>
    public long RequestBytes { get; init; }
    public bool HasStorageRequest { get; init; } = true;
    public AccessModes AccessModes { get; init; }
    public VolumeMode VolumeMode { get; init; }
    public LabelSelector? Selector { get; init; }
    public string VolumeName { get; init; } = "";
    /// <summary>The pv.kubernetes.io/bind-completed annotation is present.</summary>
    public bool BindCompleted { get; init; }
    /// <summary>The volume.kubernetes.io/selected-node annotation, or null.</summary>
    public string? SelectedNode { get; init; }
    public ClaimPhase Phase { get; init; } = ClaimPhase.Pending;
    public bool IsDeleting { get; init; }
    /// <summary>UID of the controlling owner when that owner is a Pod (generic ephemeral volumes), else "".</summary>
    public string ControllerPodUid { get; init; } = "";
    public string ResourceVersion { get; init; } = "";

    /// <summary>isPVCFullyBound (volumebinding/binder.go): spec.volumeName set and bind-completed annotated.</summary>
    public bool IsFullyBound => VolumeName.Length > 0 && BindCompleted;
}

public enum VolumeBindingMode : byte
{
    Immediate,
    WaitForFirstConsumer,
}

public sealed record StorageClassInfo
{
    /// <summary>The provisioner name Kubernetes uses to say "no dynamic provisioning" (volume.NotSupportedProvisioner).</summary>
    public const string NotSupportedProvisioner = "kubernetes.io/no-provisioner";

    public required string Name { get; init; }
    public string Provisioner { get; init; } = "";
    public VolumeBindingMode BindingMode { get; init; }
    public IReadOnlyList<TopologySelectorTerm> AllowedTopologies { get; init; } = [];
    public bool IsDefault { get; init; }
    public DateTimeOffset CreationTimestamp { get; init; }
    /// <summary>
    /// The class opts in to the node-loss policy (<see cref="NodeLoss.NodeLossPolicy.Annotation"/> is "true"): claims
    /// of its PVs pinned to a node that is gone may be released (<see cref="NodeLoss.NodeLossPolicy.Plan"/>).
    /// </summary>
    public bool ReleasesClaimsOnNodeLoss { get; init; }

    public bool SupportsProvisioning => Provisioner.Length > 0 && Provisioner != NotSupportedProvisioner;
}

public sealed record CsiDriverInfo(string Name, bool StorageCapacity);

/// <summary>A CSIStorageCapacity object: capacity of one storage class in one topology segment.</summary>
public sealed record CsiStorageCapacityInfo
{
    public required ObjectKey Key { get; init; }
    public required string StorageClassName { get; init; }
    /// <summary>nodeTopology; null means the capacity is reachable from no node.</summary>
    public LabelSelector? NodeTopology { get; init; }
    public long? CapacityBytes { get; init; }
    public long? MaximumVolumeSizeBytes { get; init; }

    /// <summary>The limit upstream compares against: maximumVolumeSize when set, else capacity (capacitySufficient).</summary>
    public long? LimitBytes => MaximumVolumeSizeBytes ?? CapacityBytes;
}
