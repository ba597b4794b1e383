using VolumeAwareScheduler.Core.Matching;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Matching;

public class VolumeMatchingTests
{
    private static readonly NodeInfo Node1 = BareNode("node1").WithLabel("key1", "value1");
    private static readonly NodeInfo Node2 = BareNode("node2").WithLabel("key1", "value2");
    private static readonly NodeInfo Node3 = BareNode("node3").WithLabel("key1", "value3");
    private static readonly NodeInfo Node4 = BareNode("node4").WithLabel("key1", "value4");

    // Ported from staging/src/k8s.io/component-helpers/storage/volume/pv_helpers_test.go TestFindMatchVolumeWithNode
    // (expected values are volume UIDs, as upstream compares them).
    public static TheoryData<string, string, ClaimInfo, NodeInfo, string[]> FindMatchVolumeWithNode => new()
    {
        { "success-match", "affinity-pv", UpstreamVolumes.WaitClaim("claim01", "100G", AccessModes.ReadWriteOnce), Node1, [] },
        { "success-prebound", "affinity-prebound", UpstreamVolumes.WaitClaim("claim02", "100G", AccessModes.ReadWriteOnce), Node1, [] },
        { "success-exclusion", "affinity-pv2", UpstreamVolumes.WaitClaim("claim01", "100G", AccessModes.ReadWriteOnce), Node1, ["affinity001"] },
        { "fail-exclusion", "", UpstreamVolumes.WaitClaim("claim01", "100G", AccessModes.ReadWriteOnce), Node1, ["affinity001", "affinity002"] },
        { "fail-accessmode", "", UpstreamVolumes.WaitClaim("claim01", "100G", AccessModes.ReadWriteMany), Node1, [] },
        { "fail-nodeaffinity", "", UpstreamVolumes.WaitClaim("claim01", "100G", AccessModes.ReadWriteOnce), Node2, [] },
        { "fail-prebound-node-affinity", "", UpstreamVolumes.WaitClaim("claim02", "100G", AccessModes.ReadWriteOnce), Node3, [] },
        { "fail-nonavaliable", "", UpstreamVolumes.WaitClaim("claim04", "100G", AccessModes.ReadWriteOnce), Node4, [] },
        { "success-bad-and-good-node-affinity", "affinity-pv3", UpstreamVolumes.WaitClaim("claim03", "100G", AccessModes.ReadWriteOnce), Node3, [] },
    };

    [Theory]
    [MemberData(nameof(FindMatchVolumeWithNode))]
    public void FindMatchingVolume_with_node_matches_upstream(string name, string expectedUid, ClaimInfo claim, NodeInfo node, string[] excluded)
    {
        var volume = VolumeMatching.FindMatchingVolume(claim, UpstreamVolumes.NodeAffinityVolumes(), node, excluded.ToHashSet(), delayBinding: true);
        Assert.True(expectedUid == (volume?.Uid ?? ""), $"{name}: expected \"{expectedUid}\", got \"{volume?.Uid}\"");
    }

    // The VolumeAttributesClass rows of the same test (pv_helpers_test.go TestFindMatchVolumeWithNode, the
    // "[VolumeAttributiesClass: true]" runs: the gate is GA and on since v1.34). Upstream's volumesWithVAC(classGold, …)
    // gives every volume of the table the class "gold". The vacEnabled=false rows ("fail-on-error", "fail-volumes-vac")
    // test a gate that v1.37 no longer lets anyone turn off, and are not ported.
    public static TheoryData<string, string, ClaimInfo, NodeInfo, string?> FindMatchVolumeWithNodeAndVAC => new()
    {
        { "success-match-with-vac", "affinity-pv", UpstreamVolumes.WaitClaim("claim01", "100G", AccessModes.ReadWriteOnce) with { VolumeAttributesClassName = UpstreamVolumes.ClassGold }, Node1, UpstreamVolumes.ClassGold },
        // claim has a given vac and volumes don't have the same vac.
        { "fail-vac", "", UpstreamVolumes.WaitClaim("claim01", "100G", AccessModes.ReadWriteOnce) with { VolumeAttributesClassName = UpstreamVolumes.ClassSilver }, Node1, null },
        // claim has a given vac and volume name but the given volume has a different vac.
        { "fail-prebound-vac", "", UpstreamVolumes.WaitClaim("claim02", "100G", AccessModes.ReadWriteOnce) with { VolumeAttributesClassName = UpstreamVolumes.ClassSilver }, Node1, UpstreamVolumes.ClassGold },
    };

