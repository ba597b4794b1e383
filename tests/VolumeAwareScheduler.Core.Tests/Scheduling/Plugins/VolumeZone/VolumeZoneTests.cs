using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.VolumeZone;

/// <summary>
/// Ported from pkg/scheduler/framework/plugins/volumezone/volume_zone_test.go (TestSingleZone, TestMultiZone,
/// TestWithBinding): PreFilter, then Filter with the same cycle state, each status as upstream expects it.
/// </summary>
public sealed class VolumeZoneTests
{
    private const string BetaZone = "failure-domain.beta.kubernetes.io/zone";
    private const string BetaRegion = "failure-domain.beta.kubernetes.io/region";
    private const string Zone = "topology.kubernetes.io/zone";
    private const string Region = "topology.kubernetes.io/region";
    private const string Conflict = "node(s) had no available volume zone";

    private static ClusterState SingleZoneCluster() => Cluster(
        [Pv("Vol_1", (BetaZone, "us-west1-a")), Pv("Vol_2", (BetaRegion, "us-west1"), ("uselessLabel", "none")), Pv("Vol_3", (BetaRegion, "us-west1")),
         Pv("Vol_Stable_1", (Zone, "us-west1-a")), Pv("Vol_Stable_2", (Region, "us-west1"), ("uselessLabel", "none")),
         Pv("Vol_Stable_3", (Zone, "us-west1-a"), (Region, "us-west1-a"))],
        [("PVC_1", "Vol_1"), ("PVC_2", "Vol_2"), ("PVC_3", "Vol_3"), ("PVC_4", "Vol_not_exist"), ("PVC_Stable_1", "Vol_Stable_1"), ("PVC_Stable_2", "Vol_Stable_2"), ("PVC_Stable_3", "Vol_Stable_3")]);

    private static ClusterState MultiZoneCluster() => Cluster(
        [Pv("Vol_1", (BetaZone, "us-west1-a")), Pv("Vol_2", (BetaZone, "us-west1-b"), ("uselessLabel", "none")), Pv("Vol_3", (BetaZone, "us-west1-c__us-west1-a")),
         Pv("Vol_Stable_1", (Zone, "us-west1-a")), Pv("Vol_Stable_2", (Zone, "us-west1-c__us-west1-a"))],
        [("PVC_1", "Vol_1"), ("PVC_2", "Vol_2"), ("PVC_3", "Vol_3"), ("PVC_4", "Vol_not_exist"), ("PVC_Stable_1", "Vol_Stable_1"), ("PVC_Stable_2", "Vol_Stable_2")]);

    private static ClusterState BindingCluster()
    {
        var state = Cluster([Pv("Vol_1", (BetaZone, "us-west1-a"))], [("PVC_1", "Vol_1")]);
        state.UpsertStorageClass(StorageClass("Class_Immediate").Immediate());
        state.UpsertStorageClass(StorageClass("Class_Wait").WaitForFirstConsumer());
        state.UpsertClaim(Claim("default", "PVC_NoSC").WithClass("Class_0"));
        state.UpsertClaim(Claim("default", "PVC_EmptySC"));
        state.UpsertClaim(Claim("default", "PVC_WaitSC").WithClass("Class_Wait"));
        state.UpsertClaim(Claim("default", "PVC_ImmediateSC").WithClass("Class_Immediate"));
        return state;
    }

