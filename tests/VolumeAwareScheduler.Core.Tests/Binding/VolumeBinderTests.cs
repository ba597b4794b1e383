using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Scheduling;
using static VolumeAwareScheduler.Core.Tests.Binding.BinderFixtures;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Binding;

/// <summary>A binder_test.go scenario: the pod's claims, the PVs, and the expected outcome on node1.</summary>
public sealed record FindScenario(
    ClaimInfo[] PodPVCs,
    VolumeInfo[]? Pvs = null,
    ClaimInfo[]? CachePVCs = null,
    PodInfo? Pod = null,
    (string Claim, string Volume)[]? ExpectedBindings = null,
    string[]? ExpectedProvisions = null,
    string[]? Reasons = null,
    bool ShouldFail = false,
    bool NeedsCapacity = false);

public class VolumeBinderTests
{
    // Ported from pkg/scheduler/framework/plugins/volumebinding/binder_test.go TestFindPodVolumesWithoutProvisioning.
    // "shouldFail" is an error from GetPodVolumeClaims or an unbound immediate claim: our PreFilter's Unresolvable status.
    private static readonly Dictionary<string, FindScenario> WithoutProvisioning = new()
    {
        ["no-volumes"] = new([], Pod: Pod(Ns, "test-pod")),
        ["no-pvcs"] = new([], Pod: Pod(Ns, "test-pod")),
        ["pvc-not-found"] = new([BoundPVC], CachePVCs: [], ShouldFail: true),
        ["bound-pvc"] = new([BoundPVC], Pvs: [PvBound]),
        ["bound-pvc,pv-not-exists"] = new([BoundPVC], Reasons: [Reasons.PVNotExist]),
        ["prebound-pvc"] = new([PreboundPVC], Pvs: [PvNode1aBound], ShouldFail: true),
        ["unbound-pvc,pv-same-node"] = new([UnboundPVC], Pvs: [PvNode2, PvNode1a, PvNode1b], ExpectedBindings: [("unbound-pvc", "pv-node1a")]),
        ["unbound-pvc,pv-different-node"] = new([UnboundPVC], Pvs: [PvNode2], Reasons: [Reasons.BindConflict]),
        ["two-unbound-pvcs"] = new([UnboundPVC, UnboundPVC2], Pvs: [PvNode1a, PvNode1b], ExpectedBindings: [("unbound-pvc", "pv-node1a"), ("unbound-pvc2", "pv-node1b")]),
        ["two-unbound-pvcs,order-by-size"] = new([UnboundPVC2, UnboundPVC], Pvs: [PvNode1a, PvNode1b], ExpectedBindings: [("unbound-pvc", "pv-node1a"), ("unbound-pvc2", "pv-node1b")]),
        ["two-unbound-pvcs,partial-match"] = new([UnboundPVC, UnboundPVC2], Pvs: [PvNode1a], ExpectedBindings: [("unbound-pvc", "pv-node1a")], Reasons: [Reasons.BindConflict]),
        ["one-bound,one-unbound"] = new([UnboundPVC, BoundPVC], Pvs: [PvBound, PvNode1a], ExpectedBindings: [("unbound-pvc", "pv-node1a")]),
        ["one-bound,one-unbound,no-match"] = new([UnboundPVC, BoundPVC], Pvs: [PvBound, PvNode2], Reasons: [Reasons.BindConflict]),
        ["one-prebound,one-unbound"] = new([UnboundPVC, PreboundPVC], Pvs: [PvNode1a, PvNode1b], ShouldFail: true),
        ["immediate-bound-pvc"] = new([ImmediateBoundPVC], Pvs: [PvBoundImmediate]),
        ["immediate-bound-pvc-wrong-node"] = new([ImmediateBoundPVC], Pvs: [PvBoundImmediateNode2], Reasons: [Reasons.NodeConflict]),
        ["immediate-unbound-pvc"] = new([ImmediateUnboundPVC], ShouldFail: true),
        ["immediate-unbound-pvc,delayed-mode-bound"] = new([ImmediateUnboundPVC, BoundPVC], Pvs: [PvBound], ShouldFail: true),
        ["immediate-unbound-pvc,delayed-mode-unbound"] = new([ImmediateUnboundPVC, UnboundPVC], ShouldFail: true),
        ["generic-ephemeral,no-pvc"] = new([], Pod: Pod(Ns, "test-pod").WithUid(PodUid).WithEphemeralVolume("no-such-pvc"), ShouldFail: true),
        ["generic-ephemeral,with-pvc"] = new([], Pod: Pod(Ns, "test-pod").WithUid(PodUid).WithEphemeralVolume("test-volume"), CachePVCs: [CorrectGenericPVC], Pvs: [PvBoundGeneric]),
        ["generic-ephemeral,wrong-pvc"] = new([], Pod: Pod(Ns, "test-pod").WithUid(PodUid).WithEphemeralVolume("test-volume"), CachePVCs: [ConflictingGenericPVC], Pvs: [PvBoundGeneric], ShouldFail: true),
    };

