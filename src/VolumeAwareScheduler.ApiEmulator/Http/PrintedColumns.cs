using System.Globalization;
using System.Text.Json.Nodes;

namespace VolumeAwareScheduler.ApiEmulator.Http;

/// <summary>
/// Columns computed from several fields, for the kinds whose printers in pkg/printers/internalversion/printers.go do
/// more than copy a field: pods (printPod) and nodes (printNode). Names, order and priorities are upstream's.
/// </summary>
internal static class PrintedColumns
{
    private const string None = "<none>";

    public static IReadOnlyList<TableColumn>? For(string plural) => plural switch
    {
        "pods" => Pods,
        "nodes" => Nodes,
        _ => null,
    };

    private static readonly TableColumn[] Pods =
    [
        NameColumn(),
        new("Ready", 0, (pod, _) => PodReady(pod), "The aggregate readiness state of this pod for accepting traffic."),
        new("Status", 0, (pod, _) => PodStatus(pod), "The aggregate status of the containers in this pod."),
        new("Restarts", 0, (pod, _) => PodRestarts(pod), "The number of times the containers in this pod have been restarted."),
        AgeColumn(),
        new("IP", 1, (pod, _) => Json.GetString(pod, "status.podIP") ?? None, "IP address allocated to the pod."),
        new("Node", 1, (pod, _) => NoneIfEmpty(Json.GetString(pod, "spec.nodeName")), "Name of the node this pod is assigned to."),
        new("Nominated Node", 1, (pod, _) => NoneIfEmpty(Json.GetString(pod, "status.nominatedNodeName")), "Name of the node this pod is nominated to."),
        new("Readiness Gates", 1, (pod, _) => ReadinessGates(pod), "The readiness gates of this pod, met of all."),
    ];

    private static readonly TableColumn[] Nodes =
    [
        NameColumn(),
        new("Status", 0, (node, _) => NodeStatus(node), "The status of the node."),
        new("Roles", 0, (node, _) => NodeRoles(node), "The roles of the node."),
        AgeColumn(),
        new("Version", 0, (node, _) => Json.GetString(node, "status.nodeInfo.kubeletVersion") ?? "", "Kubelet Version reported by the node."),
        new("Internal-IP", 1, (node, _) => Address(node, "InternalIP"), "List of internal IPs."),
        new("External-IP", 1, (node, _) => Address(node, "ExternalIP"), "List of external IPs."),
        new("OS-Image", 1, (node, _) => Unknown(Json.GetString(node, "status.nodeInfo.osImage")), "OS image reported by the node."),
        new("Kernel-Version", 1, (node, _) => Unknown(Json.GetString(node, "status.nodeInfo.kernelVersion")), "Kernel version reported by the node."),
        new("Container-Runtime", 1, (node, _) => Unknown(Json.GetString(node, "status.nodeInfo.containerRuntimeVersion")), "Container runtime version reported by the node."),
    ];

    public static TableColumn NameColumn() =>
        new("Name", 0, (obj, _) => Json.GetString(obj, "metadata.name") ?? "", "Name must be unique within a namespace.");

    public static TableColumn AgeColumn() =>
        new("Age", 0, (obj, now) => TableWriter.Age(Json.GetString(obj, "metadata.creationTimestamp"), now),
            "CreationTimestamp is a timestamp representing the server time when this object was created.");

    /// <summary>printPod's READY: ready containers of all (sidecars counted with the containers).</summary>
    private static string PodReady(JsonObject pod)
    {
        var sidecars = (Json.GetArray(pod, "spec.initContainers") ?? []).OfType<JsonObject>().Count(c => Json.GetString(c, "restartPolicy") == "Always");
        var total = (Json.GetArray(pod, "spec.containers")?.Count ?? 0) + sidecars;
        var ready = Statuses(pod, "containerStatuses").Count(s => Json.GetString(s, "ready") == "true")
            + Statuses(pod, "initContainerStatuses").Count(s => Json.GetString(s, "ready") == "true" && Json.GetObject(s, "state.running") is not null);
        return string.Create(CultureInfo.InvariantCulture, $"{ready}/{total}");
    }

