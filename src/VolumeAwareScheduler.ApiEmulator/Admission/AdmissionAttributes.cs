using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Admission;

/// <summary>
/// One write on its way to storage, as admission.Attributes describes it. <see cref="Object"/> may be changed in
/// place (mutation); <see cref="Store"/> reads the other objects, under the store's lock, so what a step reads is
/// what the write commits against.
/// </summary>
/// <param name="Name">The name the request gave: <c>metadata.name</c>, or <c>generateName</c> when the server picks the name (admission.extractResourceName).</param>
internal sealed record AdmissionAttributes(
    AdmissionOperation Operation, ResourceKind Kind, string Name, JsonObject Object, JsonObject? OldObject, IClusterReader Cluster)
{
    public IEnumerable<JsonObject> List(string resource) => Cluster.List(resource);

    public JsonObject? Get(string resource, string? ns, string name) => Cluster.Get(resource, ns, name);

    /// <summary>admission.NewForbidden: "{resource} "{name}" is forbidden: {reason}".</summary>
    public ApiError Forbidden(string reason) => ApiError.Forbidden(Kind.QualifiedResource, Kind.Group, Name, reason);
}
