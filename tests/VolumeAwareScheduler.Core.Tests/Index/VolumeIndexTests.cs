using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Tests.Matching;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Index;

/// <summary>Behaviour both IVolumeIndex implementations must share; every case runs on each.</summary>
public class VolumeIndexTests
{
    public static IVolumeIndex Create(string kind) => kind switch
    {
        nameof(LinearVolumeIndex) => new LinearVolumeIndex(),
        nameof(VolumeIndex) => new VolumeIndex(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static TheoryData<string> Kinds => [nameof(LinearVolumeIndex), nameof(VolumeIndex)];

    private static IVolumeIndex With(string kind, params VolumeInfo[] volumes)
    {
        var index = Create(kind);
        foreach (var v in volumes) index.Upsert(v);
        return index;
    }

    // staging/src/k8s.io/component-helpers/storage/volume/pv_helpers_test.go TestFindMatchVolumeWithNode, through each index.
    public static TheoryData<string, string, string, ClaimInfo, NodeInfo, string[]> FindMatchVolumeWithNode
    {
        get
        {
            var data = new TheoryData<string, string, string, ClaimInfo, NodeInfo, string[]>();
            NodeInfo N(string v) => BareNode("node-" + v).WithLabel("key1", v);
            foreach (var kind in new[] { nameof(LinearVolumeIndex), nameof(VolumeIndex) })
            {
                data.Add(kind, "success-match", "affinity-pv", UpstreamVolumes.WaitClaim("claim01", "100G", AccessModes.ReadWriteOnce), N("value1"), []);
                data.Add(kind, "success-prebound", "affinity-prebound", UpstreamVolumes.WaitClaim("claim02", "100G", AccessModes.ReadWriteOnce), N("value1"), []);
                data.Add(kind, "success-exclusion", "affinity-pv2", UpstreamVolumes.WaitClaim("claim01", "100G", AccessModes.ReadWriteOnce), N("value1"), ["affinity001"]);
                data.Add(kind, "fail-exclusion", "", UpstreamVolumes.WaitClaim("claim01", "100G", AccessModes.ReadWriteOnce), N("value1"), ["affinity001", "affinity002"]);
                data.Add(kind, "fail-accessmode", "", UpstreamVolumes.WaitClaim("claim01", "100G", AccessModes.ReadWriteMany), N("value1"), []);
                data.Add(kind, "fail-nodeaffinity", "", UpstreamVolumes.WaitClaim("claim01", "100G", AccessModes.ReadWriteOnce), N("value2"), []);
                data.Add(kind, "fail-prebound-node-affinity", "", UpstreamVolumes.WaitClaim("claim02", "100G", AccessModes.ReadWriteOnce), N("value3"), []);
                data.Add(kind, "fail-nonavaliable", "", UpstreamVolumes.WaitClaim("claim04", "100G", AccessModes.ReadWriteOnce), N("value4"), []);
                data.Add(kind, "success-bad-and-good-node-affinity", "affinity-pv3", UpstreamVolumes.WaitClaim("claim03", "100G", AccessModes.ReadWriteOnce), N("value3"), []);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(FindMatchVolumeWithNode))]
    public void FindMatchingVolume_matches_upstream(string kind, string name, string expectedUid, ClaimInfo claim, NodeInfo node, string[] excluded)
    {
        var index = With(kind, [.. UpstreamVolumes.NodeAffinityVolumes(uniqueNames: true)]);
        var volume = index.FindMatchingVolume(claim, node, excluded.ToHashSet());
        Assert.True(expectedUid == (volume?.Uid ?? ""), $"{kind} {name}: expected \"{expectedUid}\", got \"{volume?.Uid}\"");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Upsert_replaces_and_Remove_forgets(string kind)
    {
        var index = With(kind, Volume("pv-b").WithClass("fast").WithCapacity("1Gi"), Volume("pv-a").WithClass("fast").WithCapacity("2Gi"), Volume("pv-c").WithClass("slow"));
        Assert.Equal(3, index.Count);
        Assert.Equal(["pv-a", "pv-b"], index.ListByClass("fast").Select(v => v.Name));

        index.Upsert(Volume("pv-a").WithClass("slow").WithCapacity("3Gi"));
        Assert.Equal(3, index.Count);
        Assert.Equal(["pv-b"], index.ListByClass("fast").Select(v => v.Name));
        Assert.Equal(["pv-a", "pv-c"], index.ListByClass("slow").Select(v => v.Name));
        Assert.Equal(Quantity.Parse("3Gi"), index.Get("pv-a")!.CapacityBytes);

        Assert.True(index.Remove("pv-a"));
        Assert.False(index.Remove("pv-a"));
        Assert.Null(index.Get("pv-a"));
        Assert.Empty(index.ListByClass("unknown"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Binding_a_volume_takes_it_away_and_unbinding_gives_it_back(string kind)
    {
        var index = With(kind, Volume("pv-1").WithCapacity("5Gi").OnNode("node-1"), Volume("pv-2").WithCapacity("10Gi").OnNode("node-1"));
        NodeInfo node = Node("node-1");
        ClaimInfo claim = Claim("ns", "claim").Requesting("1Gi");
        Assert.Equal("pv-1", index.FindMatchingVolume(claim, node, null)?.Name);

        index.Upsert(Volume("pv-1").WithCapacity("5Gi").OnNode("node-1").ClaimedBy("ns", "other", "uid-other").Phase(VolumePhase.Bound));
        Assert.Equal("pv-2", index.FindMatchingVolume(claim, node, null)?.Name);

        index.Upsert(Volume("pv-1").WithCapacity("5Gi").OnNode("node-1"));
        Assert.Equal("pv-1", index.FindMatchingVolume(claim, node, null)?.Name);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_prebound_volume_wins_and_its_affinity_decides(string kind)
    {
        var index = With(kind,
            Volume("pv-free").WithCapacity("1Gi").OnNode("node-1"),
            Volume("pv-prebound").WithCapacity("100Gi").OnNode("node-2").ClaimedBy("ns", "claim"));
        ClaimInfo claim = Claim("ns", "claim").WithUid("uid-1").Requesting("1Gi");
        Assert.Equal("pv-prebound", index.FindMatchingVolume(claim, Node("node-2"), null)?.Name);
        Assert.Null(index.FindMatchingVolume(claim, Node("node-1"), null)); // the prebound PV's node affinity fails: no match at all
        ClaimInfo recreated = Claim("ns", "claim").WithUid("uid-2").Requesting("1Gi");
        index.Upsert(Volume("pv-prebound").WithCapacity("100Gi").OnNode("node-2").ClaimedBy("ns", "claim", "uid-1"));
        Assert.Equal("pv-free", index.FindMatchingVolume(recreated, Node("node-1"), null)?.Name); // claimRef uid names the old claim
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Affinity_terms_come_and_go_with_their_volumes(string kind)
    {
        var index = With(kind, Volume("pv-zone").WithCapacity("5Gi").OnLabel(ZoneLabel, "zone-a"), Volume("pv-zone-2").WithCapacity("6Gi").OnLabel(ZoneLabel, "zone-a"));
        NodeInfo node = Node("node-1").InZone("zone-a");
        ClaimInfo claim = Claim("ns", "claim").Requesting("1Gi");
        Assert.Equal("pv-zone", index.FindMatchingVolume(claim, node, null)?.Name);
        index.Remove("pv-zone");
        Assert.Equal("pv-zone-2", index.FindMatchingVolume(claim, node, null)?.Name);
        index.Remove("pv-zone-2");
        Assert.Null(index.FindMatchingVolume(claim, node, null));
        index.Upsert(Volume("pv-zone").WithCapacity("5Gi").OnLabel(ZoneLabel, "zone-a"));
        Assert.Equal("pv-zone", index.FindMatchingVolume(claim, node, null)?.Name);
        index.Upsert(Volume("pv-zone").WithCapacity("5Gi").OnLabel(ZoneLabel, "zone-b"));
        Assert.Null(index.FindMatchingVolume(claim, node, null));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Smallest_fit_then_name_breaks_ties(string kind)
    {
        var index = With(kind, Volume("pv-c").WithCapacity("10Gi"), Volume("pv-b").WithCapacity("6Gi"), Volume("pv-a").WithCapacity("6Gi"), Volume("pv-d").WithCapacity("4Gi"));
        ClaimInfo claim = Claim("ns", "claim").Requesting("5Gi");
        Assert.Equal("pv-a", index.FindMatchingVolume(claim, Node("node-1"), null)?.Name);
        Assert.Equal("pv-b", index.FindMatchingVolume(claim, Node("node-1"), new HashSet<string> { "pv-a" })?.Name);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Only_volumes_of_the_claims_class_mode_and_access_count(string kind)
    {
        var index = With(kind,
            Volume("pv-other-class").WithCapacity("1Gi").WithClass("other"),
            Volume("pv-block").WithCapacity("1Gi").Block(),
            Volume("pv-rox").WithCapacity("1Gi").WithModes(AccessModes.ReadOnlyMany),
            Volume("pv-released").WithCapacity("1Gi").Phase(VolumePhase.Released),
            Volume("pv-deleting").WithCapacity("1Gi").Deleting(),
            Volume("pv-bronze").WithCapacity("1Gi").WithLabel("tier", "bronze"),
            Volume("pv-fit").WithCapacity("2Gi").WithModes(AccessModes.ReadWriteOnce | AccessModes.ReadWriteMany).WithLabel("tier", "gold"));
        ClaimInfo claim = Claim("ns", "claim").Requesting("1Gi").WithSelector(LabelSelector(null, NotIn("tier", "bronze")));
        Assert.Equal("pv-fit", index.FindMatchingVolume(claim, Node("node-1"), null)?.Name);
    }
}
