using System.Globalization;
using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Storage;

namespace VolumeAwareScheduler.ApiEmulator.Resources;

/// <summary>
/// The <c>pods/{name}/eviction</c> subresource. Mirrors pkg/registry/core/pod/storage/eviction.go
/// (EvictionREST.Create, checkAndDecrement, addConditionAndDeletePod) of Kubernetes v1.37:
/// <list type="number">
/// <item>A pod that is Pending, Succeeded, Failed or already being deleted is deleted without looking at budgets.</item>
/// <item>Otherwise the budgets whose selector matches the pod decide (an empty selector matches every pod): more
/// than one is a 500; none lets the pod go.</item>
/// <item>An unready pod goes without spending the budget when the budget's <c>unhealthyPodEvictionPolicy</c> is
/// AlwaysAllow, or when the budget is healthy enough (currentHealthy ≥ desiredHealthy &gt; 0).</item>
/// <item>Else the budget must allow a disruption: it is decremented and the pod recorded in
/// <c>status.disruptedPods</c>; at zero the answer is 429 TooManyRequests with upstream's message and cause.</item>
/// <item>The pod gets the DisruptionTarget condition, then is deleted.</item>
/// </list>
/// </summary>
internal sealed class PodEviction(ObjectStore store)
{
    /// <summary>MaxDisruptedPodSize: evictions the disruption controller has not confirmed yet, beyond which evictions are refused.</summary>
    public const int MaxDisruptedPodSize = 2000;

    public const string TooManyRequestsMessage = "Cannot evict pod as it would violate the pod's disruption budget.";

    /// <summary>policyv1.DisruptionBudgetCause.</summary>
    public const string DisruptionBudgetCause = "DisruptionBudget";

    // EvictionsRetry.Steps: conflicting writers are retried this many times (without the backoff: nothing here waits).
    private const int Attempts = 20;

    private ResourceKind Pods => store.Registry.Find("pods")!;

    private ResourceKind Budgets => store.Registry.Find("poddisruptionbudgets")!;

