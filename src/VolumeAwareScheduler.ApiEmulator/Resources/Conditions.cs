using System.Text.Json.Nodes;

namespace VolumeAwareScheduler.ApiEmulator.Resources;

/// <summary>
/// Sets a condition in a <c>status.conditions</c> list by type, as podutil.UpdatePodCondition and
/// apimeta.SetStatusCondition do: the transition time moves only when the status changes.
/// </summary>
internal static class Conditions
{
    public static JsonObject? Find(JsonObject? status, string type) =>
        (status?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => Json.GetString(c, "type") == type);

    /// <summary>Adds or replaces the condition of <paramref name="condition"/>'s type; true when anything changed.</summary>
    public static bool Set(JsonObject status, JsonObject condition, string now)
    {
        if (status["conditions"] is not JsonArray conditions)
        {
            conditions = [];
            status["conditions"] = conditions;
        }

        var type = Json.GetString(condition, "type");
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => Json.GetString(c, "type") == type);
        condition["lastTransitionTime"] = existing is not null && Json.GetString(existing, "status") == Json.GetString(condition, "status")
            ? existing["lastTransitionTime"]?.DeepClone()
            : now;
        if (existing is null)
        {
            conditions.Add(condition);
            return true;
        }

        if (JsonNode.DeepEquals(existing, condition))
        {
            return false;
        }

        conditions[conditions.IndexOf(existing)] = condition;
        return true;
    }

    /// <summary>podutil.IsPodReady: the pod's Ready condition is True.</summary>
    public static bool IsPodReady(JsonObject pod) => Json.GetString(Find(Json.GetObject(pod, "status"), "Ready"), "status") == "True";
}
