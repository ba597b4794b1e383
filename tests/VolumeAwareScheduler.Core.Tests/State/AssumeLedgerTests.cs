using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Core.Tests.Binding.BinderFixtures;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.State;

/// <summary>"A PV is never given to two claims" (mirrors AssumePodVolumes / RevertAssumedPodVolumes in volumebinding/binder.go).</summary>
public class AssumeLedgerTests
{
    private static readonly ObjectKey PodA = new(Ns, "pod-a");
    private static readonly ObjectKey PodB = new(Ns, "pod-b");

    public static TheoryData<string> Kinds => [nameof(VolumeIndex), nameof(LinearVolumeIndex)];

    private static PodVolumes Bind(params (ClaimInfo Claim, VolumeInfo Volume)[] bindings) =>
        new([.. bindings.Select(b => new BindingInfo(b.Claim, b.Volume))], []);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Assume_marks_the_volume_prebound_to_its_claim(string kind)
    {
        var state = NewState(kind, [PvNode1a], [UnboundPVC]);
        var ledger = new AssumeLedger(state);

        Assert.True(ledger.Assume(PodA, "node1", Bind((UnboundPVC, PvNode1a))).Succeeded);

        Assert.Equal(new ClaimReference(Ns, "unbound-pvc", "pvc-uid"), state.Volumes.Get("pv-node1a")!.ClaimRef);
        Assert.Equal(new ObjectKey(Ns, "unbound-pvc"), ledger.AssumedClaimOf("pv-node1a"));
        Assert.True(ledger.IsAssumed(PodA));
        Assert.Equal(1, ledger.Count);
        // The next decision sees it: the claim still gets its PV, another claim does not.
        Assert.Equal("pv-node1a", state.Volumes.FindMatchingVolume(UnboundPVC, Node1, null)?.Name);
        Assert.Null(state.Volumes.FindMatchingVolume(Claim(Ns, "other").WithUid("other-uid").Requesting("1G").WithClass(WaitClass), Node1, null));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Assuming_a_volume_twice_fails_and_changes_nothing(string kind)
    {
        ClaimInfo other = Claim(Ns, "other-pvc").WithUid("other-uid").Requesting("1G").WithClass(WaitClass);
        var state = NewState(kind, [PvNode1a, PvNode1b], [UnboundPVC, other]);
        var ledger = new AssumeLedger(state);
        Assert.True(ledger.Assume(PodA, "node1", Bind((UnboundPVC, PvNode1a))).Succeeded);
        var before = state.Volumes.Get("pv-node1a");

        var second = ledger.Assume(PodB, "node1", new PodVolumes([new BindingInfo(other, PvNode1b), new BindingInfo(other, PvNode1a)], [ProvisionedPVC]));

        Assert.False(second.Succeeded);
        Assert.Contains("pv-node1a", second.Error);
        Assert.Same(before, state.Volumes.Get("pv-node1a"));
        Assert.Null(state.Volumes.Get("pv-node1b")!.ClaimRef); // the first binding of the failed pod was not applied either
        Assert.Null(state.GetClaim(ProvisionedPVC.Key)); // nor its provisioning
        Assert.False(ledger.IsAssumed(PodB));
        Assert.Equal(1, ledger.Count);
    }

    [Fact]
    public void A_pod_is_assumed_once()
    {
        var state = NewState(nameof(VolumeIndex), [PvNode1a], [UnboundPVC]);
        var ledger = new AssumeLedger(state);
        Assert.True(ledger.Assume(PodA, "node1", Bind((UnboundPVC, PvNode1a))).Succeeded);
        Assert.False(ledger.Assume(PodA, "node1", Bind((UnboundPVC, PvNode1a))).Succeeded);
    }

    [Fact]
    public void One_volume_chosen_for_two_claims_of_one_pod_fails()
    {
        var state = NewState(nameof(VolumeIndex), [PvNode1b], [UnboundPVC, UnboundPVC2]);
        var ledger = new AssumeLedger(state);
        var result = ledger.Assume(PodA, "node1", Bind((UnboundPVC, PvNode1b), (UnboundPVC2, PvNode1b)));
        Assert.False(result.Succeeded);
        Assert.Null(state.Volumes.Get("pv-node1b")!.ClaimRef);
    }

    // binder_test.go TestAssumePodVolumes "tmpupdate-failed": one binding's PV does not exist; nothing is assumed.
    [Fact]
    public void Tmpupdate_failed_leaves_the_cache_unmodified()
    {
        var state = NewState(nameof(VolumeIndex), [PvNode1a], [UnboundPVC]);
        var ledger = new AssumeLedger(state);
        var result = ledger.Assume(PodA, "node1", Bind((UnboundPVC, PvNode1a), (UnboundPVC2, PvNode1b)));
        Assert.False(result.Succeeded);
        Assert.Null(state.Volumes.Get("pv-node1a")!.ClaimRef);
        Assert.Equal(0, ledger.Count);
    }

    [Fact]
    public void A_volume_already_bound_to_another_claim_is_refused()
    {
        var state = NewState(nameof(VolumeIndex), [PvBound], [UnboundPVC]);
        var result = new AssumeLedger(state).Assume(PodA, "node1", Bind((UnboundPVC, PvBound)));
        Assert.False(result.Succeeded);
        Assert.Contains("already bound", result.Error);
    }

    // binder_test.go TestAssumePodVolumes "pv-already-bound": the PV is already prebound to this claim.
    [Fact]
    public void Pv_already_bound_to_the_same_claim_is_assumed()
    {
        var state = NewState(nameof(VolumeIndex), [PvNode1aBound], [UnboundPVC]);
        Assert.True(new AssumeLedger(state).Assume(PodA, "node1", Bind((UnboundPVC, PvNode1aBound))).Succeeded);
        Assert.Equal("unbound-pvc", state.Volumes.Get("pv-node1a")!.ClaimRef!.Name);
    }

    // binder_test.go TestAssumePodVolumes "one-binding, one-pvc-provisioned" and TestRevertAssumedPodVolumes.
    [Theory]
    [MemberData(nameof(Kinds))]
    public void Revert_restores_volumes_and_claims(string kind)
    {
        var state = NewState(kind, [PvNode1a], [UnboundPVC, ProvisionedPVC]);
        var ledger = new AssumeLedger(state);
        Assert.True(ledger.Assume(PodA, "node1", new PodVolumes([new BindingInfo(UnboundPVC, PvNode1a)], [ProvisionedPVC])).Succeeded);
        Assert.Equal("node1", state.GetClaim(ProvisionedPVC.Key)!.SelectedNode);

        Assert.True(ledger.Revert(PodA));

        Assert.Null(state.Volumes.Get("pv-node1a")!.ClaimRef);
        Assert.Null(state.GetClaim(ProvisionedPVC.Key)!.SelectedNode);
        Assert.Null(ledger.AssumedClaimOf("pv-node1a"));
        Assert.False(ledger.Revert(PodA));
        // Free again: another pod may now take it.
        ClaimInfo other = Claim(Ns, "other-pvc").WithUid("other-uid").Requesting("1G").WithClass(WaitClass);
        Assert.Equal("pv-node1a", state.Volumes.FindMatchingVolume(other, Node1, null)?.Name);
        Assert.True(ledger.Assume(PodB, "node1", Bind((other, PvNode1a))).Succeeded);
    }

    [Fact]
    public void Revert_keeps_a_newer_version_from_the_informer()
    {
        var state = NewState(nameof(VolumeIndex), [PvNode1a], [UnboundPVC]);
        var ledger = new AssumeLedger(state);
        Assert.True(ledger.Assume(PodA, "node1", Bind((UnboundPVC, PvNode1a))).Succeeded);
        VolumeInfo written = Volume("pv-node1a").WithCapacity("5G").WithClass(WaitClass).OnLabel(NodeLabelKey, "node1")
            .ClaimedBy(Ns, "unbound-pvc", "pvc-uid").Phase(VolumePhase.Bound).WithResourceVersion("2");
        state.Volumes.Upsert(written);

        Assert.True(ledger.Revert(PodA));
        Assert.Same(written, state.Volumes.Get("pv-node1a"));
    }

    [Fact]
    public void Commit_forgets_the_assumption_but_the_volume_stays_taken()
    {
        ClaimInfo other = Claim(Ns, "other-pvc").WithUid("other-uid").Requesting("1G").WithClass(WaitClass);
        var state = NewState(nameof(VolumeIndex), [PvNode1a], [UnboundPVC, other]);
        var ledger = new AssumeLedger(state);
        Assert.True(ledger.Assume(PodA, "node1", Bind((UnboundPVC, PvNode1a))).Succeeded);

        Assert.True(ledger.Commit(PodA));
        Assert.False(ledger.Commit(PodA));
        Assert.Equal(0, ledger.Count);
        Assert.Null(ledger.AssumedClaimOf("pv-node1a"));
        Assert.Equal("unbound-pvc", state.Volumes.Get("pv-node1a")!.ClaimRef!.Name);
        Assert.False(ledger.Assume(PodB, "node1", Bind((other, PvNode1a))).Succeeded);
        Assert.False(ledger.Revert(PodA)); // a committed pod has nothing to revert
    }

    [Fact]
    public void Assume_refuses_a_volume_that_changed_since_the_filter()
    {
        var state = NewState(nameof(VolumeIndex), [PvNode1a], [UnboundPVC]);
        var chosen = state.Volumes.Get("pv-node1a")!; // what FindPodVolumes saw (resourceVersion 1)
        state.Volumes.Upsert(chosen with { IsDeleting = true, ResourceVersion = "2" });

        var result = new AssumeLedger(state).Assume(PodA, "node1", Bind((UnboundPVC, chosen)));

        Assert.False(result.Succeeded);
        Assert.Null(state.Volumes.Get("pv-node1a")!.ClaimRef);
    }

    // binder_test.go TestAssumePodVolumes "one-binding, one-provision-tmpupdate-failed": the claim to provision is older
    // than the cached one (resourceVersion 1 vs 2), so assuming fails and nothing changes.
    [Fact]
    public void One_binding_one_provision_tmpupdate_failed()
    {
        var higher = (ClaimInfo)Claim(Ns, "provisioned-pvc2").WithUid("pvc-uid").Requesting("1Gi").WithClass(WaitClassWithProvisioner).WithResourceVersion("2");
        var state = NewState(nameof(VolumeIndex), [PvNode1a], [UnboundPVC, higher]);
        var result = new AssumeLedger(state).Assume(PodA, "node1", new PodVolumes([new BindingInfo(UnboundPVC, PvNode1a)], [ProvisionedPVC2]));
        Assert.False(result.Succeeded);
        Assert.Null(state.Volumes.Get("pv-node1a")!.ClaimRef);
        Assert.Null(state.GetClaim(higher.Key)!.SelectedNode);
    }

    [Fact]
    public void Scheduling_then_assuming_never_gives_one_volume_to_two_pods()
    {
        // Two pods whose claims both fit the single PV on node1: after the first is assumed, the second finds nothing.
        ClaimInfo second = Claim(Ns, "second-pvc").WithUid("second-uid").Requesting("1G").WithClass(WaitClass);
        var state = NewState(nameof(VolumeIndex), [PvNode1a], [UnboundPVC, second]);
        var scheduler = new Core.Scheduling.Framework.SchedulingFramework(Core.Scheduling.Framework.Profiles.Default());
        var ledger = new AssumeLedger(state);

        var first = scheduler.Schedule(state, PodWith([UnboundPVC]));
        Assert.True(ledger.Assume(PodA, first.Selected!.Node.Name, first.Selected.Volumes!).Succeeded);

        var next = scheduler.Schedule(state, Pod(Ns, "pod-b").WithClaim("second-pvc"));
        Assert.Null(next.Selected);
        Assert.Equal($"0/1 nodes are available: 1 {Core.Scheduling.Reasons.BindConflict}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.", next.FailureMessage);
    }
}
