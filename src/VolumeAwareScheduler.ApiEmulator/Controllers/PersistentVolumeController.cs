using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Selectors;
using VolumeAwareScheduler.ApiEmulator.Storage;
using static VolumeAwareScheduler.ApiEmulator.Controllers.VolumeHelpers;

namespace VolumeAwareScheduler.ApiEmulator.Controllers;

/// <summary>
/// The binding half of kube-controller-manager's PV controller, minimal but faithful to
/// pkg/controller/volume/persistentvolume/pv_controller.go (syncClaim, syncUnboundClaim, syncBoundClaim,
/// syncVolume, bind) and the matching rules of
/// k8s.io/component-helpers/storage/volume/pv_helpers.go FindMatchingVolume.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>New claims get phase Pending; volumes without a claimRef get phase Available.</item>
/// <item>A volume whose claimRef names an existing claim (uid, if set, equal) that is unbound or bound to it
/// completes the bind: claim <c>spec.volumeName</c>, the bind-completed / bound-by-controller annotations, claim
/// status (Bound, capacity, access modes) and volume phase Bound.</item>
/// <item>Unbound claims in Immediate mode (no class, unknown class, or a class without WaitForFirstConsumer) are
/// bound to the smallest Available volume that matches class, VolumeAttributesClass, access modes, capacity, volume
/// mode and selector. Delayed claims are left for the scheduler, except volumes pre-bound to them, which must still
/// have the claim's size, volume mode and VolumeAttributesClass (as Kubernetes v1.34+ checks it).</item>
/// <item>A claim naming an unclaimed volume in <c>spec.volumeName</c> is bound only if the volume satisfies it
/// (checkVolumeSatisfyClaim); otherwise it stays Pending with a Warning VolumeMismatch event.</item>
/// <item>A bound volume whose claim is gone becomes Released; dynamically provisioned ones with reclaim policy
/// Delete are deleted (the deleter is simulated).</item>
/// </list>
/// Binding writes spec and status of each object in one update (upstream uses two); the end state is the same.
/// </remarks>
internal sealed class PersistentVolumeController(ControllerStore api) : IController
{
    public const string ControllerName = "persistentvolume-controller";

    // The volumes whose claimRef names a claim (namespace, name), kept from the PV events this loop has seen, like
    // the controller's informer index: a claim's sync looks up its pre-bound volumes instead of reading every PV.
    // An entry may be stale (the PV changed since): candidates are re-read and checked. A PV missing from it has an
    // event still to come, whose SyncVolume completes the same bind.
    private readonly Dictionary<(string Namespace, string Name), SortedSet<string>> _volumesByClaim = [];
    private readonly Dictionary<string, (string Namespace, string Name)> _claimOfVolume = new(StringComparer.Ordinal);

    public string Name => ControllerName;

    public void Handle(StoreEvent change)
    {
        var plural = change.Object.Kind.Plural;
        if (plural is not ("persistentvolumeclaims" or "persistentvolumes" or "storageclasses"))
        {
            return;
        }

        var obj = change.Object.ToJsonObject();
        if (plural == "persistentvolumes")
        {
            IndexVolume(change.Object.Name, change.Type == StoreEventType.Deleted ? null : Json.GetObject(obj, "spec.claimRef"));
        }

        switch (plural)
        {
            case "persistentvolumeclaims" when change.Type != StoreEventType.Deleted:
                SyncClaim(obj);
                break;
            case "persistentvolumeclaims":
                foreach (var volume in VolumesNaming(obj))
                {
                    SyncVolume(volume);
                }

                break;
            case "persistentvolumes" when change.Type != StoreEventType.Deleted:
                SyncVolume(obj);
                break;
            case "persistentvolumes":
                if (Json.GetObject(obj, "spec.claimRef") is { } claimRef
                    && api.Get("persistentvolumeclaims", Json.GetString(claimRef, "namespace"), Json.GetString(claimRef, "name") ?? "") is { } orphan)
                {
                    SyncClaim(orphan);
                }

                break;
            case "storageclasses" when change.Type != StoreEventType.Deleted:
                foreach (var claim in api.List("persistentvolumeclaims").Where(c => ClassOf(c) == Name(obj) && string.IsNullOrEmpty(Json.GetString(c, "spec.volumeName"))))
                {
                    SyncClaim(claim);
                }

                break;
        }
    }

