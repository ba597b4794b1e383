using VolumeAwareScheduler.Core.Matching;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Matching;

public class PVControllerMatchingTests
{
    private const AccessModes RwoRox = AccessModes.ReadWriteOnce | AccessModes.ReadOnlyMany;

    // Ported from pkg/controller/volume/persistentvolume/index_test.go TestMatchVolume (findBestMatchForClaim, delayBinding=false).
    public static TheoryData<string, string, ClaimInfo> MatchVolume => new()
    {
        { "successful-match-gce-10", "gce-pd-10", UpstreamVolumes.MakePVC("8G") },
        { "successful-match-nfs-5", "nfs-5", UpstreamVolumes.MakePVC("5G").WithModes(RwoRox | AccessModes.ReadWriteMany) },
        { "successful-skip-1g-bound-volume", "gce-pd-5", UpstreamVolumes.MakePVC("1G") },
        { "successful-no-match", "", UpstreamVolumes.MakePVC("999G") },
        { "successful-no-match-due-to-label", "", UpstreamVolumes.MakePVC("999G").WithSelectorLabel("should-not-exist", "true") },
        { "successful-no-match-due-to-size-constraint-with-label-selector", "", UpstreamVolumes.MakePVC("20000G").WithSelectorLabel("should-exist", "true").WithModes(RwoRox) },
        { "successful-match-due-with-constraint-and-label-selector", "gce-pd-2", UpstreamVolumes.MakePVC("20000G").WithSelectorLabel("should-exist", "true").WithModes(AccessModes.ReadWriteOnce) },
        { "successful-match-with-class", "gce-pd-silver1", UpstreamVolumes.MakePVC("1G").WithSelectorLabel("should-exist", "true").WithModes(AccessModes.ReadWriteOnce).WithClass("silver") },
        { "successful-match-with-class-and-labels", "gce-pd-silver2", UpstreamVolumes.MakePVC("1G").WithModes(AccessModes.ReadWriteOnce).WithClass("silver") },
        { "successful-match-very-large", "local-pd-very-large", UpstreamVolumes.MakePVC("1E").WithModes(AccessModes.ReadWriteOnce).WithClass("large") },
    };

    [Theory]
    [MemberData(nameof(MatchVolume))]
    public void FindBestMatchForClaim_matches_upstream(string name, string expectedUid, ClaimInfo claim)
    {
        var volume = PVControllerMatching.FindBestMatchForClaim(claim, UpstreamVolumes.ControllerVolumes(), delayBinding: false);
        Assert.True(expectedUid == (volume?.Uid ?? ""), $"{name}: expected \"{expectedUid}\", got \"{volume?.Uid}\"");
    }

    // The two TestMatchVolume rows beyond int64: Core keeps capacities as long bytes, so 200E, 800E and 950E all
    // saturate to long.MaxValue and compare equal. Upstream compares resource.Quantity exactly.
    [Theory(Skip = "Documented limit: capacities are long bytes (8Ei); the Kubernetes adapter rejects larger quantities as out of range rather than compare them wrongly")]
    [InlineData("successful-match-exact-extremely-large", "local-pd-extremely-large", "800E")]
    [InlineData("successful-no-match-way-too-large", "", "950E")]
    public void FindBestMatchForClaim_beyond_int64_matches_upstream(string name, string expectedUid, string request)
    {
        ClaimInfo claim = UpstreamVolumes.MakePVC(request).WithModes(AccessModes.ReadWriteOnce).WithClass("large");
        var volume = PVControllerMatching.FindBestMatchForClaim(claim, UpstreamVolumes.ControllerVolumes(), delayBinding: false);
        Assert.True(expectedUid == (volume?.Uid ?? ""), $"{name}: expected \"{expectedUid}\", got \"{volume?.Uid}\"");
    }

    // index_test.go TestMatchingWithBoundVolumes.
    [Fact]
    public void MatchingWithBoundVolumes_skips_the_bound_one()
    {
        List<VolumeInfo> volumes =
        [
            Volume("gce001").WithUid("gce-pd-1").WithCapacity("1G").WithModes(RwoRox).ClaimedBy("", "", "abc123").Phase(VolumePhase.Bound),
            Volume("gce002").WithUid("gce-pd-2").WithCapacity("1G").WithModes(RwoRox),
        ];
        var volume = PVControllerMatching.FindBestMatchForClaim(UpstreamVolumes.MakePVC("1G"), volumes, delayBinding: false);
        Assert.Equal("gce002", volume?.Name);
    }

    // index_test.go TestFindingVolumeWithDifferentAccessModes, one row per step of the upstream test.
    public static TheoryData<string, bool, bool, AccessModes, string> DifferentAccessModes => new()
    {
        { "RWO gets the exact set (ebs)", false, false, AccessModes.ReadWriteOnce, "ebs" },
        { "RWO+ROX gets gce", false, false, RwoRox, "gce" },
        { "order of the requested modes should not matter", false, false, RwoRox | AccessModes.ReadWriteMany, "nfs" },
        { "fewer modes requested should still match", false, false, AccessModes.ReadWriteMany, "nfs" },
        { "pretend the exact match is bound. should get the next level up of modes.", true, false, AccessModes.ReadWriteOnce, "gce" },
        { "continue up the levels of modes.", true, true, AccessModes.ReadWriteOnce, "nfs" },
        { "partial mode request", true, false, AccessModes.ReadOnlyMany, "gce" },
    };

