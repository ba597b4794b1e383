using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling;

/// <summary>
/// The ReadWriteOncePod check of VolumeRestrictions as in Kubernetes v1.37. Ported from
/// pkg/scheduler/framework/plugins/volumerestrictions/volume_restrictions_test.go TestAccessModeConflicts, with its
/// case names, pods, claims and expected PreFilter and Filter statuses.
/// </summary>
public class VolumeRestrictionsTests
{
    private const string Ns = "default";

    /// <summary>Upstream's existingPods, existingPVCs, the pod to schedule, and the expected statuses (Filter only runs when PreFilter succeeds).</summary>
    public static TheoryData<string, PodInfo[], ClaimInfo[], PodInfo, StatusCode, string, StatusCode?> AccessModeConflicts
    {
        get
        {
            // st.MakePod()…PVC(…).Node("node-1"): every pod of the table is on node-1, the one to schedule included.
            PodInfo podWithOnePVC = Pod(Ns, "pod-with-one-pvc").WithClaim("claim-with-rwop-1").OnNode("node-1");
            PodInfo podWithTwoPVCs = Pod(Ns, "pod-with-two-pvcs").WithClaim("claim-with-rwop-1").WithClaim("claim-with-rwop-2").OnNode("node-1");
            PodInfo podWithOneConflict = Pod(Ns, "pod-with-one-conflict").WithClaim("claim-with-rwop-1").OnNode("node-1");
            PodInfo podWithTwoConflicts = Pod(Ns, "pod-with-two-conflicts").WithClaim("claim-with-rwop-1").WithClaim("claim-with-rwop-2").OnNode("node-1");
            PodInfo podWithReadWriteManyPVC = Pod(Ns, "pod-with-rwx").WithClaim("claim-with-rwx").OnNode("node-1");
            ClaimInfo readWriteOncePodPVC1 = Claim(Ns, "claim-with-rwop-1").WithModes(AccessModes.ReadWriteOncePod);
            ClaimInfo readWriteOncePodPVC2 = Claim(Ns, "claim-with-rwop-2").WithModes(AccessModes.ReadWriteOncePod);
            ClaimInfo readWriteManyPVC = Claim(Ns, "claim-with-rwx").WithModes(AccessModes.ReadWriteMany);
            return new()
            {
                { "nothing", [], [], Pod(Ns, "empty"), StatusCode.Skip, "", null },
                { "failed to get PVC", [], [], podWithOnePVC with { NodeName = "" }, StatusCode.UnschedulableAndUnresolvable, "persistentvolumeclaim \"claim-with-rwop-1\" not found", null },
                { "no access mode conflict", [podWithReadWriteManyPVC], [readWriteOncePodPVC1, readWriteManyPVC], podWithOnePVC with { NodeName = "" }, StatusCode.Skip, "", null },
                { "access mode conflict, unschedulable", [podWithOnePVC, podWithReadWriteManyPVC], [readWriteOncePodPVC1, readWriteManyPVC], podWithOneConflict with { NodeName = "" }, StatusCode.Success, "", StatusCode.Unschedulable },
                { "two conflicts, unschedulable", [podWithTwoPVCs, podWithReadWriteManyPVC], [readWriteOncePodPVC1, readWriteOncePodPVC2, readWriteManyPVC], podWithTwoConflicts with { NodeName = "" }, StatusCode.Success, "", StatusCode.Unschedulable },
            };
        }
    }

    [Theory]
    [MemberData(nameof(AccessModeConflicts))]
    public void AccessModeConflicts_match_upstream(string name, PodInfo[] existingPods, ClaimInfo[] existingClaims, PodInfo pod,
        StatusCode preFilterCode, string preFilterReason, StatusCode? filterCode)
    {
        var state = new ClusterState(new LinearVolumeIndex());
        state.UpsertNode(Node("node-1"));
        foreach (var existing in existingPods) state.UpsertPod(existing);
        foreach (var claim in existingClaims) state.UpsertClaim(claim);

        var plugin = new Core.Scheduling.Plugins.VolumeRestrictions();
        var cycle = new CycleState(state, state.Nodes);
        var preFilter = plugin.PreFilter(cycle, pod, out _);

        Assert.True(preFilterCode == preFilter.Code, $"{name}: PreFilter {preFilter.Code}");
        Assert.Equal(preFilterReason, preFilter.Message);
        if (filterCode is { } code)
        {
            var filter = plugin.Filter(cycle, pod, state.Nodes[0], 0);
            Assert.Equal((code, Reasons.ReadWriteOncePodConflict, Core.Scheduling.Plugins.VolumeRestrictions.PluginName), (filter.Code, filter.Message, filter.Plugin));
        }
    }

    [Fact]
    public void Generic_ephemeral_volumes_are_not_checked_as_upstream_reads_only_persistentVolumeClaim_volumes()
    {
        var state = new ClusterState(new LinearVolumeIndex());
        state.UpsertClaim(Claim(Ns, "app-scratch").WithModes(AccessModes.ReadWriteOncePod));
        state.UpsertPod(Pod(Ns, "other").WithClaim("app-scratch").OnNode("node-1"));

        Assert.Equal(StatusCode.Skip, PreFilter(state, Pod(Ns, "app").WithEphemeralVolume("scratch")).Code);
    }

    [Fact]
    public void Claims_of_another_namespace_with_the_same_name_are_no_conflict()
    {
        var state = new ClusterState(new LinearVolumeIndex());
        state.UpsertClaim(Claim(Ns, "solo").WithModes(AccessModes.ReadWriteOncePod));
        state.UpsertPod(Pod("other-namespace", "holder").WithClaim("solo").OnNode("node-1"));

        Assert.Equal(StatusCode.Skip, PreFilter(state, Pod(Ns, "app").WithClaim("solo")).Code);
    }

    private static Status PreFilter(ClusterState state, PodInfo pod) => new Core.Scheduling.Plugins.VolumeRestrictions().PreFilter(new CycleState(state, state.Nodes), pod, out _);
}
