using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Testing.Make;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Tests.Scheduling;

/// <summary>A volume_binding_test.go TestVolumeBinding row: cluster, PreFilter status, one Filter status per node.</summary>
public sealed record PluginScenario(
    PodInfo Pod,
    NodeInfo[] Nodes,
    ClaimInfo[]? Pvcs = null,
    VolumeInfo[]? Pvs = null,
    (StatusCode Code, string[] Reasons)? WantPreFilter = null,
    (StatusCode Code, string[] Reasons)?[]? WantFilter = null,
    string? WantSelected = null);

public class VolumeBindingPluginTests
{
    private static readonly StorageClassInfo ImmediateSC = StorageClass("immediate-sc").Immediate();
    private static readonly StorageClassInfo WaitSC = StorageClass("wait-sc").WaitForFirstConsumer().WithProvisioner("");
    private static readonly StorageClassInfo WaitHDDSC = StorageClass("wait-hdd-sc").WaitForFirstConsumer().WithProvisioner("");

    private static ClaimBuilder Pvc(string name, string storageClass) => Claim("default", name).WithClass(storageClass).WithoutStorageRequest();
    private static VolumeBuilder Pv(string name, string storageClass) => Volume(name).WithClass(storageClass).Phase(VolumePhase.Available);
    private static PodBuilder PodA() => Pod("default", "pod-a");

    // Ported from pkg/scheduler/framework/plugins/volumebinding/volume_binding_test.go TestVolumeBinding
    // (PreFilter and Filter outcomes; upstream's 0–100 capacity scores become our 0–10 best-fit scores, checked by the choice).
    private static readonly Dictionary<string, PluginScenario> Scenarios = new()
    {
        ["pod has not pvcs"] = new(PodA(), [Node("node-a")], WantPreFilter: (StatusCode.Skip, []), WantFilter: [null]),
        ["all bound"] = new(PodA().WithClaim("pvc-a"), [Node("node-a")],
            Pvcs: [Pvc("pvc-a", WaitSC.Name).BoundTo("pv-a")], Pvs: [Pv("pv-a", WaitSC.Name)], WantFilter: [null]),
        ["PVC does not exist"] = new(PodA().WithClaim("pvc-a"), [Node("node-a")],
            WantPreFilter: (StatusCode.UnschedulableAndUnresolvable, ["persistentvolumeclaim \"pvc-a\" not found"])),
        ["Part of PVCs do not exist"] = new(PodA().WithClaim("pvc-a").WithClaim("pvc-b"), [Node("node-a")],
            Pvcs: [Pvc("pvc-a", WaitSC.Name).BoundTo("pv-a")],
            WantPreFilter: (StatusCode.UnschedulableAndUnresolvable, ["persistentvolumeclaim \"pvc-b\" not found"])),
        ["immediate claims not bound"] = new(PodA().WithClaim("pvc-a"), [Node("node-a")],
            Pvcs: [Pvc("pvc-a", ImmediateSC.Name)],
            WantPreFilter: (StatusCode.UnschedulableAndUnresolvable, ["pod has unbound immediate PersistentVolumeClaims"])),
        ["unbound claims no matches"] = new(PodA().WithClaim("pvc-a"), [Node("node-a")],
            Pvcs: [Pvc("pvc-a", WaitSC.Name)],
            WantFilter: [(StatusCode.UnschedulableAndUnresolvable, [Reasons.BindConflict])]),
        ["bound and unbound unsatisfied"] = new(PodA().WithClaim("pvc-a").WithClaim("pvc-b"), [Node("node-a").WithLabel("foo", "barbar")],
            Pvcs: [Pvc("pvc-a", WaitSC.Name).BoundTo("pv-a"), Pvc("pvc-b", WaitSC.Name)],
            Pvs: [Pv("pv-a", WaitSC.Name).OnLabel("foo", "bar")],
            WantFilter: [(StatusCode.UnschedulableAndUnresolvable, [Reasons.NodeConflict, Reasons.BindConflict])]),
        ["pvc not found"] = new(PodA().WithClaim("pvc-a"), [Node("node-a")],
            WantPreFilter: (StatusCode.UnschedulableAndUnresolvable, ["persistentvolumeclaim \"pvc-a\" not found"])),
        ["pv not found"] = new(PodA().WithClaim("pvc-a"), [Node("node-a")],
            Pvcs: [Pvc("pvc-a", WaitSC.Name).BoundTo("pv-a")],
            WantFilter: [(StatusCode.UnschedulableAndUnresolvable, ["node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"])]),
        ["pv not found claim lost"] = new(PodA().WithClaim("pvc-a"), [Node("node-a")],
            Pvcs: [Pvc("pvc-a", WaitSC.Name).BoundTo("pv-a").Phase(ClaimPhase.Lost)],
            WantPreFilter: (StatusCode.UnschedulableAndUnresolvable, ["persistentvolumeclaim \"pvc-a\" bound to non-existent persistentvolume \"pv-a\""])),
        ["local volumes with close capacity are preferred"] = new(PodA().WithClaim("pvc-a"), [Node("node-a"), Node("node-b"), Node("node-c")],
            Pvcs: [Pvc("pvc-a", WaitSC.Name).Requesting("50Gi")],
            Pvs:
            [
                Pv("pv-a-0", WaitSC.Name).WithCapacity("200Gi").OnNode("node-a"), Pv("pv-a-1", WaitSC.Name).WithCapacity("200Gi").OnNode("node-a"),
                Pv("pv-b-0", WaitSC.Name).WithCapacity("100Gi").OnNode("node-b"), Pv("pv-b-1", WaitSC.Name).WithCapacity("100Gi").OnNode("node-b"),
            ],
            WantFilter: [null, null, (StatusCode.UnschedulableAndUnresolvable, ["node(s) didn't find available persistent volumes to bind"])],
            WantSelected: "node-b"),
        ["local volumes with close capacity are preferred (multiple pvcs)"] = new(PodA().WithClaim("pvc-0").WithClaim("pvc-1"), [Node("node-a"), Node("node-b"), Node("node-c")],
            Pvcs: [Pvc("pvc-0", WaitSC.Name).Requesting("50Gi"), Pvc("pvc-1", WaitHDDSC.Name).Requesting("100Gi")],
            Pvs:
            [
                Pv("pv-a-0", WaitSC.Name).WithCapacity("200Gi").OnNode("node-a"), Pv("pv-a-1", WaitSC.Name).WithCapacity("200Gi").OnNode("node-a"),
                Pv("pv-a-2", WaitHDDSC.Name).WithCapacity("200Gi").OnNode("node-a"), Pv("pv-a-3", WaitHDDSC.Name).WithCapacity("200Gi").OnNode("node-a"),
                Pv("pv-b-0", WaitSC.Name).WithCapacity("100Gi").OnNode("node-b"), Pv("pv-b-1", WaitSC.Name).WithCapacity("100Gi").OnNode("node-b"),
                Pv("pv-b-2", WaitHDDSC.Name).WithCapacity("100Gi").OnNode("node-b"), Pv("pv-b-3", WaitHDDSC.Name).WithCapacity("100Gi").OnNode("node-b"),
            ],
            WantFilter: [null, null, (StatusCode.UnschedulableAndUnresolvable, ["node(s) didn't find available persistent volumes to bind"])],
            WantSelected: "node-b"),
    };

