using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace VolumeAwareScheduler.ApiEmulator.Controllers;

/// <summary>
/// The node status the simulated kubelet posts, after pkg/kubelet/nodestatus/setters.go: MemoryPressure, DiskPressure
/// and PIDPressure False and Ready True (Ready last), each with a fresh lastHeartbeatTime and a lastTransitionTime
/// that moves only when its status changes; addresses, daemon endpoints and node info when the node has none.
/// Capacity and allocatable are left as the node was created: they are the cluster's input, not the kubelet's.
/// </summary>
internal static class KubeletNodeStatus
{
    /// <summary>The kubelet version nodes report: the release the project follows.</summary>
    public const string KubeletVersion = "v1.37.1";

    private static readonly (string Type, string Status, string Reason, string Message)[] Healthy =
    [
        ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ];

    /// <summary>Whether the node already carries a Ready condition (someone, the kubelet or a fixture, reports it).</summary>
    public static bool HasReadyCondition(JsonObject node) =>
        (Json.GetArray(node, "status.conditions") ?? []).OfType<JsonObject>().Any(c => Json.GetString(c, "type") == "Ready");

    /// <summary>The node's InternalIP, when it has one.</summary>
    public static string? InternalIp(JsonObject node) =>
        (Json.GetArray(node, "status.addresses") ?? []).OfType<JsonObject>()
            .Where(a => Json.GetString(a, "type") == "InternalIP")
            .Select(a => Json.GetString(a, "address"))
            .FirstOrDefault();

    /// <summary>Writes the healthy conditions with heartbeat <paramref name="now"/> into <paramref name="node"/>, plus what a kubelet fills once.</summary>
    public static void Post(JsonObject node, string now, string hostIp)
    {
        var status = Json.Ensure(node, "status");
        var conditions = (Json.GetArray(status, "conditions") ?? []).OfType<JsonObject>().Select(c => (JsonObject)c.DeepClone()).ToList();
        foreach (var (type, value, reason, message) in Healthy)
        {
            var condition = conditions.Find(c => Json.GetString(c, "type") == type);
            if (condition is null)
            {
                condition = new JsonObject { ["type"] = type };
                conditions.Add(condition);
            }

            if (Json.GetString(condition, "status") != value || Json.GetString(condition, "lastTransitionTime") is null)
            {
                condition["status"] = value;
                condition["lastTransitionTime"] = now;
            }

            condition["reason"] = reason;
            condition["message"] = message;
            condition["lastHeartbeatTime"] = now;
        }

        // Ready goes last (setters.go ReadyCondition: kubernetes/kubernetes#16961).
        var ready = conditions.Find(c => Json.GetString(c, "type") == "Ready")!;
        conditions.Remove(ready);
        conditions.Add(ready);
        status["conditions"] = new JsonArray([.. conditions]);

        if (Json.GetArray(status, "addresses") is not { Count: > 0 })
        {
            status["addresses"] = new JsonArray(
                new JsonObject { ["type"] = "InternalIP", ["address"] = hostIp },
                new JsonObject { ["type"] = "Hostname", ["address"] = Json.GetString(node, "metadata.name") });
        }

        if (status["daemonEndpoints"] is null)
        {
            status["daemonEndpoints"] = new JsonObject { ["kubeletEndpoint"] = new JsonObject { ["Port"] = 10250 } };
        }

        if (status["nodeInfo"] is null)
        {
            var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Json.GetString(node, "metadata.name") ?? "")))[..32];
            status["nodeInfo"] = new JsonObject
            {
                ["machineID"] = id,
                ["systemUUID"] = Guid.ParseExact(id, "N").ToString(),
                ["bootID"] = Json.GetString(node, "metadata.uid") ?? "",
                ["kernelVersion"] = "6.12.0-emulated",
                ["osImage"] = "VolumeAwareScheduler API emulator",
                ["containerRuntimeVersion"] = "containerd://2.1.0",
                ["kubeletVersion"] = KubeletVersion,
                ["kubeProxyVersion"] = "",
                ["operatingSystem"] = "linux",
                ["architecture"] = "amd64",
            };
        }
    }
}
