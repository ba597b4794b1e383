using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Invariants;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Invariants;

/// <summary>Each invariant of <see cref="InvariantChecker"/> on a cluster that breaks it and on one that keeps it.</summary>
public sealed class InvariantCheckerTests
{
    private const string Ns = "default";

    private static readonly NodeInfo Node1 = Node("node-1");
    private static readonly NodeInfo Node2 = Node("node-2");

    private static VolumeBuilder LocalPv(string name, string node) => Volume(name).WithClass("local").WithCapacity("10Gi").OnNode(node);

    private static ClaimBuilder ClaimOf(string name) => Claim(Ns, name).WithClass("local").Requesting("5Gi").WithUid($"{name}-uid");

    private static InvariantCase Case(Invariant invariant, NodeInfo[] nodes, VolumeInfo[] volumes, ClaimInfo[] claims, PodInfo[] pods, params string[] expected) =>
        new(invariant, nodes, volumes, claims, pods, expected);

    private static readonly Dictionary<string, InvariantCase> Cases = new()
    {
        ["a PV bound to two claims"] = Case(Invariant.VolumeClaimedTwice, [Node1],
            [LocalPv("pv-1", "node-1").ClaimedBy(Ns, "a", "a-uid").Phase(VolumePhase.Bound)],
            [ClaimOf("a").BoundTo("pv-1"), ClaimOf("b").BoundTo("pv-1")], [],
            "PersistentVolume pv-1 is bound to 2 claims: default/a, default/b.",
            "Claim default/b is bound to PersistentVolume pv-1, whose claimRef names default/a."),
        ["two PVs each bound to their own claim"] = Case(Invariant.VolumeClaimedTwice, [Node1],
            [LocalPv("pv-1", "node-1").ClaimedBy(Ns, "a", "a-uid").Phase(VolumePhase.Bound), LocalPv("pv-2", "node-1").ClaimedBy(Ns, "b", "b-uid").Phase(VolumePhase.Bound)],
            [ClaimOf("a").BoundTo("pv-1"), ClaimOf("b").BoundTo("pv-2")], []),
        ["two pending claims naming one PV (a user's pre-binding) are not bound"] = Case(Invariant.VolumeClaimedTwice, [Node1],
            [LocalPv("pv-1", "node-1")],
            [ClaimOf("a").PreboundTo("pv-1"), ClaimOf("b").PreboundTo("pv-1")], []),

        ["a bound claim whose PV does not exist"] = Case(Invariant.BoundClaimPointsBack, [Node1], [],
            [ClaimOf("a").BoundTo("pv-gone")], [],
            "Claim default/a is bound to PersistentVolume pv-gone, which does not exist."),
        ["a bound claim whose PV has no claimRef"] = Case(Invariant.BoundClaimPointsBack, [Node1],
            [LocalPv("pv-1", "node-1")],
            [ClaimOf("a").BoundTo("pv-1")], [],
            "Claim default/a is bound to PersistentVolume pv-1, whose claimRef is empty."),
        ["a bound claim whose PV names another uid (a re-created claim)"] = Case(Invariant.BoundClaimPointsBack, [Node1],
            [LocalPv("pv-1", "node-1").ClaimedBy(Ns, "a", "old-uid").Phase(VolumePhase.Bound)],
            [ClaimOf("a").BoundTo("pv-1")], [],
            "Claim default/a is bound to PersistentVolume pv-1, whose claimRef names it with uid \"old-uid\", not the claim's uid \"a-uid\"."),
        ["a bound claim whose PV names it back with its uid"] = Case(Invariant.BoundClaimPointsBack, [Node1],
            [LocalPv("pv-1", "node-1").ClaimedBy(Ns, "a", "a-uid").Phase(VolumePhase.Bound)],
            [ClaimOf("a").BoundTo("pv-1")], []),
        ["a bound claim without a uid (a hand-written dump) is matched by name"] = Case(Invariant.BoundClaimPointsBack, [Node1],
            [LocalPv("pv-1", "node-1").ClaimedBy(Ns, "a").Phase(VolumePhase.Bound)],
            [Claim(Ns, "a").WithClass("local").PreboundTo("pv-1").Phase(ClaimPhase.Bound)], []),

        ["a pod on a node its bound PV's affinity excludes"] = Case(Invariant.PodOutsideVolumeAffinity, [Node1, Node2],
            [LocalPv("pv-1", "node-1").ClaimedBy(Ns, "a", "a-uid").Phase(VolumePhase.Bound)],
            [ClaimOf("a").BoundTo("pv-1")],
            [Pod(Ns, "app").WithClaim("a").OnNode("node-2")],
            "Pod default/app runs on node node-2, outside the node affinity of PersistentVolume pv-1 bound to its claim default/a."),
        ["a pod's generic ephemeral volume on another node"] = Case(Invariant.PodOutsideVolumeAffinity, [Node1, Node2],
            [LocalPv("pv-1", "node-1").ClaimedBy(Ns, "app-scratch", "app-scratch-uid").Phase(VolumePhase.Bound)],
            [ClaimOf("app-scratch").BoundTo("pv-1")],
            [Pod(Ns, "app").WithEphemeralVolume("scratch").OnNode("node-2")],
            "Pod default/app runs on node node-2, outside the node affinity of PersistentVolume pv-1 bound to its claim default/app-scratch."),
        ["a pod on its bound PV's node"] = Case(Invariant.PodOutsideVolumeAffinity, [Node1, Node2],
            [LocalPv("pv-1", "node-1").ClaimedBy(Ns, "a", "a-uid").Phase(VolumePhase.Bound), Volume("pv-net").WithClass("net").ClaimedBy(Ns, "b", "b-uid").Phase(VolumePhase.Bound)],
            [ClaimOf("a").BoundTo("pv-1"), ClaimOf("b").BoundTo("pv-net")],
            [Pod(Ns, "app").WithClaim("a").WithClaim("b").OnNode("node-1"), Pod(Ns, "pending").WithClaim("a")]),

        ["an unbound claim whose selected node was deleted"] = Case(Invariant.SelectedNodeMissing, [Node1], [],
            [ClaimOf("a").SelectedNode("node-gone")],
            [Pod(Ns, "app").WithClaim("a")],
            "Claim default/a waits for provisioning on node \"node-gone\" (volume.kubernetes.io/selected-node), which does not exist."),
        ["an unbound claim whose selected node exists, and a bound one whose node was deleted"] = Case(Invariant.SelectedNodeMissing, [Node1],
            [Volume("pv-net").WithClass("net").ClaimedBy(Ns, "b", "b-uid").Phase(VolumePhase.Bound)],
            [ClaimOf("a").SelectedNode("node-1"), ClaimOf("b").SelectedNode("node-gone").BoundTo("pv-net")],
            [Pod(Ns, "app").WithClaim("a")]),

        ["a PV prebound to a claim that is gone"] = Case(Invariant.StalePrebinding, [Node1],
            [LocalPv("pv-1", "node-1").ClaimedBy(Ns, "a", "a-uid").BoundByController()], [], [],
            "PersistentVolume pv-1 is prebound to claim default/a (uid \"a-uid\"), which is gone."),
        ["a PV prebound to a claim re-created under the same name"] = Case(Invariant.StalePrebinding, [Node1],
            [LocalPv("pv-1", "node-1").ClaimedBy(Ns, "a", "old-uid").BoundByController()],
            [ClaimOf("a")], [Pod(Ns, "app").WithClaim("a")],
            "PersistentVolume pv-1 is prebound to claim default/a (uid \"old-uid\"), which is gone."),
        ["a PV prebound to a claim bound to another PV"] = Case(Invariant.StalePrebinding, [Node1],
            [LocalPv("pv-1", "node-1").ClaimedBy(Ns, "a", "a-uid").Phase(VolumePhase.Bound), LocalPv("pv-2", "node-1").ClaimedBy(Ns, "a", "a-uid").BoundByController()],
            [ClaimOf("a").BoundTo("pv-1")], [Pod(Ns, "app").WithClaim("a").OnNode("node-1")],
            "PersistentVolume pv-2 is prebound to claim default/a, which is bound to PersistentVolume pv-1."),
        ["a PV prebound for a pod that is gone"] = Case(Invariant.StalePrebinding, [Node1],
            [LocalPv("pv-1", "node-1").ClaimedBy(Ns, "a", "a-uid").BoundByController()],
            [ClaimOf("a")], [Pod(Ns, "app").WithClaim("a").OnNode("node-1").Terminating()],
            "PersistentVolume pv-1 is prebound to claim default/a, which no pod uses any more."),
        ["a PV prebound for a pod placed on another node"] = Case(Invariant.StalePrebinding, [Node1, Node2],
            [LocalPv("pv-1", "node-1").ClaimedBy(Ns, "a", "a-uid").BoundByController()],
            [ClaimOf("a")], [Pod(Ns, "app").WithClaim("a").OnNode("node-2")],
            "PersistentVolume pv-1 is prebound to claim default/a, but pod default/app using it was placed on node node-2, outside the PV's node affinity."),
        ["a user's pre-binding (no uid) for a pod placed on another node"] = Case(Invariant.StalePrebinding, [Node1, Node2],
            [LocalPv("pv-1", "node-1").ClaimedBy(Ns, "a")],
            [ClaimOf("a")], [Pod(Ns, "app").WithClaim("a").OnNode("node-2")],
            "PersistentVolume pv-1 is prebound to claim default/a, but pod default/app using it was placed on node node-2, outside the PV's node affinity."),
        ["a PV prebound for a pod being bound to its node"] = Case(Invariant.StalePrebinding, [Node1, Node2],
            [LocalPv("pv-1", "node-1").ClaimedBy(Ns, "a", "a-uid").BoundByController(), LocalPv("pv-2", "node-2").ClaimedBy(Ns, "b", "b-uid").BoundByController()],
            [ClaimOf("a"), ClaimOf("b")], [Pod(Ns, "app").WithClaim("a").OnNode("node-1"), Pod(Ns, "next").WithClaim("b")]),
        ["a user's pre-binding (no uid) for a claim not created yet"] = Case(Invariant.StalePrebinding, [Node1],
            [LocalPv("pv-1", "node-1").ClaimedBy(Ns, "later")], [], []),
        ["a user's pre-binding with a uid, of a claim that got another PV"] = Case(Invariant.StalePrebinding, [Node1],
            [LocalPv("pv-1", "node-1").ClaimedBy(Ns, "a", "a-uid").Phase(VolumePhase.Bound), LocalPv("pv-2", "node-1").ClaimedBy(Ns, "a", "a-uid")],
            [ClaimOf("a").BoundTo("pv-1")], [Pod(Ns, "app").WithClaim("a").OnNode("node-1")]),
        ["a Released PV whose claim was deleted"] = Case(Invariant.StalePrebinding, [Node1],
            [LocalPv("pv-1", "node-1").ClaimedBy(Ns, "a", "a-uid").Phase(VolumePhase.Released)], [], []),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Checker_reports_exactly_the_broken_invariants(string name)
    {
        var row = Cases[name];
        var state = new ClusterState(new VolumeIndex());
        foreach (var node in row.Nodes) state.UpsertNode(node);
        foreach (var volume in row.Volumes) state.Volumes.Upsert(volume);
        foreach (var claim in row.Claims) state.UpsertClaim(claim);
        foreach (var pod in row.Pods) state.UpsertPod(pod);

        var violations = InvariantChecker.Check(state);

        Assert.Equal(row.Expected, violations.Select(v => v.Message));
        if (row.Expected.Count > 0) Assert.Equal(row.Invariant, violations[0].Invariant);
    }

    [Fact]
    public void Every_invariant_has_a_violating_and_a_clean_case()
    {
        foreach (var invariant in Enum.GetValues<Invariant>())
        {
            Assert.Contains(Cases.Values, c => c.Invariant == invariant && c.Expected.Count > 0);
            Assert.Contains(Cases.Values, c => c.Invariant == invariant && c.Expected.Count == 0);
        }
    }
}
