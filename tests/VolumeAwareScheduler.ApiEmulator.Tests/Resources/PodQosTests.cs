using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Resources;

/// <summary>
/// Ported from pkg/apis/core/v1/helper/qos/qos_test.go TestComputePodQOS (upstream case names and expectations),
/// plus the API default this emulator applies first (a limited but unrequested resource is requested at its limit).
/// </summary>
public sealed class PodQosTests
{
    // (name, cpu request, memory request, cpu limit, memory limit); "" = not set.
    private static JsonObject Container(string name, string cpuRequest, string memoryRequest, string cpuLimit, string memoryLimit, params (string Name, string Value)[] extra)
    {
        var requests = List(cpuRequest, memoryRequest);
        var limits = List(cpuLimit, memoryLimit);
        foreach (var (resource, value) in extra)
        {
            requests[resource] = value;
            limits[resource] = value;
        }

        return new JsonObject { ["name"] = name, ["resources"] = new JsonObject { ["requests"] = requests, ["limits"] = limits } };
    }

    private static JsonObject List(string cpu, string memory)
    {
        var list = new JsonObject();
        if (cpu.Length > 0) list["cpu"] = cpu;
        if (memory.Length > 0) list["memory"] = memory;
        return list;
    }

    private static JsonObject Pod(JsonObject[] containers, JsonObject[]? initContainers = null, JsonObject? podResources = null)
    {
        var spec = new JsonObject { ["containers"] = new JsonArray([.. containers]) };
        if (initContainers is not null) spec["initContainers"] = new JsonArray([.. initContainers]);
        if (podResources is not null) spec["resources"] = podResources;
        return new JsonObject { ["spec"] = spec };
    }

    private static JsonObject Requirements(string cpuRequest, string memoryRequest, string cpuLimit, string memoryLimit) =>
        new() { ["requests"] = List(cpuRequest, memoryRequest), ["limits"] = List(cpuLimit, memoryLimit) };

    public static TheoryData<string, JsonObject, string> Cases => new()
    {
        { "guaranteed", Pod([Container("guaranteed", "100m", "100Mi", "100m", "100Mi")]), "Guaranteed" },
        { "guaranteed-guaranteed", Pod([Container("guaranteed", "100m", "100Mi", "100m", "100Mi"), Container("guaranteed", "100m", "100Mi", "100m", "100Mi")]), "Guaranteed" },
        { "best-effort-best-effort", Pod([Container("best-effort", "", "", "", ""), Container("best-effort", "", "", "", "")]), "BestEffort" },
        { "best-effort", Pod([Container("best-effort", "", "", "", "")]), "BestEffort" },
        { "best-effort-burstable", Pod([Container("best-effort", "", "", "", ""), Container("burstable", "1", "", "2", "")]), "Burstable" },
        { "best-effort-guaranteed", Pod([Container("best-effort", "", "", "", ""), Container("guaranteed", "10m", "100Mi", "10m", "100Mi")]), "Burstable" },
        { "burstable-cpu-guaranteed-memory", Pod([Container("burstable", "", "100Mi", "", "100Mi")]), "Burstable" },
        { "burstable-no-limits", Pod([Container("burstable", "100m", "100Mi", "", "")]), "Burstable" },
        { "burstable-guaranteed", Pod([Container("burstable", "1", "100Mi", "2", "100Mi"), Container("guaranteed", "100m", "100Mi", "100m", "100Mi")]), "Burstable" },
        { "burstable-unbounded-but-requests-match-limits", Pod([Container("burstable", "100m", "100Mi", "200m", "200Mi"), Container("burstable-unbounded", "100m", "100Mi", "", "")]), "Burstable" },
        { "burstable-1", Pod([Container("burstable", "10m", "100Mi", "100m", "200Mi")]), "Burstable" },
        { "burstable-2", Pod([Container("burstable", "0", "0", "100m", "200Mi")]), "Burstable" },
        { "best-effort-hugepages", Pod([Container("best-effort", "0", "0", "", "", ("hugepages-2Mi", "1Gi"))]), "BestEffort" },
        { "init-container", Pod([Container("best-effort", "", "", "", "")], [Container("burstable", "10m", "100Mi", "100m", "200Mi")]), "Burstable" },
        { "guaranteed-with-pod-level-resources", Pod([Container("best-effort", "", "", "", "")], podResources: Requirements("10m", "100Mi", "10m", "100Mi")), "Guaranteed" },
        { "guaranteed-with-pod-and-container-level-resources", Pod([Container("burstable", "3m", "10Mi", "5m", "20Mi")], podResources: Requirements("10m", "100Mi", "10m", "100Mi")), "Guaranteed" },
        { "burstable-with-pod-level-resources", Pod([Container("best-effort", "", "", "", "")], podResources: Requirements("10m", "10Mi", "20m", "50Mi")), "Burstable" },
        { "burstable-with-pod-and-container-level-resources", Pod([Container("burstable", "5m", "10Mi", "5m", "10Mi")], podResources: Requirements("10m", "10Mi", "20m", "50Mi")), "Burstable" },
        { "burstable-with-pod-and-container-level-requests", Pod([Container("burstable", "5m", "10Mi", "", "")], podResources: Requirements("10m", "10Mi", "", "")), "Burstable" },
        { "burstable-with-pod-and-container-level-resources-2", Pod([Container("burstable", "5m", "10Mi", "", ""), Container("guaranteed", "5m", "10Mi", "5m", "10Mi")], podResources: Requirements("10m", "10Mi", "5m", "")), "Burstable" },
        // Not upstream's table: the API would have defaulted these requests to the limits before anyone asked.
        { "limits-only-are-requests-too", Pod([Container("limited", "", "", "250m", "64Mi")]), "Guaranteed" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Computes_the_qos_class_like_ComputePodQOS(string name, JsonObject pod, string expected)
    {
        Assert.True(PodQos.Compute(pod) == expected, $"{name}: expected {expected}, got {PodQos.Compute(pod)}");
    }
}