    public static TheoryData<string, string, string?, (string, string)[], Status?, Status?> Cases => new()
    {
        // TestSingleZone
        { "single: pod without volume", "single", null, [(BetaZone, "us-west1-a")], Status.Skip(""), null },
        { "single: node without labels", "single", "PVC_1", [], null, null },
        { "single: beta zone label matched", "single", "PVC_1", [(BetaZone, "us-west1-a"), ("uselessLabel", "none")], null, null },
        { "single: beta region label matched", "single", "PVC_2", [(BetaRegion, "us-west1"), ("uselessLabel", "none")], null, null },
        { "single: beta region label doesn't match", "single", "PVC_2", [(BetaRegion, "no_us-west1"), ("uselessLabel", "none")], null, Unresolvable(Conflict) },
        { "single: beta zone label doesn't match", "single", "PVC_1", [(BetaZone, "no_us-west1-a"), ("uselessLabel", "none")], null, Unresolvable(Conflict) },
        { "single: zone label matched", "single", "PVC_Stable_1", [(Zone, "us-west1-a"), ("uselessLabel", "none")], null, null },
        { "single: region label matched", "single", "PVC_Stable_2", [(Region, "us-west1"), ("uselessLabel", "none")], null, null },
        { "single: region label doesn't match", "single", "PVC_Stable_2", [(Region, "no_us-west1"), ("uselessLabel", "none")], null, Unresolvable(Conflict) },
        { "single: zone label doesn't match", "single", "PVC_Stable_1", [(Zone, "no_us-west1-a"), ("uselessLabel", "none")], null, Unresolvable(Conflict) },
        { "single: pv with zone and region, node with only zone", "single", "PVC_Stable_3", [(Zone, "us-west1-a")], null, Unresolvable(Conflict) },
        { "single: pv with zone,node with beta zone", "single", "PVC_Stable_1", [(BetaZone, "us-west1-a")], null, Unresolvable(Conflict) },
        { "single: pv with beta label,node with ga label, matched", "single", "PVC_1", [(Zone, "us-west1-a")], null, null },
        { "single: pv with beta label,node with ga label, don't match", "single", "PVC_1", [(Zone, "us-west1-b")], null, Unresolvable(Conflict) },
        // TestMultiZone
        { "multi: node without labels", "multi", "PVC_3", [], null, null },
        { "multi: beta zone label matched", "multi", "PVC_3", [(BetaZone, "us-west1-a"), ("uselessLabel", "none")], null, null },
        { "multi: beta zone label doesn't match", "multi", "PVC_1", [(BetaZone, "us-west1-b"), ("uselessLabel", "none")], null, Unresolvable(Conflict) },
        { "multi: zone label matched", "multi", "PVC_Stable_2", [(Zone, "us-west1-a"), ("uselessLabel", "none")], null, null },
        { "multi: zone label doesn't match", "multi", "PVC_Stable_1", [(Zone, "us-west1-b"), ("uselessLabel", "none")], null, Unresolvable(Conflict) },
        // TestWithBinding
        { "binding: label zone failure domain matched", "binding", "PVC_1", [(BetaZone, "us-west1-a"), ("uselessLabel", "none")], null, null },
        { "binding: unbound volume empty storage class", "binding", "PVC_EmptySC", [(BetaZone, "us-west1-a"), ("uselessLabel", "none")],
            Unresolvable("PersistentVolumeClaim had no pv name and storageClass name"), Unresolvable("PersistentVolumeClaim had no pv name and storageClass name") },
        { "binding: unbound volume no storage class", "binding", "PVC_NoSC", [(BetaZone, "us-west1-a"), ("uselessLabel", "none")],
            Unresolvable("storageclasses.storage.k8s.io \"Class_0\" not found"), Unresolvable("storageclasses.storage.k8s.io \"Class_0\" not found") },
        // Upstream's class has no volumeBindingMode ("VolumeBindingMode not set for StorageClass ..."); ours always has one
        // (the API server defaults it to Immediate), so an Immediate class's unbound claim reaches the next check.
        { "binding: unbound volume immediate binding mode", "binding", "PVC_ImmediateSC", [(BetaZone, "us-west1-a"), ("uselessLabel", "none")],
            Unresolvable("PersistentVolume had no name"), Unresolvable("PersistentVolume had no name") },
        { "binding: unbound volume wait binding mode", "binding", "PVC_WaitSC", [(BetaZone, "us-west1-a"), ("uselessLabel", "none")], Status.Skip(""), null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void PreFilter_then_Filter_like_upstream(string name, string cluster, string? claim, (string, string)[] nodeLabels, Status? wantPreFilter, Status? wantFilter)
    {
        var state = cluster switch { "single" => SingleZoneCluster(), "multi" => MultiZoneCluster(), _ => BindingCluster() };
        PodInfo pod = claim is null ? Pod("default", "pod_1") : Pod("default", "pod_1").WithClaim(claim);
        var builder = BareNode("host1");
        foreach (var (key, value) in nodeLabels) builder.WithLabel(key, value);
        NodeInfo node = builder;
        var cycle = new CycleState(state, [node]);
        var plugin = new Core.Scheduling.Plugins.VolumeZone();

        var preFilter = plugin.PreFilter(cycle, pod, out _);
        Assert.True(Same(wantPreFilter, preFilter), $"{name}: PreFilter {preFilter.Code} {preFilter.Message}");
        var filter = plugin.Filter(cycle, pod, node, 0);
        Assert.True(Same(wantFilter, filter), $"{name}: Filter {filter.Code} {filter.Message}");
    }

    [Fact]
    public void The_default_profile_rejects_a_node_in_another_zone_than_the_bound_volume()
    {
        var state = Cluster([Pv("pv-a", (Zone, "zone-a"))], [("data", "pv-a")]);
        state.Volumes.Upsert(state.Volumes.Get("pv-a")! with { ClaimRef = new ClaimReference("default", "data", ""), Phase = VolumePhase.Bound });
        state.UpsertNode(Node("node-a").WithLabel(Zone, "zone-a"));
        state.UpsertNode(Node("node-b").WithLabel(Zone, "zone-b"));
        var result = new SchedulingFramework(Profiles.Default()).Schedule(state, Pod("default", "pod").WithClaim("data"));
        Assert.Equal("node-a", result.Selected?.Node.Name);
        Assert.Equal(Conflict, result.FailedNodes["node-b"]);
    }

    private static Status Unresolvable(string reason) => Status.Unresolvable(Core.Scheduling.Plugins.VolumeZone.PluginName, reason);

    /// <summary>nil in upstream's table is success.</summary>
    private static bool Same(Status? want, Status got) =>
        want is null ? got.IsSuccess : want.Code == got.Code && want.Reasons.SequenceEqual(got.Reasons);

    private static VolumeInfo Pv(string name, params (string Key, string Value)[] labels)
    {
        var builder = Volume(name).WithCapacity("1Gi");
        foreach (var (key, value) in labels) builder.WithLabel(key, value);
        return builder;
    }

    private static ClusterState Cluster(VolumeInfo[] volumes, (string Claim, string Volume)[] claims)
    {
        var state = new ClusterState(new VolumeIndex());
        foreach (var volume in volumes) state.Volumes.Upsert(volume);
        foreach (var (claim, volume) in claims) state.UpsertClaim(Claim("default", claim).BoundTo(volume));
        return state;
    }
}