    [Theory]
    [MemberData(nameof(DifferentAccessModes))]
    public void FindingVolumeWithDifferentAccessModes(string name, bool ebsClaimed, bool gceClaimed, AccessModes requested, string expected)
    {
        var gce = Volume("gce").WithUid("001").WithCapacity("10G").WithModes(RwoRox);
        var ebs = Volume("ebs").WithUid("002").WithCapacity("10G").WithModes(AccessModes.ReadWriteOnce);
        var nfs = Volume("nfs").WithUid("003").WithCapacity("10G").WithModes(RwoRox | AccessModes.ReadWriteMany);
        if (ebsClaimed) ebs.ClaimedBy("", "");
        if (gceClaimed) gce.ClaimedBy("", "");
        var volume = PVControllerMatching.FindBestMatchForClaim(Claim("myns", "claim01").Requesting("1G").WithModes(requested), [gce, ebs, nfs], delayBinding: false);
        Assert.True(expected == volume?.Name, $"{name}: got {volume?.Name}");
    }

    // index_test.go TestFindingPreboundVolumes, one row per step. The claimRef comes from GetReference(claim): no uid.
    public static TheoryData<string, string?, bool, string> FindingPreboundVolumes => new()
    {
        { "expected exact match on size", null, false, "pv1" },
        { "pretend the exact match is pre-bound. should get the next size up.", null, true, "pv5" },
        { "pretend the exact match is available but the largest volume is pre-bound to the claim.", "pv8", false, "pv8" },
        { "pretend the volume with too small a size is pre-bound to the claim. should get the exact match.", "pvBadSize", false, "pv1" },
        { "pretend the volume without the right access mode is pre-bound to the claim. should get the exact match.", "pvBadMode", false, "pv1" },
    };

    [Theory]
    [MemberData(nameof(FindingPreboundVolumes))]
    public void FindingPreboundVolumes_matches_upstream(string name, string? preboundToClaim, bool pv1BoundElsewhere, string expected)
    {
        VolumeBuilder Pv(string n, string size) => Volume(n).WithCapacity(size).WithModes(AccessModes.ReadWriteOnce);
        var volumes = new List<VolumeBuilder> { Pv("pv1", "1Gi"), Pv("pv5", "5Gi"), Pv("pv8", "8Gi"), Pv("pvBadSize", "1Mi"), Pv("pvBadMode", "1Gi").WithModes(AccessModes.ReadOnlyMany) };
        if (pv1BoundElsewhere) volumes[0].ClaimedBy("bar", "foo");
        foreach (var v in volumes) if (v.Build().Name == preboundToClaim) v.ClaimedBy("myns", "claim01");
        ClaimInfo claim = Claim("myns", "claim01").Requesting("1Gi").WithModes(AccessModes.ReadWriteOnce);
        var volume = PVControllerMatching.FindBestMatchForClaim(claim, volumes.Select(v => v.Build()), delayBinding: false);
        Assert.True(expected == volume?.Name, $"{name}: got {volume?.Name}");
    }

    // index_test.go TestBestMatchDelayed: binding through the PV controller is delayed.
    [Fact]
    public void BestMatchDelayed_returns_nothing() =>
        Assert.Null(PVControllerMatching.FindBestMatchForClaim(UpstreamVolumes.MakePVC("8G"), UpstreamVolumes.ControllerVolumes(), delayBinding: true));

    // index_test.go TestFilteringVolumeModes ("feature enabled" rows and 2-1; one volume in the index).
    public static TheoryData<string, VolumeMode, VolumeMode, bool> FilteringVolumeModes => new()
    {
        { "1-1 feature enabled - pvc block and pv filesystem", VolumeMode.Block, VolumeMode.Filesystem, false },
        { "1-2 feature enabled - pvc filesystem and pv block", VolumeMode.Filesystem, VolumeMode.Block, false },
        { "1-3 feature enabled - pvc block and pv no mode with default filesystem", VolumeMode.Block, VolumeMode.Filesystem, false },
        { "1-4 feature enabled - pvc no mode defaulted to filesystem and pv block", VolumeMode.Filesystem, VolumeMode.Block, false },
        { "1-5 feature enabled - pvc block and pv block", VolumeMode.Block, VolumeMode.Block, true },
        { "1-6 feature enabled - pvc filesystem and pv filesystem", VolumeMode.Filesystem, VolumeMode.Filesystem, true },
        { "1-7 feature enabled - pvc mode is nil and defaulted and pv mode is nil and defaulted", VolumeMode.Filesystem, VolumeMode.Filesystem, true },
        { "2-1 feature disabled - pvc mode is nil and pv mode is nil", default, default, true },
    };

