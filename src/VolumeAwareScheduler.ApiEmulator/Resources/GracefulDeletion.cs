using System.Globalization;
using System.Text.Json.Nodes;

namespace VolumeAwareScheduler.ApiEmulator.Resources;

/// <summary>
/// Graceful deletion of pods: k8s.io/apiserver/pkg/registry/rest/delete.go BeforeDelete with the pod strategy's
/// CheckGracefulDelete (pkg/registry/core/pod/strategy.go). The period is the request's <c>gracePeriodSeconds</c>, else
/// the pod's <c>spec.terminationGracePeriodSeconds</c>, else 30 (the API's default for that field, which the emulator does
/// not write at create); 0 when the pod is not scheduled or has finished. A pod already being deleted can only have
/// its period shortened, the deletion timestamp moving by the difference.
/// </summary>
internal static class GracefulDeletion
{
    /// <summary>SetDefaults_PodSpec's <c>terminationGracePeriodSeconds</c> (pkg/apis/core/v1/defaults.go).</summary>
    public const long DefaultTerminationGracePeriodSeconds = 30;

    public static DeletionDecision Decide(JsonObject pod, long? requestedSeconds, DateTimeOffset now)
    {
        // Negative values are treated as 1 s on the delete path.
        if (requestedSeconds < 0)
        {
            requestedSeconds = 1;
        }

        var metadata = pod["metadata"] as JsonObject;
        if (metadata?["deletionTimestamp"] is not null)
        {
            var current = ReadLong(metadata, "deletionGracePeriodSeconds");
            if (current is null or <= 0)
            {
                return new DeletionDecision(DeletionAction.Immediate, 0, now);
            }

            if (requestedSeconds is null || requestedSeconds >= current)
            {
                return new DeletionDecision(DeletionAction.Pending, current.Value, now);
            }

            var timestamp = ParseTime(Json.GetString(metadata, "deletionTimestamp")) ?? now.AddSeconds(current.Value);
            var shortened = timestamp.AddSeconds(requestedSeconds.Value - current.Value);
            return requestedSeconds == 0
                ? new DeletionDecision(DeletionAction.Immediate, 0, now)
                : new DeletionDecision(DeletionAction.Graceful, requestedSeconds.Value, shortened);
        }

        var period = requestedSeconds ?? ReadLong(pod, "spec.terminationGracePeriodSeconds") ?? DefaultTerminationGracePeriodSeconds;
        if (string.IsNullOrEmpty(Json.GetString(pod, "spec.nodeName")) || Json.GetString(pod, "status.phase") is "Failed" or "Succeeded")
        {
            period = 0;
        }

        if (period < 0)
        {
            period = 1;
        }

        return period == 0
            ? new DeletionDecision(DeletionAction.Immediate, 0, now)
            : new DeletionDecision(DeletionAction.Graceful, period, now.AddSeconds(period));
    }

    /// <summary>Writes the decision into a copy of the pod: timestamps, period, and the generation bump of a first graceful delete.</summary>
    public static void Mark(JsonObject pod, DeletionDecision decision, string timestamp)
    {
        var metadata = Json.Ensure(pod, "metadata");
        var first = metadata["deletionTimestamp"] is null;
        metadata["deletionTimestamp"] = timestamp;
        metadata["deletionGracePeriodSeconds"] = decision.GracePeriodSeconds;
        if (first && ReadLong(metadata, "generation") is { } generation and > 0)
        {
            metadata["generation"] = generation + 1;
        }
    }

    /// <summary>RFC 3339 with second precision, as metav1.Time is written.</summary>
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;

    private static long? ReadLong(JsonNode node, string path) =>
        long.TryParse(Json.GetString(node, path), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;
}