    /// <summary>pv_controller.go syncClaim → syncUnboundClaim / syncBoundClaim.</summary>
    private void SyncClaim(JsonObject claim)
    {
        if (IsDeleting(claim))
        {
            return;
        }

        if (string.IsNullOrEmpty(Json.GetString(claim, "status.phase")))
        {
            Json.Ensure(claim, "status")["phase"] = "Pending";
            if (api.Update("persistentvolumeclaims", claim) is not { } pending)
            {
                return;
            }

            claim = pending;
        }

        var volumeName = Json.GetString(claim, "spec.volumeName") ?? "";
        if (volumeName.Length == 0)
        {
            // syncUnboundClaim: a volume pre-bound to this claim wins; otherwise match only in Immediate mode.
            var volume = VolumesNaming(claim).FirstOrDefault(v => !IsDeleting(v) && PreboundVolumeFits(v, claim))
                ?? (IsDelayBinding(claim, api) ? null : FindMatchingVolume(claim, api.List("persistentvolumes").Where(v => !IsDeleting(v))));
            if (volume is not null)
            {
                Bind(volume, claim);
            }

            return;
        }

        var bound = api.Get("persistentvolumes", null, volumeName);
        if (bound is null)
        {
            SetClaimLostIfBound(claim);
            return;
        }

        var claimRef = Json.GetObject(bound, "spec.claimRef");
        if (claimRef is null && Annotation(claim, AnnBindCompleted) is null && CheckVolumeSatisfiesClaim(bound, claim) is { } mismatch)
        {
            // syncUnboundClaim: the user asked for a volume that does not satisfy the claim.
            api.RecordEvent(claim, "persistentvolumeclaims", "Warning", "VolumeMismatch", $"Cannot bind to requested volume \"{Name(bound)}\": {mismatch}");
            SetClaimPhase(claim, "Pending");
        }
        else if (claimRef is null || ClaimRefMatches(claimRef, claim))
        {
            // The user pre-bound the claim to this volume, or the bind is half done: finish it.
            Bind(bound, claim);
        }
        else
        {
            SetClaimLostIfBound(claim);
        }
    }

    /// <summary>The volumes whose claimRef names <paramref name="claim"/> now (re-read from the store), in name order.</summary>
    private List<JsonObject> VolumesNaming(JsonObject claim)
    {
        if (!_volumesByClaim.TryGetValue((Namespace(claim), Name(claim)), out var names))
        {
            return [];
        }

        var volumes = new List<JsonObject>(names.Count);
        foreach (var name in names)
        {
            if (api.Get("persistentvolumes", null, name) is { } volume && ClaimRefMatches(Json.GetObject(volume, "spec.claimRef"), claim))
            {
                volumes.Add(volume);
            }
        }

        return volumes;
    }

    private void IndexVolume(string volumeName, JsonObject? claimRef)
    {
        if (_claimOfVolume.Remove(volumeName, out var previous) && _volumesByClaim.TryGetValue(previous, out var previousSet))
        {
            previousSet.Remove(volumeName);
            if (previousSet.Count == 0)
            {
                _volumesByClaim.Remove(previous);
            }
        }

        if (claimRef is null)
        {
            return;
        }

        var claim = (Json.GetString(claimRef, "namespace") ?? "", Json.GetString(claimRef, "name") ?? "");
        _claimOfVolume[volumeName] = claim;
        if (!_volumesByClaim.TryGetValue(claim, out var set))
        {
            set = new SortedSet<string>(StringComparer.Ordinal);
            _volumesByClaim[claim] = set;
        }

        set.Add(volumeName);
    }

