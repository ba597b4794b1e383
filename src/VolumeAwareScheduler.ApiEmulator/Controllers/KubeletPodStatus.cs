using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Controllers;

/// <summary>
/// The pod status the simulated kubelet reports, after pkg/kubelet/kubelet_pods.go generateAPIPodStatus and
/// pkg/kubelet/status/generate.go: conditions not owned by the kubelet are kept first, then PodReadyToStartContainers,
/// Initialized, Ready, ContainersReady and PodScheduled, each keeping its lastTransitionTime while its status holds
/// (status_manager.go updateLastTransitionTime). Pure: the caller supplies times and addresses.
/// </summary>
internal static class KubeletPodStatus
{
    private static readonly HashSet<string> KubeletOwned =
        new(["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"], StringComparer.Ordinal);

    /// <summary>Admitted, sandbox and containers being created: phase Pending, containers waiting in ContainerCreating.</summary>
    public static JsonObject Admitted(JsonObject pod, string now, string hostIp)
    {
        var old = Json.GetObject(pod, "status") ?? [];
        var inits = Containers(pod, "initContainers");
        var mains = Containers(pod, "containers");
        var initNames = inits.Where(c => !IsSidecar(c)).Select(NameOf).ToList();
        var status = new JsonObject
        {
            ["phase"] = "Pending",
            ["conditions"] = Conditions(old, now,
                ("PodReadyToStartContainers", false, null, null),
                ("Initialized", initNames.Count == 0, "ContainersNotInitialized", $"containers with incomplete status: [{string.Join(' ', initNames)}]"),
                ("Ready", false, "ContainersNotReady", $"containers with unready status: [{string.Join(' ', mains.Select(NameOf))}]"),
                ("ContainersReady", false, "ContainersNotReady", $"containers with unready status: [{string.Join(' ', mains.Select(NameOf))}]"),
                ("PodScheduled", true, null, null)),
            ["hostIP"] = hostIp,
            ["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = hostIp }),
            ["startTime"] = now,
        };
        if (inits.Count > 0)
        {
            status["initContainerStatuses"] = new JsonArray([.. inits.Select(c => Waiting(c, "PodInitializing"))]);
        }

        status["containerStatuses"] = new JsonArray([.. mains.Select(c => Waiting(c, inits.Count > 0 ? "PodInitializing" : "ContainerCreating"))]);
        status["qosClass"] = PodQos.Compute(pod);
        return status;
    }

    /// <summary>Init containers completed (sidecars running), every container running, started and ready: phase Running, Ready.</summary>
    public static JsonObject Running(JsonObject pod, string now, string hostIp, string podIp)
    {
        var old = Json.GetObject(pod, "status") ?? [];
        var uid = Json.GetString(pod, "metadata.uid") ?? "";
        var startTime = Json.GetString(old, "startTime") ?? now;
        var inits = Containers(pod, "initContainers");
        var status = new JsonObject
        {
            ["phase"] = "Running",
            ["conditions"] = Conditions(old, now,
                ("PodReadyToStartContainers", true, null, null),
                ("Initialized", true, null, null),
                ("Ready", true, null, null),
                ("ContainersReady", true, null, null),
                ("PodScheduled", true, null, null)),
            ["hostIP"] = hostIp,
            ["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = hostIp }),
            ["podIP"] = podIp,
            ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = podIp }),
            ["startTime"] = startTime,
        };
        if (inits.Count > 0)
        {
            status["initContainerStatuses"] = new JsonArray([.. inits.Select(c => IsSidecar(c) ? RunningStatus(c, uid, now) : Completed(c, uid, now))]);
        }

        status["containerStatuses"] = new JsonArray([.. Containers(pod, "containers").Select(c => RunningStatus(c, uid, now))]);
        status["qosClass"] = Json.GetString(old, "qosClass") ?? PodQos.Compute(pod);
        return status;
    }