    [Theory]
    [MemberData(nameof(FilteringVolumeModes))]
    public void FilteringVolumeModes_matches_upstream(string name, VolumeMode claimMode, VolumeMode volumeMode, bool isExpectedMatch)
    {
        VolumeInfo volume = Volume("block").WithUid("local-1").WithCapacity("10G").WithVolumeMode(volumeMode);
        ClaimInfo claim = Claim("myns", "claim01").Requesting("8G").WithVolumeMode(claimMode);
        Assert.True(isExpectedMatch == (PVControllerMatching.FindBestMatchForClaim(claim, [volume], delayBinding: false) is not null), name);
    }

    // index_test.go TestStorageObjectInUseProtectionFiltering, filteringTestCases ("feature enabled": the gate is GA).
    [Theory]
    [InlineData("feature enabled - pv deletionTimeStamp not set", false, true)]
    [InlineData("feature enabled - pv deletionTimeStamp set", true, false)]
    public void StorageObjectInUseProtectionFiltering(string name, bool deleting, bool isExpectedMatch)
    {
        VolumeInfo volume = Volume("pv1").WithCapacity("1G").Deleting(deleting);
        ClaimInfo claim = Claim("myns", "pvc1").Requesting("1G");
        Assert.True(isExpectedMatch == (PVControllerMatching.FindBestMatchForClaim(claim, [volume], delayBinding: false) is not null), name);
    }

    // index_test.go TestStorageObjectInUseProtectionFiltering, satisfyingTestCases: checkVolumeSatisfyClaim (pv_controller.go).
    [Fact]
    public void CheckVolumeSatisfiesClaim_accepts_a_live_volume() =>
        Assert.Null(PVControllerMatching.CheckVolumeSatisfiesClaim(Volume("pv1").WithCapacity("1G"), Claim("myns", "pvc1").Requesting("1G")));

    [Fact]
    public void CheckVolumeSatisfiesClaim_rejects_a_volume_being_deleted() =>
        Assert.Equal("the volume is marked for deletion \"pv1\"",
            PVControllerMatching.CheckVolumeSatisfiesClaim(Volume("pv1").WithCapacity("1G").Deleting(), Claim("myns", "pvc1").Requesting("1G")));

    [Fact]
    public void CheckVolumeSatisfiesClaim_rejects_incompatible_access_modes() =>
        Assert.Equal("incompatible accessMode",
            PVControllerMatching.CheckVolumeSatisfiesClaim(Volume("pv1").WithCapacity("1G").WithModes(AccessModes.ReadOnlyMany), Claim("myns", "pvc1").Requesting("1G").WithModes(AccessModes.ReadWriteOnce)));

    // The rest of checkVolumeSatisfyClaim, in upstream's order and words.
    public static TheoryData<string, VolumeInfo, ClaimInfo, string?> SatisfyClaim => new()
    {
        { "too small", Volume("pv").WithCapacity("1Gi"), Claim("ns", "c").Requesting("2Gi"), "requested PV is too small" },
        { "size before class", Volume("pv").WithCapacity("1Gi").WithClass("a"), Claim("ns", "c").Requesting("2Gi").WithClass("b"), "requested PV is too small" },
        { "class", Volume("pv").WithCapacity("2Gi").WithClass("a"), Claim("ns", "c").Requesting("2Gi").WithClass("b"), "storageClassName does not match" },
        { "class before volume mode", Volume("pv").WithCapacity("2Gi").WithClass("a").Block(), Claim("ns", "c").Requesting("2Gi").WithClass("b"), "storageClassName does not match" },
        { "VolumeAttributesClass", Volume("pv").WithCapacity("2Gi").WithAttributesClass("gold"), Claim("ns", "c").Requesting("2Gi"), "volumeAttributesClassName does not match" },
        { "class before VolumeAttributesClass", Volume("pv").WithCapacity("2Gi").WithClass("a").WithAttributesClass("gold"), Claim("ns", "c").Requesting("2Gi").WithClass("b"), "storageClassName does not match" },
        { "VolumeAttributesClass before volume mode", Volume("pv").WithCapacity("2Gi").Block().WithAttributesClass("gold"), Claim("ns", "c").Requesting("2Gi").WithAttributesClass("silver"), "volumeAttributesClassName does not match" },
        { "volume mode", Volume("pv").WithCapacity("2Gi").Block(), Claim("ns", "c").Requesting("2Gi"), "incompatible volumeMode" },
        { "satisfied", Volume("pv").WithCapacity("2Gi"), Claim("ns", "c").Requesting("2Gi"), null },
    };

    [Theory]
    [MemberData(nameof(SatisfyClaim))]
    public void CheckVolumeSatisfiesClaim_in_upstreams_order(string name, VolumeInfo volume, ClaimInfo claim, string? want) =>
        Assert.True(want == PVControllerMatching.CheckVolumeSatisfiesClaim(volume, claim), name);
}
