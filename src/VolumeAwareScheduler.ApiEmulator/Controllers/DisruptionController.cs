using System.Globalization;
using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Resources;
using VolumeAwareScheduler.ApiEmulator.Storage;

namespace VolumeAwareScheduler.ApiEmulator.Controllers;

/// <summary>
/// The disruption controller (pkg/controller/disruption/disruption.go): keeps each PodDisruptionBudget's status
/// (currentHealthy, desiredHealthy, expectedPods, disruptionsAllowed, disruptedPods, the DisruptionAllowed
/// condition) in step with the pods its selector matches. A budget is synced when it changes and when a pod it
/// selects (before or after the change) changes.
/// </summary>
/// <remarks>
/// Healthy means Ready (the pod's Ready condition is True) and neither being deleted nor recently evicted.
/// <c>minAvailable</c> as a number expects every selected pod; <c>maxUnavailable</c> and a percentage
/// <c>minAvailable</c> expect the scale of the pods' controllers, which here are StatefulSets and ReplicaSets
/// (not owned by a Deployment); any other controller fails the sync safe (no disruptions allowed, reason
/// SyncFailed). Unlike upstream there is no timed recheck: an eviction recorded in disruptedPods whose pod was not
/// deleted within two minutes stops counting at the budget's next sync. No events are recorded.
/// </remarks>
internal sealed class DisruptionController(ControllerStore api) : IController
{
    public const string ControllerName = "disruption-controller";

    /// <summary>DeletionTimeout: how long an approved eviction keeps its pod out of currentHealthy.</summary>
    public static readonly TimeSpan DeletionTimeout = TimeSpan.FromMinutes(2);

    public string Name => ControllerName;

    public void Handle(StoreEvent change)
    {
        switch (change.Object.Kind.Plural)
        {
            case "poddisruptionbudgets" when change.Type != StoreEventType.Deleted:
                Sync(change.Object.ToJsonObject());
                break;
            case "pods" when api.Any("poddisruptionbudgets", change.Object.Namespace):
                foreach (var budget in api.List("poddisruptionbudgets", change.Object.Namespace).Where(b =>
                    Selects(b, change.Object.Labels) || (change.Previous is { } previous && Selects(b, previous.Labels))))
                {
                    Sync(budget);
                }

                break;
        }
    }

    private void Sync(JsonObject budget)
    {
        if (!DisruptionBudgets.TrySelector(budget, out var selector))
        {
            FailSafe(budget, "invalid label selector");
            return;
        }

        var pods = api.List("pods", Json.GetString(budget, "metadata.namespace"))
            .Where(p => selector.Matches(Json.StringMap(Json.GetObject(p, "metadata.labels"))))
            .ToList();
        var (expected, desired, error) = ExpectedPodCount(budget, pods);
        if (error is not null)
        {
            FailSafe(budget, error);
            return;
        }

        var now = api.Now;
        var disrupted = DisruptedPods(budget, pods, now);
        var healthy = pods.Count(p => !IsDeleting(p) && !disrupted.ContainsKey(NameOf(p)) && Conditions.IsPodReady(p));
        UpdateStatus(budget, healthy, desired, expected, disrupted);
    }

    /// <summary>getExpectedPodCount.</summary>
    private (int Expected, int Desired, string? Error) ExpectedPodCount(JsonObject budget, List<JsonObject> pods)
    {
        var spec = Json.GetObject(budget, "spec");
        if (spec?["maxUnavailable"] is { } maxUnavailable)
        {
            var (expected, error) = ExpectedScale(pods);
            if (error is not null)
            {
                return (0, 0, error);
            }

            return Scaled(maxUnavailable, expected) is { } max
                ? (expected, Math.Max(0, expected - max), null)
                : (0, 0, "invalid value for IntOrString: invalid type: string is not a percentage");
        }

        if (spec?["minAvailable"] is { } minAvailable)
        {
            if (minAvailable.GetValueKind() == System.Text.Json.JsonValueKind.Number)
            {
                return (pods.Count, minAvailable.GetValue<int>(), null);
            }

            var (expected, error) = ExpectedScale(pods);
            if (error is not null)
            {
                return (0, 0, error);
            }

            return Scaled(minAvailable, expected) is { } min
                ? (expected, min, null)
                : (0, 0, "invalid value for IntOrString: invalid type: string is not a percentage");
        }

        return (0, 0, null);
    }

    /// <summary>getExpectedScale: the sum of the replicas of the pods' controllers; pods without one are left out.</summary>
    private (int Expected, string? Error) ExpectedScale(List<JsonObject> pods)
    {
        var scales = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (ControllerOf(pod) is not { } owner)
            {
                continue;
            }

            var uid = Json.GetString(owner, "uid") ?? "";
            if (scales.ContainsKey(uid))
            {
                continue;
            }

            if (ScaleOf(owner, Json.GetString(pod, "metadata.namespace")) is not { } scale)
            {
                return (0, $"found no controllers for pod \"{NameOf(pod)}\"");
            }

            scales[uid] = scale;
        }

