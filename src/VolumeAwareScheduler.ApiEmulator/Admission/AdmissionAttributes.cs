using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Resources;
using VolumeAwareScheduler.ApiEmulator.Storage;

namespace VolumeAwareScheduler.ApiEmulator.Admission;

/// <summary>
/// One write on its way to storage, as admission.Attributes describes it. <see cref="Object"/> may be changed in
/// place (mutation); <see cref="Store"/> reads the other objects, under the store's lock, so what a step reads is
/// what the write commits against.
/// </summary>
/// <param name="Name">The name the request gave: <c>metadata.name</c>, or <c>generateName</c> when the server picks the name (admission.extractResourceName).</param>
internal sealed record AdmissionAttributes(
    AdmissionOperation Operation, ResourceKind Kind, string Name, JsonObject Object, JsonObject? OldObject, ObjectStore Store)
{
    /// <summary>Stored objects of another kind, parsed (a lister's view).</summary>
    public IEnumerable<JsonObject> List(string resource) =>
        Store.Snapshot(Store.Registry.Find(resource)!, null).Items.Select(o => o.ToJsonObject());

    public JsonObject? Get(string resource, string? ns, string name) => Store.Get(Store.Registry.Find(resource)!, ns, name)?.ToJsonObject();

    /// <summary>admission.NewForbidden: "{resource} "{name}" is forbidden: {reason}".</summary>
    public ApiError Forbidden(string reason) => ApiError.Forbidden(Kind.QualifiedResource, Kind.Group, Name, reason);
}
