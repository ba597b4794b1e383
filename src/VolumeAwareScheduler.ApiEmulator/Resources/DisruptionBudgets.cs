using System.Globalization;
using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Selectors;

namespace VolumeAwareScheduler.ApiEmulator.Resources;

/// <summary>
/// PodDisruptionBudget helpers shared by the eviction subresource and the disruption controller
/// (k8s.io/component-helpers/apps/poddisruptionbudget/helpers.go and the policy/v1 constants).
/// </summary>
internal static class DisruptionBudgets
{
    public const string DisruptionAllowedCondition = "DisruptionAllowed";
    public const string SufficientPodsReason = "SufficientPods";
    public const string InsufficientPodsReason = "InsufficientPods";
    public const string SyncFailedReason = "SyncFailed";

    /// <summary>The budget's selector as LabelSelectorAsSelector reads it: null selects nothing, empty everything; false when invalid.</summary>
    public static bool TrySelector(JsonObject budget, out LabelSelector selector)
    {
        if (Json.GetObject(budget, "spec.selector") is not { } selectorObject)
        {
            selector = LabelSelector.Nothing;
            return true;
        }

        return LabelSelector.TryFromJson(selectorObject, out selector, out _);
    }

    public static int Int(JsonObject? obj, string path) =>
        int.TryParse(Json.GetString(obj, path), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;

    public static long Long(JsonObject? obj, string path) =>
        long.TryParse(Json.GetString(obj, path), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;

    /// <summary>UpdateDisruptionAllowedCondition: True/SufficientPods when disruptions are allowed, else False/InsufficientPods.</summary>
    public static void UpdateDisruptionAllowedCondition(JsonObject budget, string now)
    {
        var status = Json.Ensure(budget, "status");
        var allowed = Int(status, "disruptionsAllowed") > 0;
        SetCondition(status, allowed ? "True" : "False", allowed ? SufficientPodsReason : InsufficientPodsReason, "", now);
    }

    /// <summary>apimeta.SetStatusCondition for the DisruptionAllowed condition, observing the status's generation.</summary>
    public static void SetCondition(JsonObject status, string conditionStatus, string reason, string message, string now) =>
        Conditions.Set(status, new JsonObject
        {
            ["type"] = DisruptionAllowedCondition,
            ["status"] = conditionStatus,
            ["observedGeneration"] = Long(status, "observedGeneration"),
            ["lastTransitionTime"] = null,
            ["reason"] = reason,
            ["message"] = message,
        }, now);

    /// <summary>ConditionsAreUpToDate: the condition exists, the status observes the budget's generation, and it agrees with disruptionsAllowed.</summary>
    public static bool ConditionsAreUpToDate(JsonObject budget)
    {
        var status = Json.GetObject(budget, "status");
        if (Conditions.Find(status, DisruptionAllowedCondition) is not { } condition
            || Long(status, "observedGeneration") != Long(budget, "metadata.generation"))
        {
            return false;
        }

        return Int(status, "disruptionsAllowed") > 0
            ? Json.GetString(condition, "status") == "True" && Json.GetString(condition, "reason") == SufficientPodsReason
            : Json.GetString(condition, "status") == "False" && Json.GetString(condition, "reason") == InsufficientPodsReason;
    }
}