    public EvictionOutcome Evict(string ns, string name, JsonObject eviction)
    {
        if (Json.GetString(eviction, "apiVersion") is { Length: > 0 } apiVersion && apiVersion is not ("policy/v1" or "policy/v1beta1"))
        {
            return ApiError.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version (v1)");
        }

        if (Json.GetString(eviction, "kind") is { Length: > 0 } kind && kind != "Eviction")
        {
            return ApiError.BadRequest($"not a Eviction object: {kind}");
        }

        if (Json.GetString(eviction, "metadata.name") != name)
        {
            return ApiError.BadRequest("name in URL does not match name in Eviction object");
        }

        var options = Json.GetObject(eviction, "deleteOptions");
        if (options?["dryRun"] is JsonArray { Count: > 0 })
        {
            return ApiError.BadRequest("dryRun is not supported by the API emulator");
        }

        var uid = NullIfEmpty(Json.GetString(options, "preconditions.uid"));
        var clientVersion = NullIfEmpty(Json.GetString(options, "preconditions.resourceVersion"));

        JsonObject pod;
        for (var attempt = 1; ; attempt++)
        {
            if (store.Get(Pods, ns, name)?.ToJsonObject() is not { } current)
            {
                return ApiError.NotFound(Pods, name);
            }

            pod = current;
            if (!CanIgnoreBudget(pod))
            {
                break;
            }

            // Its disruption already happened: delete it, racing no budget-relevant change if it is Pending.
            var version = clientVersion ?? (ShouldEnforceResourceVersion(pod) ? ResourceVersion(pod) : null);
            var error = AddConditionAndDelete(ns, name, uid, version);
            if (error is { Code: 409 } && clientVersion is null && attempt < Attempts)
            {
                continue;
            }

            return error ?? EvictionOutcome.Success();
        }

        var budgets = MatchingBudgets(pod);
        if (budgets.Count > 1)
        {
            return EvictionOutcome.Failure(500, "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
        }

        var budgetName = "";
        var deleteUnhealthy = false;
        if (budgets.Count == 1)
        {
            var budget = budgets[0];
            budgetName = Json.GetString(budget, "metadata.name") ?? "";
            if (!Conditions.IsPodReady(pod))
            {
                // An unhealthy pod does not count towards currentHealthy: it may go without spending the budget.
                deleteUnhealthy = Json.GetString(budget, "spec.unhealthyPodEvictionPolicy") == "AlwaysAllow"
                    || (DisruptionBudgets.Int(budget, "status.currentHealthy") >= DisruptionBudgets.Int(budget, "status.desiredHealthy")
                        && DisruptionBudgets.Int(budget, "status.desiredHealthy") > 0);
            }

            if (!deleteUnhealthy && Decrement(ns, name, budget) is { } refused)
            {
                return refused;
            }
        }

        // An unhealthy pod is deleted only as it was read: had it become ready, the budget would have to be spent.
        var precondition = deleteUnhealthy ? ResourceVersion(pod) : clientVersion;
        var deleteError = AddConditionAndDelete(ns, name, uid, precondition);
        if (deleteError is { Code: 409 } && deleteUnhealthy && clientVersion is null)
        {
            // The pod changed (it may have become ready) since the budget was read: let the client retry.
            return StillProcessing(budgetName);
        }

        return deleteError ?? EvictionOutcome.Success();
    }

    /// <summary>checkAndDecrement, retried on conflicts with a fresh read of the budget.</summary>
    private ApiError? Decrement(string ns, string podName, JsonObject budget)
    {
        for (var attempt = 1; ; attempt++)
        {
            var error = CheckAndDecrement(ns, podName, budget);
            if (error is not { Code: 409 } || attempt == Attempts)
            {
                return error;
            }

            if (store.Get(Budgets, ns, Json.GetString(budget, "metadata.name") ?? "")?.ToJsonObject() is not { } fresh)
            {
                return ApiError.NotFound(Budgets, Json.GetString(budget, "metadata.name") ?? "");
            }

            budget = fresh;
        }
    }

    private ApiError? CheckAndDecrement(string ns, string podName, JsonObject budget)
    {
        var budgetName = Json.GetString(budget, "metadata.name") ?? "";
        var status = Json.Ensure(budget, "status");
        if (DisruptionBudgets.Long(status, "observedGeneration") < DisruptionBudgets.Long(budget, "metadata.generation"))
        {
            return StillProcessing(budgetName);
        }

        var allowed = DisruptionBudgets.Int(status, "disruptionsAllowed");
        if (allowed < 0)
        {
            return ApiError.Forbidden("poddisruptionbudget.policy", "policy", budgetName, "pdb disruptions allowed is negative");
        }

        if ((status["disruptedPods"] as JsonObject)?.Count > MaxDisruptedPodSize)
        {
            return ApiError.Forbidden("poddisruptionbudget.policy", "policy", budgetName,
                "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
        }

        if (allowed == 0)
        {
            return ApiError.TooManyRequests(TooManyRequestsMessage, 0, DisruptionBudgetCause,
                string.Create(CultureInfo.InvariantCulture,
                    $"The disruption budget {budgetName} needs {DisruptionBudgets.Int(status, "desiredHealthy")} healthy pods and has {DisruptionBudgets.Int(status, "currentHealthy")} currently"));
        }

        var now = store.Timestamp();
        status["disruptionsAllowed"] = allowed - 1;
        if (allowed - 1 == 0)
        {
            DisruptionBudgets.UpdateDisruptionAllowedCondition(budget, now);
        }

        // Tell the disruption controller the pod is about to go, so it stops counting it as healthy.
        Json.Ensure(status, "disruptedPods")[podName] = now;
        return store.Update(Budgets, ns, budgetName, budget, WriteScope.Status).Error;
    }

    /// <summary>addConditionAndDeletePod: the DisruptionTarget condition on the latest pod (preconditions checked), then the delete.</summary>
    private ApiError? AddConditionAndDelete(string ns, string name, string? uid, string? resourceVersion)
    {
        var now = store.Timestamp();
        var updated = store.Mutate(Pods, ns, name, WriteScope.Status, latest =>
        {
            if (uid is not null && uid != Json.GetString(latest, "metadata.uid"))
            {
                return ApiError.Conflict("Pod", "", name,
                    $"the UID in the precondition ({uid}) does not match the UID in record ({Json.GetString(latest, "metadata.uid")}). The object might have been deleted and then recreated");
            }

            if (resourceVersion is not null && resourceVersion != Json.GetString(latest, "metadata.resourceVersion"))
            {
                return ApiError.Conflict("Pod", "", name,
                    $"the ResourceVersion in the precondition ({resourceVersion}) does not match the ResourceVersion in record ({Json.GetString(latest, "metadata.resourceVersion")}). The object might have been modified");
            }

            Conditions.Set(Json.Ensure(latest, "status"), new JsonObject
            {
                ["type"] = "DisruptionTarget",
                ["status"] = "True",
                ["lastProbeTime"] = null,
                ["lastTransitionTime"] = null,
                ["reason"] = "EvictionByEvictionAPI",
                ["message"] = "Eviction API: evicting",
            }, now);
            return latest;
        });
        if (updated.Error is { } error)
        {
            return error;
        }

        // The condition write moved the resourceVersion the caller asked for; delete at the new one.
        var version = resourceVersion is null ? null : updated.Object!.ResourceVersion.ToString(CultureInfo.InvariantCulture);
        return store.Delete(Pods, ns, name, uid, version).Error;
    }

    /// <summary>getPodDisruptionBudgets: policy/v1 lets an empty selector match every pod; a null or invalid one matches none.</summary>
    private List<JsonObject> MatchingBudgets(JsonObject pod)
    {
        var labels = Json.StringMap(Json.GetObject(pod, "metadata.labels"));
        return store.Snapshot(Budgets, Json.GetString(pod, "metadata.namespace")).Items
            .Select(b => b.ToJsonObject())
            .Where(b => DisruptionBudgets.TrySelector(b, out var selector) && selector.Matches(labels))
            .ToList();
    }

    /// <summary>createTooManyRequestsError: the budget's status is behind; retry in 10 seconds.</summary>
    private static ApiError StillProcessing(string budgetName) =>
        ApiError.TooManyRequests(TooManyRequestsMessage, 10, DisruptionBudgetCause,
            $"The disruption budget {budgetName} is still being processed by the server.");

    /// <summary>canIgnorePDB: terminal, Pending or already-deleting pods.</summary>
    private static bool CanIgnoreBudget(JsonObject pod) =>
        Json.GetString(pod, "status.phase") is null or "" or "Pending" or "Succeeded" or "Failed"
        || Json.GetObject(pod, "metadata")?["deletionTimestamp"] is not null;

    /// <summary>shouldEnforceResourceVersion: not for terminal or deleting pods.</summary>
    private static bool ShouldEnforceResourceVersion(JsonObject pod) =>
        Json.GetString(pod, "status.phase") is not ("Succeeded" or "Failed")
        && Json.GetObject(pod, "metadata")?["deletionTimestamp"] is null;

    private static string? ResourceVersion(JsonObject obj) => Json.GetString(obj, "metadata.resourceVersion");

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