    /// <summary>pv_controller.go syncVolume.</summary>
    private void SyncVolume(JsonObject volume)
    {
        if (IsDeleting(volume))
        {
            return;
        }

        var claimRef = Json.GetObject(volume, "spec.claimRef");
        if (claimRef is null)
        {
            SetVolumePhase(volume, "Available");
            return;
        }

        var claim = api.Get("persistentvolumeclaims", Json.GetString(claimRef, "namespace"), Json.GetString(claimRef, "name") ?? "");
        var refUid = Json.GetString(claimRef, "uid") ?? "";
        if (claim is not null && refUid.Length > 0 && refUid != Uid(claim))
        {
            // The claim was deleted and recreated: the volume's claim is gone.
            claim = null;
        }

        if (claim is null)
        {
            if (refUid.Length == 0)
            {
                // Pre-bound to a claim that does not exist yet.
                SetVolumePhase(volume, "Available");
                return;
            }

            ReleaseVolume(volume);
            return;
        }

        var claimVolume = Json.GetString(claim, "spec.volumeName") ?? "";
        if (claimVolume.Length == 0)
        {
            // syncVolume leaves a volume pre-bound to a pending claim to the claim's sync, whose FindMatchingVolume
            // takes it only if it fits the claim (size, volume mode, VolumeAttributesClass).
            SyncClaim(claim);
            return;
        }

        if (claimVolume == Name(volume))
        {
            Bind(volume, claim);
            return;
        }

        // The claim is bound to another volume.
        if (Annotation(volume, AnnBoundByController) == "yes")
        {
            // We (or the scheduler acting like us) set the claimRef: undo it so the volume is free again.
            Json.GetObject(volume, "spec")!.Remove("claimRef");
            Json.GetObject(volume, "metadata.annotations")?.Remove(AnnBoundByController);
            Json.Ensure(volume, "status")["phase"] = "Available";
            api.Update("persistentvolumes", volume);
        }
        else
        {
            ReleaseVolume(volume);
        }
    }

    /// <summary>pv_controller.go bind: bindVolumeToClaim, updateVolumePhase(Bound), bindClaimToVolume, updateClaimStatus(Bound).</summary>
    private void Bind(JsonObject volume, JsonObject claim)
    {
        // Each object is written only when this changes it (bindVolumeToClaim and updateVolumePhase, bindClaimToVolume
        // and updateClaimStatus return early when there is nothing to do): once a bind is complete, the later syncs of
        // the volume and the claim, which all come here, write nothing.
        var volumeChanged = false;
        var spec = Json.Ensure(volume, "spec");
        if (!ClaimRefMatches(spec["claimRef"] as JsonObject, claim) || string.IsNullOrEmpty(Json.GetString(spec, "claimRef.uid")))
        {
            spec["claimRef"] = new JsonObject
            {
                ["kind"] = "PersistentVolumeClaim",
                ["namespace"] = Namespace(claim),
                ["name"] = Name(claim),
                ["uid"] = Uid(claim),
                ["apiVersion"] = "v1",
                ["resourceVersion"] = Json.GetString(claim, "metadata.resourceVersion"),
            };
            SetAnnotation(volume, AnnBoundByController, "yes");
            volumeChanged = true;
        }

        if (Json.GetString(volume, "status.phase") != "Bound")
        {
            Json.Ensure(volume, "status")["phase"] = "Bound";
            volumeChanged = true;
        }

        JsonObject boundVolume;
        if (volumeChanged)
        {
            if (api.Update("persistentvolumes", volume) is not { } updated)
            {
                return;
            }

            boundVolume = updated;
        }
        else if (api.IsCurrent("persistentvolumes", volume))
        {
            boundVolume = volume;
        }
        else
        {
            // Read before a later change, as a refused write would have been: that change's event syncs again.
            return;
        }

        var accessModes = Json.GetArray(boundVolume, "spec.accessModes") ?? [];
        var capacity = Json.GetObject(boundVolume, "spec.capacity") ?? [];
        if (Json.GetString(claim, "spec.volumeName") == Name(boundVolume)
            && Annotation(claim, AnnBindCompleted) == "yes"
            && Json.GetString(claim, "status.phase") == "Bound"
            && JsonNode.DeepEquals(Json.GetArray(claim, "status.accessModes"), accessModes)
            && JsonNode.DeepEquals(Json.GetObject(claim, "status.capacity"), capacity))
        {
            return;
        }

        var claimSpec = Json.Ensure(claim, "spec");
        if (Json.GetString(claimSpec, "volumeName") != Name(boundVolume))
        {
            claimSpec["volumeName"] = Name(boundVolume);
            SetAnnotation(claim, AnnBoundByController, "yes");
        }

        SetAnnotation(claim, AnnBindCompleted, "yes");
        var status = Json.Ensure(claim, "status");
        status["phase"] = "Bound";
        status["accessModes"] = accessModes.DeepClone();
        status["capacity"] = capacity.DeepClone();
        api.Update("persistentvolumeclaims", claim);
    }