    [Theory]
    [MemberData(nameof(FindMatchVolumeWithNodeAndVAC))]
    public void FindMatchingVolume_with_VolumeAttributesClass_matches_upstream(string name, string expectedUid, ClaimInfo claim, NodeInfo node, string? volumesClass)
    {
        var volumes = UpstreamVolumes.NodeAffinityVolumes().Select(v => volumesClass is null ? v : v with { VolumeAttributesClassName = volumesClass });
        var volume = VolumeMatching.FindMatchingVolume(claim, volumes, node, excluded: null, delayBinding: true);
        Assert.True(expectedUid == (volume?.Uid ?? ""), $"{name}: expected \"{expectedUid}\", got \"{volume?.Uid}\"");
    }

    // Both indexes answer these rows as FindMatchingVolume does (the prebound PV is skipped, not decisive).
    [Theory]
    [MemberData(nameof(FindMatchVolumeWithNodeAndVAC))]
    public void Indexes_answer_the_VolumeAttributesClass_rows_like_upstream(string name, string expectedUid, ClaimInfo claim, NodeInfo node, string? volumesClass)
    {
        foreach (var index in new Core.Index.IVolumeIndex[] { new Core.Index.VolumeIndex(), new Core.Index.LinearVolumeIndex() })
        {
            foreach (var v in UpstreamVolumes.NodeAffinityVolumes(uniqueNames: true)) index.Upsert(volumesClass is null ? v : v with { VolumeAttributesClassName = volumesClass });
            var volume = index.FindMatchingVolume(claim, node, excluded: null);
            Assert.True(expectedUid == (volume?.Uid ?? ""), $"{name} ({index.GetType().Name}): expected \"{expectedUid}\", got \"{volume?.Uid}\"");
        }
    }

    [Fact]
    public void A_prebound_volume_of_another_VolumeAttributesClass_is_skipped_and_a_free_one_of_the_claims_class_wins()
    {
        ClaimInfo claim = Claim("ns", "claim").Requesting("5Gi").WithAttributesClass("fast");
        List<VolumeInfo> volumes =
        [
            Volume("pv-prebound-slow").WithCapacity("5Gi").ClaimedBy("ns", "claim").WithAttributesClass("slow"),
            Volume("pv-free-unset").WithCapacity("5Gi"),
            Volume("pv-free-fast").WithCapacity("8Gi").WithAttributesClass("fast"),
        ];
        Assert.Equal("pv-free-fast", VolumeMatching.FindMatchingVolume(claim, volumes, Node("node-1"), null, delayBinding: true)?.Name);
    }

    // pkg/controller/volume/persistentvolume/index_test.go TestCheckAccessModes (CheckAccessModes; our ContainsAll).
    public static TheoryData<string, AccessModes, bool> CheckAccessModes => new()
    {
        { "success-single-mode", AccessModes.ReadWriteMany, true },
        { "success-many-modes", AccessModes.ReadWriteMany | AccessModes.ReadWriteOnce, true },
        { "fail-single-mode", AccessModes.ReadOnlyMany, false },
        { "fail-many-modes", AccessModes.ReadWriteMany | AccessModes.ReadOnlyMany, false },
    };

    [Theory]
    [MemberData(nameof(CheckAccessModes))]
    public void Access_modes_must_all_be_offered(string name, AccessModes requested, bool want) =>
        Assert.True(want == (AccessModes.ReadWriteOnce | AccessModes.ReadWriteMany).ContainsAll(requested), name);

