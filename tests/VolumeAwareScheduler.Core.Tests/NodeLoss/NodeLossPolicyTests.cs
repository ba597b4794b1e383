using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.NodeLoss;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.NodeLoss;

/// <summary>
/// <see cref="NodeLossPolicy.Plan"/>: which claims are released, given the state, when the node was first seen missing,
/// and the clock. The lost node is node-a; node-b exists; the claim under test is default/data-web-0 of StatefulSet web.
/// </summary>
public sealed class NodeLossPolicyTests
{
    private const string Ns = "default";
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);
    private static readonly ObjectKey ClaimKey = new(Ns, "data-web-0");

    private static readonly NodeInfo NodeB = Node("node-b");
    private static readonly StorageClassInfo OptedIn = StorageClass("local").ReleasingClaimsOnNodeLoss();
    private static readonly StorageClassInfo NotOptedIn = StorageClass("local");

    private static VolumeBuilder Pv(string node = "node-a") =>
        Volume("pv-a").WithClass("local").WithCapacity("10Gi").OnNode(node).ClaimedBy(Ns, "data-web-0", "claim-uid").Phase(VolumePhase.Bound);

    private static ClaimBuilder DataWeb0 => Claim(Ns, "data-web-0").WithClass("local").Requesting("5Gi").WithUid("claim-uid").BoundTo("pv-a");

    private static PodBuilder Web0 => Pod(Ns, "web-0").ControlledBy("apps/v1", "StatefulSet", "web").WithClaim("data-web-0", "data");

    private static readonly TimeSpan Passed = TimeSpan.FromMinutes(11);

    private static NodeLossCase Case(VolumeInfo? volume = null, ClaimInfo? claim = null, PodInfo[]? pods = null, NodeInfo[]? nodes = null,
        StorageClassInfo? storageClass = null, TimeSpan? missingFor = null, bool neverSeen = false, NodeLossVerdict? expected = null, string[]? missing = null) =>
        new(nodes ?? [NodeB], [storageClass ?? OptedIn], [volume ?? Pv()], claim is null ? [DataWeb0] : [claim], pods ?? [Web0],
            neverSeen ? null : missingFor ?? Passed, expected, missing ?? ["node-a"]);

    private static readonly Dictionary<string, NodeLossCase> Cases = new()
    {
        ["node deleted past the grace period, pending StatefulSet pod: the claim is released"] =
            Case(expected: NodeLossVerdict.Release),
        ["node deleted exactly the grace period ago: released"] =
            Case(missingFor: Grace, expected: NodeLossVerdict.Release),
        ["node deleted, grace period not yet passed: waits"] =
            Case(missingFor: TimeSpan.FromMinutes(9), expected: NodeLossVerdict.WaitForGracePeriod),
        ["node missing but not seen missing before: the grace period starts now"] =
            Case(neverSeen: true, expected: NodeLossVerdict.WaitForGracePeriod),
        ["node exists: never touched"] =
            Case(nodes: [Node("node-a"), NodeB], missing: []),
        ["node exists but NotReady, cordoned and tainted: never touched"] =
            Case(nodes: [Node("node-a").Unschedulable().WithTaint("node.kubernetes.io/not-ready", "", TaintEffect.NoExecute)
                .WithTaint("node.kubernetes.io/unreachable", "", TaintEffect.NoSchedule), NodeB], missing: []),
        ["node exists under another name with that kubernetes.io/hostname label: never touched"] =
            Case(nodes: [BareNode("ip-10-0-0-1.ec2.internal").WithLabel("kubernetes.io/hostname", "node-a"), NodeB], missing: []),
        ["class without the annotation: never touched"] =
            Case(storageClass: NotOptedIn, missing: []),
        ["PV whose affinity allows other nodes too (two hostnames): never touched"] =
            Case(volume: Pv().WithAffinity(Term(In("kubernetes.io/hostname", "node-a", "node-c"))), missing: []),
        ["PV whose affinity has a second term without a hostname: never touched"] =
            Case(volume: Pv().WithAffinity(Term(In("kubernetes.io/hostname", "node-a")), Term(In("topology.kubernetes.io/zone", "zone-1"))), missing: []),
        ["PV pinned to a zone, not a node: never touched"] =
            Case(volume: Pv().OnLabel("topology.kubernetes.io/zone", "zone-1"), missing: []),
        ["PV pinned by two terms to the same node: released"] =
            Case(volume: Pv().WithAffinity(Term(In("kubernetes.io/hostname", "node-a")), Term(In("kubernetes.io/hostname", "node-a"), Exists("disk"))),
                expected: NodeLossVerdict.Release),
        ["claim whose pod already runs elsewhere: kept"] =
            Case(pods: [Web0.OnNode("node-b")], expected: NodeLossVerdict.NoPendingPod),
        ["claim whose pod is still bound to the lost node (pod GC has not removed it): kept"] =
            Case(pods: [Web0.OnNode("node-a")], expected: NodeLossVerdict.NoPendingPod),
        ["claim with no pod: kept"] =
            Case(pods: [], expected: NodeLossVerdict.NoPendingPod),
        ["claim whose pending pod is terminating: kept"] =
            Case(pods: [Web0.Terminating()], expected: NodeLossVerdict.NoPendingPod),
        ["claim shared by a pending pod and a running one: kept"] =
            Case(pods: [Web0, Pod(Ns, "reader").WithClaim("data-web-0").OnNode("node-b")], expected: NodeLossVerdict.NoPendingPod),
        ["claim of a pending pod that no StatefulSet controls: nothing would create it again"] =
            Case(pods: [Pod(Ns, "web-0").WithClaim("data-web-0")], expected: NodeLossVerdict.NotRecreatable),
        ["claim of a pending ReplicaSet pod: nothing would create it again"] =
            Case(pods: [Pod(Ns, "web-0").ControlledBy("apps/v1", "ReplicaSet", "web").WithClaim("data-web-0")], expected: NodeLossVerdict.NotRecreatable),
        ["claimRef with another uid (the claim was created again): never touched"] =
            Case(volume: Pv().ClaimedBy(Ns, "data-web-0", "old-uid")),
        ["claim bound to another PV: never touched"] =
            Case(claim: DataWeb0.BoundTo("pv-other")),
        ["claim already being deleted: never touched"] =
            Case(claim: DataWeb0.Deleting()),
        ["PV without a claim: the node is reported missing, nothing to release"] =
            Case(volume: Volume("pv-a").WithClass("local").WithCapacity("10Gi").OnNode("node-a")),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Plan_gives_each_claim_on_a_lost_node_its_verdict(string name)
    {
        var row = Cases[name];
        var state = new ClusterState(new VolumeIndex());
        foreach (var node in row.Nodes) state.UpsertNode(node);
        foreach (var storageClass in row.Classes) state.UpsertStorageClass(storageClass);
        foreach (var volume in row.Volumes) state.Volumes.Upsert(volume);
        foreach (var claim in row.Claims) state.UpsertClaim(claim);
        foreach (var pod in row.Pods) state.UpsertPod(pod);
        var seen = row.MissingFor is { } missingFor ? new Dictionary<string, DateTimeOffset> { ["node-a"] = Now - missingFor } : [];

        var plan = NodeLossPolicy.Plan(state, seen, Now, Grace);

        Assert.Equal(row.ExpectedMissing, plan.MissingNodes);
        var decided = plan.Claims.FirstOrDefault(c => c.Claim.Key == ClaimKey);
        Assert.Equal(row.Expected, decided?.Verdict);
        if (decided is not null)
        {
            Assert.Equal("node-a", decided.NodeName);
            Assert.Equal("pv-a", decided.Volume.Name);
            Assert.Equal(decided.MissingSince + Grace, decided.ReleaseAt);
            Assert.Equal(row.MissingFor is { } f ? Now - f : Now, decided.MissingSince);
        }
    }

    [Fact]
    public void A_claim_a_StatefulSet_pod_names_outside_its_volumeClaimTemplates_is_not_recreatable()
    {
        var state = new ClusterState(new VolumeIndex());
        state.UpsertNode(NodeB);
        state.UpsertStorageClass(OptedIn);
        state.Volumes.Upsert(Pv().ClaimedBy(Ns, "shared", "claim-uid"));
        state.UpsertClaim(Claim(Ns, "shared").WithClass("local").WithUid("claim-uid").BoundTo("pv-a"));
        state.UpsertPod(Web0.WithClaim("shared"));

        var plan = NodeLossPolicy.Plan(state, new Dictionary<string, DateTimeOffset> { ["node-a"] = Now - Passed }, Now, Grace);

        Assert.Equal(NodeLossVerdict.NotRecreatable, Assert.Single(plan.Claims).Verdict);
    }

    [Fact]
    public void The_next_release_is_when_the_earliest_waiting_grace_period_ends()
    {
        var state = new ClusterState(new VolumeIndex());
        state.UpsertNode(NodeB);
        state.UpsertStorageClass(OptedIn);
        state.Volumes.Upsert(Pv());
        state.UpsertClaim(DataWeb0);
        state.UpsertPod(Web0);

        var plan = NodeLossPolicy.Plan(state, new Dictionary<string, DateTimeOffset> { ["node-a"] = Now - TimeSpan.FromMinutes(4) }, Now, Grace);

        Assert.Equal(Now + TimeSpan.FromMinutes(6), plan.NextReleaseAt);
        Assert.Empty(plan.Releases);
        Assert.Equal(ClaimKey, Assert.Single(plan.Waiting).Claim.Key);
    }

    [Fact]
    public void Without_an_opted_in_class_the_plan_is_empty()
    {
        var state = new ClusterState(new VolumeIndex());
        state.UpsertStorageClass(NotOptedIn);
        state.Volumes.Upsert(Pv());
        state.UpsertClaim(DataWeb0);
        state.UpsertPod(Web0);

        Assert.Same(NodeLossPlan.Empty, NodeLossPolicy.Plan(state, new Dictionary<string, DateTimeOffset>(), Now, Grace));
    }

    public static TheoryData<string, VolumeInfo, string?> PinnedNodes => new()
    {
        { "one hostname", Volume("pv").OnNode("node-a"), "node-a" },
        { "no affinity", Volume("pv"), null },
        { "two hostnames in one expression", Volume("pv").WithAffinity(Term(In("kubernetes.io/hostname", "node-a", "node-b"))), null },
        { "two expressions intersecting to one hostname", Volume("pv").WithAffinity(Term(In("kubernetes.io/hostname", "node-a", "node-b"), In("kubernetes.io/hostname", "node-a"))), "node-a" },
        { "two terms, two hostnames", Volume("pv").WithAffinity(Term(In("kubernetes.io/hostname", "node-a")), Term(In("kubernetes.io/hostname", "node-b"))), null },
        { "NotIn on the hostname", Volume("pv").WithAffinity(Term(NotIn("kubernetes.io/hostname", "node-a"))), null },
        { "matchFields on metadata.name only (ignored for PVs: any node)", Volume("pv").WithAffinity(FieldTerm([NameIs("node-a")])), null },
    };

    [Theory]
    [MemberData(nameof(PinnedNodes))]
    public void A_PV_is_pinned_only_when_its_affinity_names_exactly_one_hostname(string _, VolumeInfo volume, string? expected) =>
        Assert.Equal(expected, NodeLossPolicy.PinnedNode(volume));
}
