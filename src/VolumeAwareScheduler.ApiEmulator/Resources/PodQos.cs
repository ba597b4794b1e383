using System.Text.Json.Nodes;

namespace VolumeAwareScheduler.ApiEmulator.Resources;

/// <summary>
/// A pod's QoS class, as pkg/apis/core/helper/qos/qos.go ComputePodQOS (v1.37, PodLevelResources on): only cpu and
/// memory count, zero quantities are ignored; BestEffort without requests or limits, Guaranteed when every container
/// (or the pod level, when it sets cpu or memory) limits both and requests equal limits, otherwise Burstable.
/// </summary>
/// <remarks>
/// The API server defaults a container's missing request to its limit (SetDefaults_ResourceList in
/// pkg/apis/core/v1/defaults.go) before anything computes the class; the emulator stores pods undefaulted, so
/// <see cref="Compute"/> does that step first.
/// </remarks>
internal static class PodQos
{
    public const string Guaranteed = "Guaranteed";
    public const string Burstable = "Burstable";
    public const string BestEffort = "BestEffort";

    private static readonly string[] QosResources = ["cpu", "memory"];

    public static string Compute(JsonObject pod)
    {
        var requests = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var limits = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var guaranteed = true;
        if (PodLevelResources(pod) is { } podResources)
        {
            Add(requests, WithDefaultedRequests(podResources));
            if (Json.GetObject(podResources, "limits") is { } podLimits)
            {
                guaranteed &= Add(limits, podLimits).IsSupersetOf(QosResources);
            }
        }
        else
        {
            var containers = (Json.GetArray(pod, "spec.containers") ?? []).Concat(Json.GetArray(pod, "spec.initContainers") ?? []);
            foreach (var container in containers.OfType<JsonObject>())
            {
                var resources = Json.GetObject(container, "resources") ?? [];
                Add(requests, WithDefaultedRequests(resources));
                guaranteed &= Add(limits, Json.GetObject(resources, "limits")).IsSupersetOf(QosResources);
            }
        }

        if (requests.Count == 0 && limits.Count == 0)
        {
            return BestEffort;
        }

        guaranteed &= requests.All(r => limits.TryGetValue(r.Key, out var limit) && limit == r.Value);
        return guaranteed && requests.Count == limits.Count ? Guaranteed : Burstable;
    }

    /// <summary>Pod-level resources count when they set cpu or memory (PodLevelResourcesFixKubeletQOSClass's isPodLevelResourcesSet).</summary>
    private static JsonObject? PodLevelResources(JsonObject pod) =>
        Json.GetObject(pod, "spec.resources") is { } resources
        && QosResources.Any(name => Json.GetObject(resources, "requests")?[name] is not null || Json.GetObject(resources, "limits")?[name] is not null)
            ? resources
            : null;

    /// <summary>The requests after API defaulting: a resource limited but not requested is requested at its limit.</summary>
    private static JsonObject? WithDefaultedRequests(JsonObject resources)
    {
        var requests = (Json.GetObject(resources, "requests")?.DeepClone() as JsonObject) ?? [];
        foreach (var (name, limit) in Json.GetObject(resources, "limits") ?? [])
        {
            if (!requests.ContainsKey(name))
            {
                requests[name] = limit?.DeepClone();
            }
        }

        return requests;
    }

    /// <summary>Adds the positive cpu and memory quantities of <paramref name="list"/> to <paramref name="sums"/>; returns their names.</summary>
    private static HashSet<string> Add(Dictionary<string, decimal> sums, JsonObject? list)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in QosResources)
        {
            if (Quantity.TryParse(Json.GetString(list, name), out var quantity) && quantity > 0)
            {
                found.Add(name);
                sums[name] = sums.GetValueOrDefault(name) + quantity;
            }
        }

        return found;
    }
}