    // index_test.go TestVolumeModeCheck ("feature enabled" rows; a nil mode is Filesystem, which our model makes the default).
    public static TheoryData<string, VolumeMode, VolumeMode, bool> VolumeModeCheck => new()
    {
        { "feature enabled - pvc block and pv filesystem", VolumeMode.Block, VolumeMode.Filesystem, true },
        { "feature enabled - pvc filesystem and pv block", VolumeMode.Filesystem, VolumeMode.Block, true },
        { "feature enabled - pvc block and pv block", VolumeMode.Block, VolumeMode.Block, false },
        { "feature enabled - pvc filesystem and pv filesystem", VolumeMode.Filesystem, VolumeMode.Filesystem, false },
        { "feature enabled - pvc filesystem and pv nil", VolumeMode.Filesystem, default, false },
        { "feature enabled - pvc nil and pv filesystem", default, VolumeMode.Filesystem, false },
        { "feature enabled - pvc nil and pv nil", default, default, false },
        { "feature enabled - pvc nil and pv block", default, VolumeMode.Block, true },
        { "feature enabled - pvc block and pv nil", VolumeMode.Block, default, true },
    };

    [Theory]
    [MemberData(nameof(VolumeModeCheck))]
    public void Volume_mode_mismatch_rejects_the_volume(string name, VolumeMode claimMode, VolumeMode volumeMode, bool isExpectedMismatch)
    {
        ClaimInfo claim = Claim("myns", "claim01").Requesting("8G").WithVolumeMode(claimMode);
        VolumeInfo volume = Volume("block").WithCapacity("10G").WithVolumeMode(volumeMode);
        var rejection = VolumeMatching.Check(claim, volume, Node("node-1"), null, delayBinding: true, out _);
        Assert.True(isExpectedMismatch == (rejection == VolumeRejection.VolumeModeMismatch), $"{name}: got {rejection}");
    }

    // Upstream's order of checks in FindMatchingVolume (pv_helpers.go), one row per check.
    public static TheoryData<string, VolumeInfo, VolumeRejection> RejectionOrder => new()
    {
        { "excluded first", Volume("pv-excluded").WithCapacity("1Gi").ClaimedBy("ns", "other"), VolumeRejection.Excluded },
        { "claimed by another claim", Volume("pv").WithCapacity("1Gi").ClaimedBy("ns", "other").Deleting(), VolumeRejection.ClaimedByOther },
        { "claimRef with another uid is another claim", Volume("pv").WithCapacity("10Gi").ClaimedBy("ns", "claim", "old-uid"), VolumeRejection.ClaimedByOther },
        { "too small before mode", Volume("pv").WithCapacity("1Gi").Block(), VolumeRejection.TooSmall },
        { "volume mode before deletion", Volume("pv").WithCapacity("10Gi").Block().Deleting(), VolumeRejection.VolumeModeMismatch },
        { "volume mode before VolumeAttributesClass", Volume("pv").WithCapacity("10Gi").Block().WithAttributesClass("fast"), VolumeRejection.VolumeModeMismatch },
        { "VolumeAttributesClass before deletion", Volume("pv").WithCapacity("10Gi").WithAttributesClass("fast").Deleting(), VolumeRejection.VolumeAttributesClassMismatch },
        { "VolumeAttributesClass even when prebound", Volume("pv").WithCapacity("10Gi").ClaimedBy("ns", "claim").WithAttributesClass("fast"), VolumeRejection.VolumeAttributesClassMismatch },
        { "being deleted, even when prebound", Volume("pv").WithCapacity("10Gi").ClaimedBy("ns", "claim").Deleting(), VolumeRejection.BeingDeleted },
        { "prebound ignores phase, class, selector and access modes", Volume("pv").WithCapacity("10Gi").ClaimedBy("ns", "claim", "uid-1").Phase(VolumePhase.Released).WithClass("other").WithModes(AccessModes.ReadOnlyMany), VolumeRejection.None },
        { "prebound without uid matches by name", Volume("pv").WithCapacity("10Gi").ClaimedBy("ns", "claim").Phase(VolumePhase.Bound), VolumeRejection.None },
        { "prebound but node affinity fails", Volume("pv").WithCapacity("10Gi").ClaimedBy("ns", "claim").OnNode("node-2"), VolumeRejection.NodeAffinityMismatch },
        { "not Available", Volume("pv").WithCapacity("10Gi").Phase(VolumePhase.Released), VolumeRejection.NotAvailable },
        { "selector mismatch", Volume("pv").WithCapacity("10Gi").WithLabel("tier", "bronze"), VolumeRejection.SelectorMismatch },
        { "class mismatch", Volume("pv").WithCapacity("10Gi").WithLabel("tier", "gold").WithClass("other"), VolumeRejection.StorageClassMismatch },
        { "node affinity mismatch", Volume("pv").WithCapacity("10Gi").WithLabel("tier", "gold").OnNode("node-2"), VolumeRejection.NodeAffinityMismatch },
        { "access modes mismatch", Volume("pv").WithCapacity("10Gi").WithLabel("tier", "gold").WithModes(AccessModes.ReadOnlyMany), VolumeRejection.AccessModesMismatch },
        { "a fit", Volume("pv").WithCapacity("10Gi").WithLabel("tier", "gold").OnNode("node-1"), VolumeRejection.None },
    };