    private void ReleaseVolume(JsonObject volume)
    {
        var phase = Json.GetString(volume, "status.phase");
        if (phase is "Released" or "Failed")
        {
            return;
        }

        if (phase == "Bound"
            && Annotation(volume, AnnDynamicallyProvisioned) is not null
            && (Json.GetString(volume, "spec.persistentVolumeReclaimPolicy") ?? "Delete") == "Delete")
        {
            // reclaimVolume → deleteVolumeOperation: a dynamically provisioned volume goes with its claim.
            api.Delete("persistentvolumes", volume);
            return;
        }

        SetVolumePhase(volume, phase is null or "" or "Pending" or "Available" ? "Available" : "Released");
    }

    private void SetVolumePhase(JsonObject volume, string phase)
    {
        if (Json.GetString(volume, "status.phase") == phase)
        {
            return;
        }

        Json.Ensure(volume, "status")["phase"] = phase;
        api.Update("persistentvolumes", volume);
    }

    private void SetClaimPhase(JsonObject claim, string phase)
    {
        if (Json.GetString(claim, "status.phase") == phase)
        {
            return;
        }

        Json.Ensure(claim, "status")["phase"] = phase;
        api.Update("persistentvolumeclaims", claim);
    }

    /// <summary>
    /// pv_controller.go checkVolumeSatisfyClaim, in its order and words: null when the volume can serve the claim.
    /// </summary>
    internal static string? CheckVolumeSatisfiesClaim(JsonObject volume, JsonObject claim)
    {
        if (IsDeleting(volume))
        {
            return $"the volume is marked for deletion \"{Name(volume)}\"";
        }

        if (CapacityBytes(volume) < RequestedBytes(claim))
        {
            return "requested PV is too small";
        }

        if (ClassOf(volume) != ClassOf(claim))
        {
            return "storageClassName does not match";
        }

        if (VolumeAttributesClassOf(volume) != VolumeAttributesClassOf(claim))
        {
            return "volumeAttributesClassName does not match";
        }

        if (VolumeModeOf(volume) != VolumeModeOf(claim))
        {
            return "incompatible volumeMode";
        }

        return AccessModes(claim).All(AccessModes(volume).Contains) ? null : "incompatible accessMode";
    }

    /// <summary>
    /// The checks pv_helpers.go FindMatchingVolume makes before it takes a volume pre-bound to the claim: size, volume
    /// mode and VolumeAttributesClass. A pre-bound volume that fails them is skipped, not bound.
    /// </summary>
    private static bool PreboundVolumeFits(JsonObject volume, JsonObject claim) =>
        CapacityBytes(volume) >= RequestedBytes(claim)
        && VolumeModeOf(volume) == VolumeModeOf(claim)
        && VolumeAttributesClassOf(volume) == VolumeAttributesClassOf(claim);

    private void SetClaimLostIfBound(JsonObject claim)
    {
        if (Annotation(claim, AnnBindCompleted) is null || Json.GetString(claim, "status.phase") == "Lost")
        {
            return;
        }

        Json.Ensure(claim, "status")["phase"] = "Lost";
        api.Update("persistentvolumeclaims", claim);
    }

    /// <summary>
    /// pv_helpers.go FindMatchingVolume for an unbound claim without a node: Available volumes with equal class,
    /// VolumeAttributesClass (unset = "") and volume mode, access modes ⊇ the claim's, capacity ≥ the request and labels
    /// matching the claim's selector; the smallest wins (ties by name).
    /// </summary>
    internal static JsonObject? FindMatchingVolume(JsonObject claim, IEnumerable<JsonObject> volumes)
    {
        var requested = RequestedBytes(claim);
        var className = ClassOf(claim);
        var mode = VolumeModeOf(claim);
        var attributesClass = VolumeAttributesClassOf(claim);
        var modes = AccessModes(claim);
        if (!LabelSelector.TryFromJson(Json.GetObject(claim, "spec.selector"), out var selector, out _))
        {
            return null;
        }

        JsonObject? best = null;
        var bestSize = decimal.MaxValue;
        foreach (var volume in volumes)
        {
            if (Json.GetObject(volume, "spec.claimRef") is not null
                || Json.GetString(volume, "status.phase") != "Available"
                || ClassOf(volume) != className
                || VolumeModeOf(volume) != mode
                || VolumeAttributesClassOf(volume) != attributesClass
                || !modes.All(AccessModes(volume).Contains)
                || !selector.Matches(Json.StringMap(Json.GetObject(volume, "metadata.labels"))))
            {
                continue;
            }

            var size = CapacityBytes(volume);
            if (size >= requested && size < bestSize)
            {
                best = volume;
                bestSize = size;
            }
        }

        return best;
    }
}
