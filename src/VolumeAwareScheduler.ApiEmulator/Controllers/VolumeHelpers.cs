using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Controllers;

/// <summary>Annotation names and small accessors shared by the volume controllers (pv_controller.go, pv_helpers.go).</summary>
internal static class VolumeHelpers
{
    public const string AnnBindCompleted = "pv.kubernetes.io/bind-completed";
    public const string AnnBoundByController = "pv.kubernetes.io/bound-by-controller";
    public const string AnnDynamicallyProvisioned = "pv.kubernetes.io/provisioned-by";
    public const string AnnSelectedNode = "volume.kubernetes.io/selected-node";
    public const string AnnStorageProvisioner = "volume.kubernetes.io/storage-provisioner";
    public const string NoProvisioner = "kubernetes.io/no-provisioner";
    public const string LabelHostname = "kubernetes.io/hostname";

    public static string Name(JsonObject obj) => Json.GetString(obj, "metadata.name") ?? "";

    public static string Namespace(JsonObject obj) => Json.GetString(obj, "metadata.namespace") ?? "";

    public static string Uid(JsonObject obj) => Json.GetString(obj, "metadata.uid") ?? "";

    public static bool IsDeleting(JsonObject obj) => Json.GetObject(obj, "metadata")?["deletionTimestamp"] is not null;

    /// <summary>An annotation value; keys contain dots, so this is a direct lookup, not a path.</summary>
    public static string? Annotation(JsonObject obj, string key) => Json.ScalarText(Json.GetObject(obj, "metadata.annotations")?[key]);

    public static void SetAnnotation(JsonObject obj, string key, string value) =>
        Json.Ensure(Json.Ensure(obj, "metadata"), "annotations")[key] = value;

    /// <summary>storagehelpers.GetPersistentVolumeClaimClass / GetPersistentVolumeClass: absent means "".</summary>
    public static string ClassOf(JsonObject volumeOrClaim) => Json.GetString(volumeOrClaim, "spec.storageClassName") ?? "";

    /// <summary>spec.volumeAttributesClassName; unset and empty are the same to matching (ptr.Deref(…, "") in pv_helpers.go).</summary>
    public static string VolumeAttributesClassOf(JsonObject volumeOrClaim) => Json.GetString(volumeOrClaim, "spec.volumeAttributesClassName") ?? "";

    public static string VolumeModeOf(JsonObject volumeOrClaim) => Json.GetString(volumeOrClaim, "spec.volumeMode") ?? "Filesystem";

    public static IReadOnlyList<string> AccessModes(JsonObject volumeOrClaim) =>
        Json.Strings(Json.GetArray(volumeOrClaim, "spec.accessModes")).ToList();

    public static decimal RequestedBytes(JsonObject claim) =>
        Quantity.TryParse(Json.GetString(claim, "spec.resources.requests.storage"), out var bytes) ? bytes : 0;

    public static decimal CapacityBytes(JsonObject volume) =>
        Quantity.TryParse(Json.GetString(volume, "spec.capacity.storage"), out var bytes) ? bytes : 0;

    /// <summary>Whether the claim's class delays binding (storagehelpers IsDelayBindingMode; a missing class means immediate).</summary>
    public static bool IsDelayBinding(JsonObject claim, ControllerStore api)
    {
        var className = ClassOf(claim);
        if (className.Length == 0)
        {
            return false;
        }

        var storageClass = api.Get("storageclasses", null, className);
        return storageClass is not null && Json.GetString(storageClass, "volumeBindingMode") == "WaitForFirstConsumer";
    }

    public static bool ClaimRefMatches(JsonObject? claimRef, JsonObject claim) =>
        claimRef is not null
        && Json.GetString(claimRef, "name") == Name(claim)
        && (Json.GetString(claimRef, "namespace") ?? "") == Namespace(claim)
        && (string.IsNullOrEmpty(Json.GetString(claimRef, "uid")) || Json.GetString(claimRef, "uid") == Uid(claim));
}