    // binder_test.go TestFindPodVolumesWithProvisioning.
    private static readonly Dictionary<string, FindScenario> WithProvisioning = new()
    {
        ["one-provisioned"] = new([ProvisionedPVC], ExpectedProvisions: ["provisioned-pvc"], NeedsCapacity: true),
        ["two-unbound-pvcs,one-matched,one-provisioned"] = new([UnboundPVC, ProvisionedPVC], Pvs: [PvNode1a], ExpectedBindings: [("unbound-pvc", "pv-node1a")], ExpectedProvisions: ["provisioned-pvc"], NeedsCapacity: true),
        ["one-bound,one-provisioned"] = new([BoundPVC, ProvisionedPVC], Pvs: [PvBound], ExpectedProvisions: ["provisioned-pvc"], NeedsCapacity: true),
        ["one-binding,one-selected-node"] = new([BoundPVC, SelectedNodePVC], Pvs: [PvBound], ExpectedProvisions: ["provisioned-pvc"], NeedsCapacity: true),
        ["immediate-unbound-pvc"] = new([ImmediateUnboundPVC], ShouldFail: true),
        ["one-immediate-bound,one-provisioned"] = new([ImmediateBoundPVC, ProvisionedPVC], Pvs: [PvBoundImmediate], ExpectedProvisions: ["provisioned-pvc"], NeedsCapacity: true),
        ["invalid-provisioner"] = new([NoProvisionerPVC], Reasons: [Reasons.BindConflict]),
        ["volume-topology-unsatisfied"] = new([TopoMismatchPVC], Reasons: [Reasons.BindConflict]),
    };

    // Upstream runs each scenario with no CSIDriver, a CSIDriver with capacity tracking, and one without.
    private static readonly string[] Drivers = ["no CSIDriver", "CSIDriver with capacity tracking", "CSIDriver without capacity tracking"];

    private static CsiDriverInfo? DriverFor(string description) => description switch
    {
        "CSIDriver with capacity tracking" => CsiDriver(Provisioner, storageCapacity: true),
        "CSIDriver without capacity tracking" => CsiDriver(Provisioner, storageCapacity: false),
        _ => null,
    };

    public static TheoryData<string, string, string> WithoutProvisioningCases => Cases(WithoutProvisioning.Keys);

    public static TheoryData<string, string, string> WithProvisioningCases => Cases(WithProvisioning.Keys);

    private static TheoryData<string, string, string> Cases(IEnumerable<string> names)
    {
        var data = new TheoryData<string, string, string>();
        foreach (var name in names)
            foreach (var driver in Drivers)
                foreach (var kind in new[] { nameof(VolumeIndex), nameof(LinearVolumeIndex) })
                    data.Add(name, driver, kind);
        return data;
    }

    [Theory]
    [MemberData(nameof(WithoutProvisioningCases))]
    public void FindPodVolumesWithoutProvisioning(string name, string driver, string indexKind) =>
        Run(name, WithoutProvisioning[name], DriverFor(driver), indexKind);

    [Theory]
    [MemberData(nameof(WithProvisioningCases))]
    public void FindPodVolumesWithProvisioning(string name, string driver, string indexKind)
    {
        var scenario = WithProvisioning[name];
        var csiDriver = DriverFor(driver);
        if (scenario.NeedsCapacity && csiDriver is { StorageCapacity: true })
        {
            // Without CSIStorageCapacity objects, provisioning is blocked.
            scenario = scenario with { Reasons = [.. scenario.Reasons ?? [], Reasons.NotEnoughSpace], ExpectedProvisions = null };
        }
        Run(name, scenario, csiDriver, indexKind);
    }