    public static TheoryData<string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var name in Scenarios.Keys)
            {
                data.Add(name, nameof(VolumeIndex));
                data.Add(name, nameof(LinearVolumeIndex));
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void VolumeBinding_like_TestVolumeBinding(string name, string indexKind)
    {
        var scenario = Scenarios[name];
        var state = new ClusterState(indexKind == nameof(VolumeIndex) ? new VolumeIndex() : new LinearVolumeIndex());
        foreach (var c in new[] { ImmediateSC, WaitSC, WaitHDDSC }) state.UpsertStorageClass(c);
        foreach (var n in scenario.Nodes) state.UpsertNode(n);
        foreach (var c in scenario.Pvcs ?? []) state.UpsertClaim(c);
        foreach (var v in scenario.Pvs ?? []) state.Volumes.Upsert(v);
        // VolumeBinding alone, as upstream's table runs it (other plugins' PreFilters, such as VolumeZone's, would
        // answer some rows first in the default profile).
        var framework = new SchedulingFramework(Profiles.Extender());

        var (preFilter, _) = new VolumeAwareScheduler.Core.Binding.VolumeBinder(state).GetPodVolumeClaims(scenario.Pod);
        var wantPreFilter = scenario.WantPreFilter ?? (StatusCode.Success, []);
        Assert.Equal(wantPreFilter.Code, preFilter.Code);
        Assert.Equal(wantPreFilter.Reasons, preFilter.Reasons.ToArray());
        if (preFilter.Code is not (StatusCode.Success or StatusCode.Skip))
        {
            // FitError: the PreFilter message stands for every node.
            var result = framework.Schedule(state, scenario.Pod);
            Assert.Null(result.Selected);
            Assert.Equal($"0/{scenario.Nodes.Length} nodes are available: {preFilter.Message}.", result.FailureMessage);
            return;
        }

        var filtered = framework.FilterAll(state, scenario.Pod, scenario.Nodes);
        for (var i = 0; i < scenario.Nodes.Length; i++)
        {
            var outcome = filtered.OutcomeAt(i)!;
            var want = scenario.WantFilter![i];
            if (want is null)
            {
                Assert.True(outcome.Status.IsSuccess, $"{name}: {scenario.Nodes[i].Name}: {outcome.Status.Message}");
            }
            else
            {
                Assert.Equal(want.Value.Code, outcome.Status.Code);
                Assert.Equal(want.Value.Reasons, outcome.Status.Reasons.ToArray());
                Assert.Equal(VolumeAwareScheduler.Core.Binding.VolumeBinder.PluginName, outcome.Status.Plugin);
            }
        }
        if (scenario.WantSelected is not null) Assert.Equal(scenario.WantSelected, framework.Schedule(state, scenario.Pod).Selected?.Node.Name);
    }
}