    /// <summary>printPod's STATUS: the pod's reason or phase, overridden by init and container states, Terminating while deleted.</summary>
    private static string PodStatus(JsonObject pod)
    {
        var reason = Json.GetString(pod, "status.reason") is { Length: > 0 } podReason ? podReason : Json.GetString(pod, "status.phase") ?? "";
        var initializing = false;
        var inits = Statuses(pod, "initContainerStatuses");
        var initCount = Json.GetArray(pod, "spec.initContainers")?.Count ?? 0;
        for (var i = 0; i < inits.Count; i++)
        {
            var status = inits[i];
            if (Json.GetString(status, "state.terminated.exitCode") == "0" || Json.GetString(status, "started") == "true")
            {
                continue;
            }

            if (Json.GetObject(status, "state.terminated") is { } terminated)
            {
                reason = "Init:" + (Json.GetString(terminated, "reason") is { Length: > 0 } r ? r : "ExitCode:" + Json.GetString(terminated, "exitCode"));
            }
            else if (Json.GetString(status, "state.waiting.reason") is { Length: > 0 } waiting && waiting != "PodInitializing")
            {
                reason = "Init:" + waiting;
            }
            else
            {
                reason = string.Create(CultureInfo.InvariantCulture, $"Init:{i}/{initCount}");
            }

            initializing = true;
            break;
        }

        if (!initializing)
        {
            var hasRunning = false;
            var containers = Statuses(pod, "containerStatuses");
            for (var i = containers.Count - 1; i >= 0; i--)
            {
                var status = containers[i];
                if (Json.GetString(status, "state.waiting.reason") is { Length: > 0 } waiting)
                {
                    reason = waiting;
                }
                else if (Json.GetObject(status, "state.terminated") is { } terminated)
                {
                    reason = Json.GetString(terminated, "reason") is { Length: > 0 } r ? r : "ExitCode:" + Json.GetString(terminated, "exitCode");
                }
                else if (Json.GetObject(status, "state.running") is not null && Json.GetString(status, "ready") == "true")
                {
                    hasRunning = true;
                }
            }

            if (reason == "Completed" && hasRunning)
            {
                reason = "Running";
            }
        }

        if (Json.GetObject(pod, "metadata")?["deletionTimestamp"] is not null)
        {
            reason = Json.GetString(pod, "status.reason") == "NodeLost" ? "Unknown" : "Terminating";
        }

        return reason;
    }

    private static string PodRestarts(JsonObject pod) =>
        Statuses(pod, "containerStatuses").Concat(Statuses(pod, "initContainerStatuses"))
            .Sum(s => int.TryParse(Json.GetString(s, "restartCount"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0)
            .ToString(CultureInfo.InvariantCulture);

    private static string ReadinessGates(JsonObject pod)
    {
        var gates = (Json.GetArray(pod, "spec.readinessGates") ?? []).OfType<JsonObject>().Select(g => Json.GetString(g, "conditionType")).ToList();
        if (gates.Count == 0)
        {
            return None;
        }

        var met = gates.Count(gate => (Json.GetArray(pod, "status.conditions") ?? []).OfType<JsonObject>()
            .Any(c => Json.GetString(c, "type") == gate && Json.GetString(c, "status") == "True"));
        return string.Create(CultureInfo.InvariantCulture, $"{met}/{gates.Count}");
    }

    /// <summary>printNode's STATUS: Ready, NotReady or Unknown from the Ready condition, then SchedulingDisabled when cordoned.</summary>
    private static string NodeStatus(JsonObject node)
    {
        var ready = (Json.GetArray(node, "status.conditions") ?? []).OfType<JsonObject>().FirstOrDefault(c => Json.GetString(c, "type") == "Ready");
        var status = ready is null ? "Unknown" : Json.GetString(ready, "status") == "True" ? "Ready" : "NotReady";
        return Json.GetString(node, "spec.unschedulable") == "true" ? status + ",SchedulingDisabled" : status;
    }

    /// <summary>printNode's ROLES: the <c>node-role.kubernetes.io/&lt;role&gt;</c> labels and <c>kubernetes.io/role</c>.</summary>
    private static string NodeRoles(JsonObject node)
    {
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in Json.StringMap(Json.GetObject(node, "metadata.labels")))
        {
            if (key.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal) && key.Length > "node-role.kubernetes.io/".Length)
            {
                roles.Add(key["node-role.kubernetes.io/".Length..]);
            }
            else if (key == "kubernetes.io/role" && value.Length > 0)
            {
                roles.Add(value);
            }
        }

        return roles.Count == 0 ? None : string.Join(',', roles);
    }

    private static string Address(JsonObject node, string type)
    {
        var addresses = (Json.GetArray(node, "status.addresses") ?? []).OfType<JsonObject>()
            .Where(a => Json.GetString(a, "type") == type).Select(a => Json.GetString(a, "address")).ToList();
        return addresses.Count == 0 ? None : string.Join(',', addresses);
    }

    private static List<JsonObject> Statuses(JsonObject pod, string field) =>
        (Json.GetArray(pod, "status." + field) ?? []).OfType<JsonObject>().ToList();

    private static string NoneIfEmpty(string? text) => string.IsNullOrEmpty(text) ? None : text;

    private static string Unknown(string? text) => string.IsNullOrEmpty(text) ? "<unknown>" : text;
}