    [Theory]
    [MemberData(nameof(RejectionOrder))]
    public void Check_applies_upstreams_checks_in_order(string name, VolumeInfo volume, VolumeRejection want)
    {
        ClaimInfo claim = Claim("ns", "claim").WithUid("uid-1").Requesting("5Gi").WithSelectorLabel("tier", "gold");
        var rejection = VolumeMatching.Check(claim, volume, Node("node-1"), new HashSet<string> { "pv-excluded" }, delayBinding: true, out _);
        Assert.True(want == rejection, $"{name}: got {rejection}");
    }

    [Fact]
    public void Smallest_fit_wins_and_equal_capacities_go_to_the_first_in_order()
    {
        ClaimInfo claim = Claim("ns", "claim").Requesting("5Gi");
        List<VolumeInfo> volumes = [Volume("pv-c").WithCapacity("10Gi"), Volume("pv-b").WithCapacity("6Gi"), Volume("pv-a").WithCapacity("6Gi"), Volume("pv-d").WithCapacity("4Gi")];
        Assert.Equal("pv-b", VolumeMatching.FindMatchingVolume(claim, volumes, Node("node-1"), null, delayBinding: true)?.Name);
    }

    [Fact]
    public void A_prebound_volume_wins_over_a_smaller_free_one()
    {
        ClaimInfo claim = Claim("ns", "claim").Requesting("5Gi");
        List<VolumeInfo> volumes = [Volume("pv-small").WithCapacity("5Gi"), Volume("pv-prebound").WithCapacity("50Gi").ClaimedBy("ns", "claim")];
        Assert.Equal("pv-prebound", VolumeMatching.FindMatchingVolume(claim, volumes, Node("node-1"), null, delayBinding: true)?.Name);
    }

    [Fact]
    public void Without_a_node_delayed_binding_only_takes_a_prebound_volume()
    {
        ClaimInfo claim = Claim("ns", "claim").Requesting("5Gi");
        List<VolumeInfo> free = [Volume("pv-free").WithCapacity("5Gi")];
        Assert.Null(VolumeMatching.FindMatchingVolume(claim, free, node: null, null, delayBinding: true));
        Assert.Equal("pv-free", VolumeMatching.FindMatchingVolume(claim, free, node: null, null, delayBinding: false)?.Name);
        List<VolumeInfo> prebound = [Volume("pv-prebound").WithCapacity("5Gi").ClaimedBy("ns", "claim")];
        Assert.Equal("pv-prebound", VolumeMatching.FindMatchingVolume(claim, prebound, node: null, null, delayBinding: true)?.Name);
    }
}
