using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Storage;

namespace VolumeAwareScheduler.ApiEmulator.Resources;

/// <summary>
/// The <c>pods/{name}/binding</c> subresource. Mirrors pkg/registry/core/pod/storage/storage.go
/// (BindingREST.Create, assignPod, setPodHostAndAnnotations) of Kubernetes 1.32, including its error messages.
/// </summary>
internal static class PodBinding
{
    public static MutationResult Apply(JsonObject pod, JsonObject binding, string podName, string now)
    {
        var bindingMetadata = binding["metadata"] as JsonObject;
        var podMetadata = (JsonObject)pod["metadata"]!;
        var bindingName = Json.GetString(bindingMetadata, "name");
        if (!string.IsNullOrEmpty(bindingName) && bindingName != podName)
        {
            return ApiError.BadRequest("name in URL does not match name in Binding object");
        }

        var targetNode = Json.GetString(binding, "target.name") ?? "";
        if (targetNode.Length == 0)
        {
            return new ApiError(422, "Invalid", $"Binding \"{podName}\" is invalid: target.name: Required value")
            {
                DetailsName = podName,
                DetailsKind = "Binding",
                CauseField = "target.name",
                CauseReason = "FieldValueRequired",
                CauseMessage = "Required value",
            };
        }

        var uidPrecondition = Json.GetString(bindingMetadata, "uid");
        var podUid = Json.GetString(podMetadata, "uid") ?? "";
        if (!string.IsNullOrEmpty(uidPrecondition) && uidPrecondition != podUid)
        {
            return ApiError.Conflict("pods", "", podName,
                $"Precondition failed: UID in precondition: {uidPrecondition}, UID in object meta: {podUid}");
        }

        if (podMetadata["deletionTimestamp"] is not null)
        {
            return ApiError.Conflict("pods/binding", "", podName, $"pod {podName} is being deleted, cannot be assigned to a host");
        }

        var spec = Json.Ensure(pod, "spec");
        var assigned = Json.GetString(spec, "nodeName");
        if (!string.IsNullOrEmpty(assigned))
        {
            return ApiError.Conflict("pods/binding", "", podName, $"pod {podName} is already assigned to node \"{assigned}\"");
        }

        spec["nodeName"] = targetNode;
        if (bindingMetadata?["annotations"] is JsonObject annotations && annotations.Count > 0)
        {
            var podAnnotations = Json.Ensure(podMetadata, "annotations");
            foreach (var (key, value) in annotations)
            {
                podAnnotations[key] = value?.DeepClone();
            }
        }

        // ClearingNominatedNodeNameAfterBinding (KEP-5278, on by default since 1.35): a bound pod is nominated nowhere.
        Json.Ensure(pod, "status").Remove("nominatedNodeName");
        SetScheduledCondition(Json.Ensure(pod, "status"), now);
        return pod;
    }

    private static void SetScheduledCondition(JsonObject status, string now)
    {
        if (status["conditions"] is not JsonArray conditions)
        {
            conditions = [];
            status["conditions"] = conditions;
        }

        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => Json.GetString(c, "type") == "PodScheduled");
        if (existing is null)
        {
            conditions.Add(new JsonObject
            {
                ["type"] = "PodScheduled",
                ["status"] = "True",
                ["lastProbeTime"] = null,
                ["lastTransitionTime"] = now,
            });
            return;
        }

        if (Json.GetString(existing, "status") != "True")
        {
            existing["status"] = "True";
            existing["lastTransitionTime"] = now;
            existing.Remove("reason");
            existing.Remove("message");
        }
    }
}
