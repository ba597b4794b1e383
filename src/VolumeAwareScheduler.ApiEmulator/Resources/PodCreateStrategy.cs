using System.Text.Json.Nodes;

namespace VolumeAwareScheduler.ApiEmulator.Resources;

/// <summary>
/// What the pod strategy does to a new pod that the scheduler can see. Mirrors applySchedulingGatedCondition in
/// pkg/registry/core/pod/strategy.go (PrepareForCreate): a pod created with spec.schedulingGates and no PodScheduled
/// condition gets PodScheduled=False, reason SchedulingGated.
/// </summary>
internal static class PodCreateStrategy
{
    public const string SchedulingGatedMessage = "Scheduling is blocked due to non-empty scheduling gates";

    public static void PrepareForCreate(JsonObject pod, string now)
    {
        if (pod["spec"]?["schedulingGates"] is not JsonArray { Count: > 0 }) return;
        var status = Json.Ensure(pod, "status");
        if (status["conditions"] is not JsonArray conditions)
        {
            conditions = [];
            status["conditions"] = conditions;
        }
        if (conditions.OfType<JsonObject>().Any(c => Json.GetString(c, "type") == "PodScheduled")) return;
        conditions.Add(new JsonObject
        {
            ["type"] = "PodScheduled",
            ["status"] = "False",
            ["lastProbeTime"] = null,
            ["lastTransitionTime"] = now,
            ["reason"] = "SchedulingGated",
            ["message"] = SchedulingGatedMessage,
        });
    }
}