    private static void Run(string name, FindScenario scenario, CsiDriverInfo? driver, string indexKind)
    {
        var state = NewState(indexKind, scenario.Pvs, scenario.CachePVCs ?? scenario.PodPVCs, driver);
        var binder = new VolumeBinder(state);
        var pod = scenario.Pod ?? PodWith(scenario.PodPVCs);

        var (preFilter, claims) = binder.GetPodVolumeClaims(pod);
        if (scenario.ShouldFail)
        {
            Assert.True(preFilter.Code == StatusCode.UnschedulableAndUnresolvable, $"{name}: expected PreFilter to fail, got {preFilter.Code}");
            return;
        }
        Assert.True(preFilter.Code is StatusCode.Success or StatusCode.Skip, $"{name}: PreFilter {preFilter.Code} {preFilter.Message}");

        var result = binder.FindPodVolumes(claims, Node1);
        Assert.Null(result.Error);
        Assert.Equal(Sorted(scenario.Reasons ?? []), Sorted(result.Reasons));
        if (result.Volumes is { } volumes)
        {
            Assert.Equal(scenario.ExpectedBindings ?? [], volumes.StaticBindings.Select(b => (b.Claim.Key.Name, b.Volume.Name)).ToArray());
            Assert.Equal(scenario.ExpectedProvisions ?? [], volumes.DynamicProvisions.Select(c => c.Key.Name).ToArray());
        }
    }

    private static string[] Sorted(IEnumerable<string> reasons) => [.. reasons.Order(StringComparer.Ordinal)];

