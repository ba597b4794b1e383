using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using VolumeAwareScheduler.ApiEmulator.Resources;
using VolumeAwareScheduler.ApiEmulator.Storage;

namespace VolumeAwareScheduler.ApiEmulator.Controllers;

/// <summary>
/// A controller's view of the store, like a clientset plus listers. Writes carry the resourceVersion that was
/// read, so a write that lost a race is refused (and logged); the change that won produces an event that makes
/// the controller look again. Nothing is retried blindly.
/// </summary>
internal sealed class ControllerStore(ObjectStore store, ILogger logger, string controller)
{
    public ResourceKind Kind(string plural) => store.Registry.Find(plural)!;

    /// <summary>The emulator's clock.</summary>
    public DateTimeOffset Now => store.Now;

    public string Timestamp() => store.Timestamp();

    /// <summary>Whether any object of the kind exists in the namespace, without parsing any.</summary>
    public bool Any(string plural, string ns) => store.Snapshot(Kind(plural), ns).Items.Count > 0;

    public JsonObject? Get(string plural, string? ns, string name) => store.Get(Kind(plural), ns, name)?.ToJsonObject();

    /// <summary>Whether <paramref name="obj"/> (as read) is still the stored version: the check a write's precondition makes, without the write.</summary>
    public bool IsCurrent(string plural, JsonObject obj) =>
        store.Get(Kind(plural), Json.GetString(obj, "metadata.namespace"), Json.GetString(obj, "metadata.name") ?? "") is { } stored
        && stored.ResourceVersion.ToString(CultureInfo.InvariantCulture) == Json.GetString(obj, "metadata.resourceVersion");

    public IEnumerable<JsonObject> List(string plural, string? ns = null) =>
        store.Snapshot(Kind(plural), ns).Items.Select(o => o.ToJsonObject());

    public JsonObject? Create(string plural, JsonObject obj)
    {
        var kind = Kind(plural);
        var result = store.Create(kind, Json.GetString(obj, "metadata.namespace"), obj);
        return Report(result, "create", kind, obj);
    }

    /// <summary>Writes spec, metadata and status together, with the object's resourceVersion as precondition.</summary>
    public JsonObject? Update(string plural, JsonObject obj)
    {
        var kind = Kind(plural);
        var name = Json.GetString(obj, "metadata.name") ?? "";
        var result = store.Update(kind, Json.GetString(obj, "metadata.namespace"), name, obj, WriteScope.All);
        return Report(result, "update", kind, obj);
    }

    public void Delete(string plural, JsonObject obj)
    {
        var kind = Kind(plural);
        var result = store.Delete(kind, Json.GetString(obj, "metadata.namespace"), Json.GetString(obj, "metadata.name") ?? "",
            Json.GetString(obj, "metadata.uid"));
        Report(result, "delete", kind, obj);
    }

    /// <summary>Records a core/v1 Event about <paramref name="involved"/>, as an EventRecorder would.</summary>
    public void RecordEvent(JsonObject involved, string involvedPlural, string type, string reason, string message)
    {
        var kind = Kind(involvedPlural);
        var name = Json.GetString(involved, "metadata.name") ?? "";
        var ns = Json.GetString(involved, "metadata.namespace");
        var now = store.Timestamp();
        Create("events", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject
            {
                ["generateName"] = name + ".",
                ["namespace"] = string.IsNullOrEmpty(ns) ? "default" : ns,
            },
            ["involvedObject"] = new JsonObject
            {
                ["kind"] = kind.Kind,
                ["namespace"] = ns,
                ["name"] = name,
                ["uid"] = Json.GetString(involved, "metadata.uid"),
                ["apiVersion"] = kind.GroupVersion,
                ["resourceVersion"] = Json.GetString(involved, "metadata.resourceVersion"),
            },
            ["reason"] = reason,
            ["message"] = message,
            ["source"] = new JsonObject { ["component"] = controller },
            ["firstTimestamp"] = now,
            ["lastTimestamp"] = now,
            ["count"] = 1,
            ["type"] = type,
            ["eventTime"] = null,
            ["reportingComponent"] = controller,
            ["reportingInstance"] = "",
        });
    }

    private JsonObject? Report(StoreResult result, string action, ResourceKind kind, JsonObject obj)
    {
        var key = KeyOf(obj);
        if (result.Error is { } error)
        {
            Log.ControllerWriteRejected(logger, controller, kind.Kind, key, error.Message);
            return null;
        }

        Log.ControllerAction(logger, controller, action, kind.Kind, key);
        return result.Object!.ToJsonObject();
    }

    private static string KeyOf(JsonObject obj)
    {
        var ns = Json.GetString(obj, "metadata.namespace");
        var name = Json.GetString(obj, "metadata.name") ?? Json.GetString(obj, "metadata.generateName") ?? "";
        return string.IsNullOrEmpty(ns) ? name : string.Create(CultureInfo.InvariantCulture, $"{ns}/{name}");
    }
}
