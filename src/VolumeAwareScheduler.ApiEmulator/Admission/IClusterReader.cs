using System.Text.Json.Nodes;

namespace VolumeAwareScheduler.ApiEmulator.Admission;

/// <summary>What admission reads of the other stored objects (a lister's view), by resource name such as <c>priorityclasses</c>.</summary>
internal interface IClusterReader
{
    /// <summary>Objects of a resource, in one namespace or (null) all, parsed.</summary>
    IEnumerable<JsonObject> List(string resource, string? ns = null);

    JsonObject? Get(string resource, string? ns, string name);
}