    // FindPodVolumes with VolumeAttributesClass (binder.go findMatchingVolumes passes the gate to FindMatchingVolume; the
    // binder_test.go versions read have no VAC rows, so these are ours, on the upstream fixtures).
    public static TheoryData<string, string, string[], string?, string[]> AttributesClassCases
    {
        get
        {
            var data = new TheoryData<string, string, string[], string?, string[]>();
            foreach (var kind in new[] { nameof(VolumeIndex), nameof(LinearVolumeIndex) })
            {
                data.Add(kind, "unbound-pvc-gold,pv-gold-among-unset", ["pv-node1a", "pv-node1b-gold"], "pv-node1b-gold", []);
                data.Add(kind, "unbound-pvc-gold,no-pv-gold", ["pv-node1a", "pv-node1c-silver"], null, [Reasons.BindConflict]);
                data.Add(kind, "unbound-pvc-gold,pv-gold-on-another-node", ["pv-node1a", "pv-node2-gold"], null, [Reasons.BindConflict]);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(AttributesClassCases))]
    public void FindPodVolumes_binds_a_claim_only_to_a_PV_of_its_VolumeAttributesClass(string indexKind, string name, string[] pvNames, string? expected, string[] reasons)
    {
        VolumeInfo[] all =
        [
            PvNode1a,
            PvNode1b with { Name = "pv-node1b-gold", VolumeAttributesClassName = "gold" },
            PvNode1c with { Name = "pv-node1c-silver", VolumeAttributesClassName = "silver" },
            PvNode2 with { Name = "pv-node2-gold", CapacityBytes = PvNode1b.CapacityBytes, VolumeAttributesClassName = "gold" },
        ];
        var claim = UnboundPVC with { VolumeAttributesClassName = "gold" };
        var state = NewState(indexKind, all.Where(v => pvNames.Contains(v.Name)), [claim]);
        var binder = new VolumeBinder(state);
        var (_, claims) = binder.GetPodVolumeClaims(PodWith([claim]));

        var result = binder.FindPodVolumes(claims, Node1);

        Assert.Equal(reasons, result.Reasons);
        Assert.True(expected == result.Volumes?.StaticBindings.SingleOrDefault()?.Volume.Name, $"{name}: got {result.Volumes?.StaticBindings.SingleOrDefault()?.Volume.Name}");
    }

    [Fact]
    public void Partial_match_reports_the_claims_it_found_as_upstream_does()
    {
        // binder_test.go "two-unbound-pvcs,partial-match" expects the binding of the claim that matched even though the
        // node is rejected; ours rejects with the reason and no PodVolumes (the caller never uses them for a rejected node).
        var state = NewState(nameof(VolumeIndex), [PvNode1a], [UnboundPVC, UnboundPVC2]);
        var binder = new VolumeBinder(state);
        var (_, claims) = binder.GetPodVolumeClaims(PodWith([UnboundPVC, UnboundPVC2]));
        var result = binder.FindPodVolumes(claims, Node1);
        Assert.False(result.IsFeasible);
        Assert.Equal([Reasons.BindConflict], result.Reasons);
    }

    // binder_test.go TestCapacity, run with CSIDriver.StorageCapacity=true and false.
    public static TheoryData<string, bool> CapacityCases
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (var name in CapacityScenarios.Keys) { data.Add(name, true); data.Add(name, false); }
            return data;
        }
    }

    private static readonly Dictionary<string, (CsiStorageCapacityInfo[] Capacities, bool NotEnoughSpace)> CapacityScenarios = new()
    {
        ["network-attached"] = ([Capacity("net", WaitClassWithProvisioner, LabelSelector(), "1Gi")], false),
        ["local-storage"] = ([Capacity("net", WaitClassWithProvisioner, MatchLabels((NodeLabelKey, "node1")), "1Gi")], false),
        ["multiple"] = ([Capacity("net", WaitClassWithProvisioner, LabelSelector(), "1Gi"), Capacity("net2", WaitClassWithProvisioner, MatchLabels((NodeLabelKey, "node2")), "1Gi"), Capacity("net3", WaitClassWithProvisioner, MatchLabels((NodeLabelKey, "node1")), "1Gi")], false),
        ["no-storage"] = ([], true),
        ["wrong-node"] = ([Capacity("net", WaitClassWithProvisioner, MatchLabels((NodeLabelKey, "node2")), "1Gi")], true),
        ["wrong-storage-class"] = ([Capacity("net", WaitClass, MatchLabels((NodeLabelKey, "node1")), "1Gi")], true),
        ["insufficient-storage"] = ([Capacity("net", WaitClassWithProvisioner, MatchLabels((NodeLabelKey, "node1")), "1Mi")], true),
        ["insufficient-volume-size"] = ([Capacity("net", WaitClassWithProvisioner, MatchLabels((NodeLabelKey, "node1")), "1Gi", "1Mi")], true),
        ["zero-storage"] = ([Capacity("net", WaitClassWithProvisioner, MatchLabels((NodeLabelKey, "node1")), "0Mi")], true),
        ["zero-volume-size"] = ([Capacity("net", WaitClassWithProvisioner, MatchLabels((NodeLabelKey, "node1")), null, "0Mi")], true),
        ["nil-storage"] = ([Capacity("net", WaitClassWithProvisioner, MatchLabels((NodeLabelKey, "node1")), null)], true),
        // Ours: a nil nodeTopology is reachable from no node (nodeHasAccess).
        ["nil-node-topology"] = ([Capacity("net", WaitClassWithProvisioner, null, "1Gi")], true),
    };

    [Theory]
    [MemberData(nameof(CapacityCases))]
    public void Capacity_like_TestCapacity(string name, bool optIn)
    {
        var (capacities, notEnoughSpace) = CapacityScenarios[name];
        var state = NewState(nameof(VolumeIndex), claims: [ProvisionedPVC], driver: CsiDriver(Provisioner, optIn), capacities: capacities);
        var binder = new VolumeBinder(state);
        var (_, claims) = binder.GetPodVolumeClaims(PodWith([ProvisionedPVC]));
        var result = binder.FindPodVolumes(claims, Node1);
        if (optIn && notEnoughSpace)
        {
            Assert.Equal([Reasons.NotEnoughSpace], result.Reasons);
        }
        else
        {
            Assert.True(result.IsFeasible, $"{name}: {string.Join(", ", result.Reasons)}");
            Assert.Equal(["provisioned-pvc"], result.Volumes!.DynamicProvisions.Select(c => c.Key.Name));
        }
    }

    // Beyond upstream: several claims of one pod are checked against the pool together (kubernetes/kubernetes#94217).
    // Two 1Gi claims: upstream checks each against the pool alone, so 1.5Gi would pass both.
    [Theory]
    [InlineData("one pool too small for both", new[] { "1536Mi" }, true)]
    [InlineData("one pool large enough for both", new[] { "2Gi" }, false)]
    [InlineData("two pools, one claim each", new[] { "1Gi", "1Gi" }, false)]
    [InlineData("two pools, one too small", new[] { "1Gi", "512Mi" }, true)]
    public void Several_provisioned_claims_of_one_pod_must_fit_the_pools_together(string name, string[] pools, bool notEnoughSpace)
    {
        var capacities = pools.Select((size, i) => Capacity($"pool-{i}", WaitClassWithProvisioner, MatchLabels((NodeLabelKey, "node1")), size)).ToArray();
        var state = NewState(nameof(VolumeIndex), claims: [ProvisionedPVC, ProvisionedPVC2], driver: CsiDriver(Provisioner, true), capacities: capacities);
        var binder = new VolumeBinder(state);
        var (_, claims) = binder.GetPodVolumeClaims(PodWith([ProvisionedPVC, ProvisionedPVC2]));

        var result = binder.FindPodVolumes(claims, Node1);

        if (notEnoughSpace) Assert.Equal([Reasons.NotEnoughSpace], result.Reasons);
        else Assert.True(result.IsFeasible, $"{name}: {string.Join(", ", result.Reasons)}");
    }

    [Fact]
    public void A_claim_without_a_storage_request_needs_no_capacity()
    {
        ClaimInfo claim = Claim(Ns, "no-request").WithClass(WaitClassWithProvisioner).WithoutStorageRequest();
        var state = NewState(nameof(VolumeIndex), claims: [claim], driver: CsiDriver(Provisioner, true));
        Assert.True(new VolumeBinder(state).HasEnoughCapacity(Classes[0], claim, Node1));
    }

    // staging/src/k8s.io/component-helpers/storage/volume/pv_helpers_test.go TestDelayBindingMode
    // (the "no-mode-class" row cannot be expressed: our StorageClassInfo always has a binding mode).
    [Theory]
    [InlineData("nil-class", "", false)]
    [InlineData("class-not-found", "not-here", false)]
    [InlineData("immediate-mode-class", ImmediateClass, false)]
    [InlineData("wait-mode-class", WaitClass, true)]
    public void DelayBindingMode(string name, string storageClass, bool shouldDelay) =>
        Assert.True(shouldDelay == new VolumeBinder(NewState(nameof(VolumeIndex))).IsDelayBinding(Claim(Ns, "c").WithClass(storageClass)), name);

    [Fact]
    public void A_claim_provisioned_for_another_node_rejects_this_node_fast()
    {
        ClaimInfo claim = Claim(Ns, "provisioned-pvc").WithClass(WaitClassWithProvisioner).Requesting("1Gi").SelectedNode("node2");
        var state = NewState(nameof(VolumeIndex), [PvNode2], claims: [claim, BoundPVC]);
        var binder = new VolumeBinder(state);
        var (_, claims) = binder.GetPodVolumeClaims(PodWith([claim, BoundPVC]));
        var result = binder.FindPodVolumes(claims, Node1);
        // The bound claim's PV does not exist, and the selected node is another: both reasons, as upstream's deferred collection gives.
        Assert.Equal(Sorted([Reasons.BindConflict, Reasons.PVNotExist]), Sorted(result.Reasons));
    }

    [Fact]
    public void A_pvc_being_deleted_or_lost_rejects_the_pod_in_PreFilter()
    {
        var state = NewState(nameof(VolumeIndex), claims: [Claim(Ns, "deleting").WithClass(WaitClass).Deleting(), Claim(Ns, "lost").WithClass(WaitClass).BoundTo("pv-x").Phase(ClaimPhase.Lost)]);
        var binder = new VolumeBinder(state);
        Assert.Equal(["persistentvolumeclaim \"deleting\" is being deleted"], binder.GetPodVolumeClaims(Pod(Ns, "p").WithClaim("deleting")).Status.Reasons.ToArray());
        Assert.Equal(["persistentvolumeclaim \"lost\" bound to non-existent persistentvolume \"pv-x\""], binder.GetPodVolumeClaims(Pod(Ns, "p").WithClaim("lost")).Status.Reasons.ToArray());
        Assert.Equal(["waiting for ephemeral volume controller to create the persistentvolumeclaim \"p-v\""], binder.GetPodVolumeClaims(Pod(Ns, "p").WithEphemeralVolume("v")).Status.Reasons.ToArray());
    }

    [Fact]
    public void A_generic_ephemeral_claim_of_another_pod_is_refused_with_upstreams_words()
    {
        var state = NewState(nameof(VolumeIndex), claims: [ConflictingGenericPVC]);
        var (status, _) = new VolumeBinder(state).GetPodVolumeClaims(Pod(Ns, "test-pod").WithUid(PodUid).WithEphemeralVolume("test-volume"));
        Assert.Equal(["PVC testns/test-pod-test-volume was not created for pod testns/test-pod (pod is not owner)"], status.Reasons.ToArray());
    }
}