        return (scales.Values.Sum(), null);
    }

    /// <summary>The StatefulSet and ReplicaSet finders: the controller's spec.replicas (1 when unset) when it exists with that uid.</summary>
    private int? ScaleOf(JsonObject owner, string? ns)
    {
        var group = (Json.GetString(owner, "apiVersion") ?? "").Split('/') is [var g, _] ? g : "";
        var resource = (Json.GetString(owner, "kind"), group) switch
        {
            ("StatefulSet", "apps") => "statefulsets",
            ("ReplicaSet", "apps" or "extensions") => "replicasets",
            _ => null,
        };
        if (resource is null || api.Get(resource, ns, Json.GetString(owner, "name") ?? "") is not { } controller
            || Json.GetString(controller, "metadata.uid") != Json.GetString(owner, "uid")
            || (resource == "replicasets" && ControllerOf(controller) is { } rsOwner && Json.GetString(rsOwner, "kind") == "Deployment"))
        {
            return null;
        }

        return int.TryParse(Json.GetString(controller, "spec.replicas"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var replicas) ? replicas : 1;
    }

    /// <summary>buildDisruptedPodMap: recorded evictions of pods that still exist, are not being deleted and are within DeletionTimeout.</summary>
    private static JsonObject DisruptedPods(JsonObject budget, List<JsonObject> pods, DateTimeOffset now)
    {
        var recorded = Json.GetObject(budget, "status.disruptedPods");
        var result = new JsonObject();
        if (recorded is null)
        {
            return result;
        }

        foreach (var pod in pods.Where(p => !IsDeleting(p)))
        {
            if (Json.ScalarText(recorded[NameOf(pod)]) is { } when
                && DateTimeOffset.TryParse(when, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var disruptedAt)
                && disruptedAt + DeletionTimeout >= now)
            {
                result[NameOf(pod)] = when;
            }
        }

        return result;
    }

    /// <summary>updatePdbStatus: writes only when something changed.</summary>
    private void UpdateStatus(JsonObject budget, int currentHealthy, int desiredHealthy, int expected, JsonObject disrupted)
    {
        var allowed = expected <= 0 || currentHealthy - desiredHealthy <= 0 ? 0 : currentHealthy - desiredHealthy;
        var status = Json.GetObject(budget, "status");
        var generation = DisruptionBudgets.Long(budget, "metadata.generation");
        if (status is not null
            && DisruptionBudgets.Int(status, "currentHealthy") == currentHealthy
            && DisruptionBudgets.Int(status, "desiredHealthy") == desiredHealthy
            && DisruptionBudgets.Int(status, "expectedPods") == expected
            && DisruptionBudgets.Int(status, "disruptionsAllowed") == allowed
            && JsonNode.DeepEquals(status["disruptedPods"] as JsonObject ?? [], disrupted)
            && DisruptionBudgets.Long(status, "observedGeneration") == generation
            && DisruptionBudgets.ConditionsAreUpToDate(budget))
        {
            return;
        }

        var next = new JsonObject { ["observedGeneration"] = generation };
        if (disrupted.Count > 0)
        {
            next["disruptedPods"] = disrupted;
        }

        next["disruptionsAllowed"] = allowed;
        next["currentHealthy"] = currentHealthy;
        next["desiredHealthy"] = desiredHealthy;
        next["expectedPods"] = expected;
        next["conditions"] = status?["conditions"]?.DeepClone() ?? new JsonArray();
        budget["status"] = next;
        DisruptionBudgets.UpdateDisruptionAllowedCondition(budget, api.Timestamp());
        api.Update("poddisruptionbudgets", budget);
    }

    /// <summary>failSafe: no disruptions allowed, and a SyncFailed condition saying why.</summary>
    private void FailSafe(JsonObject budget, string message)
    {
        var status = Json.Ensure(budget, "status");
        status["disruptionsAllowed"] = 0;
        DisruptionBudgets.SetCondition(status, "False", DisruptionBudgets.SyncFailedReason, message, api.Timestamp());
        api.Update("poddisruptionbudgets", budget);
    }

    /// <summary>GetPodPodDisruptionBudgets' match: a null selector selects nothing, an empty one every pod.</summary>
    private static bool Selects(JsonObject budget, IReadOnlyDictionary<string, string> labels) =>
        DisruptionBudgets.TrySelector(budget, out var selector) && selector.Matches(labels);

    private static int? Scaled(JsonNode value, int total)
    {
        if (value.GetValueKind() == System.Text.Json.JsonValueKind.Number)
        {
            return value.GetValue<int>();
        }

        // intstr.GetScaledValueFromIntOrPercent with roundUp: ceil(percent × total / 100).
        var text = Json.ScalarText(value) ?? "";
        return text.EndsWith('%') && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var percent)
            ? (int)Math.Ceiling(percent * (double)total / 100)
            : null;
    }

    private static JsonObject? ControllerOf(JsonObject obj) =>
        (Json.GetArray(obj, "metadata.ownerReferences") ?? []).OfType<JsonObject>().FirstOrDefault(o => Json.GetString(o, "controller") == "true");

    private static string NameOf(JsonObject obj) => Json.GetString(obj, "metadata.name") ?? "";

    private static bool IsDeleting(JsonObject obj) => Json.GetObject(obj, "metadata")?["deletionTimestamp"] is not null;
}