    /// <summary>Whether the pod is Ready (its Ready condition True), as podutil.IsPodReady.</summary>
    public static bool IsReady(JsonObject pod) =>
        (Json.GetArray(pod, "status.conditions") ?? []).OfType<JsonObject>()
            .Any(c => Json.GetString(c, "type") == "Ready" && Json.GetString(c, "status") == "True");

    private static JsonArray Conditions(JsonObject oldStatus, string now, params (string Type, bool Status, string? Reason, string? Message)[] owned)
    {
        var old = (Json.GetArray(oldStatus, "conditions") ?? []).OfType<JsonObject>().ToList();
        var conditions = new JsonArray([.. old.Where(c => !KubeletOwned.Contains(Json.GetString(c, "type") ?? "")).Select(c => c.DeepClone())]);
        foreach (var (type, isTrue, reason, message) in owned)
        {
            var value = isTrue ? "True" : "False";
            var previous = old.FirstOrDefault(c => Json.GetString(c, "type") == type);
            var condition = new JsonObject
            {
                ["type"] = type,
                ["status"] = value,
                ["lastProbeTime"] = null,
                ["lastTransitionTime"] = previous is not null && Json.GetString(previous, "status") == value
                    ? Json.GetString(previous, "lastTransitionTime") ?? now
                    : now,
            };
            if (!isTrue && reason is not null)
            {
                condition["reason"] = reason;
                condition["message"] = message;
            }

            conditions.Add(condition);
        }

        return conditions;
    }

    private static JsonObject Waiting(JsonObject container, string reason) => new()
    {
        ["name"] = NameOf(container),
        ["image"] = Json.GetString(container, "image") ?? "",
        ["imageID"] = "",
        ["ready"] = false,
        ["restartCount"] = 0,
        ["started"] = false,
        ["state"] = new JsonObject { ["waiting"] = new JsonObject { ["reason"] = reason } },
        ["lastState"] = new JsonObject(),
    };

    private static JsonObject RunningStatus(JsonObject container, string uid, string now) => new()
    {
        ["name"] = NameOf(container),
        ["image"] = Json.GetString(container, "image") ?? "",
        ["imageID"] = ImageId(container),
        ["containerID"] = ContainerId(uid, container),
        ["ready"] = true,
        ["restartCount"] = 0,
        ["started"] = true,
        ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = now } },
        ["lastState"] = new JsonObject(),
    };

    private static JsonObject Completed(JsonObject container, string uid, string now) => new()
    {
        ["name"] = NameOf(container),
        ["image"] = Json.GetString(container, "image") ?? "",
        ["imageID"] = ImageId(container),
        ["containerID"] = ContainerId(uid, container),
        ["ready"] = true,
        ["restartCount"] = 0,
        ["started"] = false,
        ["state"] = new JsonObject
        {
            ["terminated"] = new JsonObject
            {
                ["exitCode"] = 0,
                ["reason"] = "Completed",
                ["startedAt"] = now,
                ["finishedAt"] = now,
                ["containerID"] = ContainerId(uid, container),
            },
        },
        ["lastState"] = new JsonObject(),
    };

    private static List<JsonObject> Containers(JsonObject pod, string field) =>
        (Json.GetArray(pod, "spec." + field) ?? []).OfType<JsonObject>().ToList();

    /// <summary>An init container with <c>restartPolicy: Always</c> keeps running beside the app containers.</summary>
    private static bool IsSidecar(JsonObject container) => Json.GetString(container, "restartPolicy") == "Always";

    private static string NameOf(JsonObject container) => Json.GetString(container, "name") ?? "";

    // Stable, made-up runtime identifiers: the same pod and container always get the same ones.
    private static string ContainerId(string uid, JsonObject container) => "containerd://" + Hash(uid + "/" + NameOf(container));

    private static string ImageId(JsonObject container)
    {
        var image = Json.GetString(container, "image") ?? "";
        var at = image.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            return image;
        }

        var lastSlash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        var repository = colon > lastSlash ? image[..colon] : image;
        return repository + "@sha256:" + Hash(image);
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
