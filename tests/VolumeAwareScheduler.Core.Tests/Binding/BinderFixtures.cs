using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Binding;

/// <summary>
/// The fixtures of pkg/scheduler/framework/plugins/volumebinding/binder_test.go, with upstream's names:
/// namespace testns, claim uid "pvc-uid", node label nodeKey, classes waitClass / immediateClass /
/// waitClassWithProvisioner / topoMismatchClass.
/// </summary>
internal static class BinderFixtures
{
    public const string Ns = "testns";
    public const string Provisioner = "test-provisioner";
    public const string NodeLabelKey = "nodeKey";
    public const string WaitClass = "waitClass";
    public const string ImmediateClass = "immediateClass";
    public const string WaitClassWithProvisioner = "waitClassWithProvisioner";
    public const string TopoMismatchClass = "topoMismatchClass";
    public const string PodUid = "test-pod-uid";

    public static readonly StorageClassInfo[] Classes =
    [
        StorageClass(WaitClassWithProvisioner).WaitForFirstConsumer().WithProvisioner(Provisioner).WithAllowedTopology(NodeLabelKey, "node1", "reference-value"),
        StorageClass(ImmediateClass).Immediate(),
        StorageClass(WaitClass).WaitForFirstConsumer(),
        StorageClass(TopoMismatchClass).WaitForFirstConsumer().WithProvisioner(Provisioner).WithAllowedTopology(NodeLabelKey, "reference-value"),
    ];

    // PVCs for manual binding
    public static ClaimInfo UnboundPVC => Pvc("unbound-pvc", "1G", WaitClass);
    public static ClaimInfo UnboundPVC2 => Pvc("unbound-pvc2", "5G", WaitClass);
    public static ClaimInfo PreboundPVC => PvcBuilder("prebound-pvc", "1G", WaitClass).PreboundTo("pv-node1a");
    public static ClaimInfo BoundPVC => PvcBuilder("bound-pvc", "1G", WaitClass).BoundTo("pv-bound");
    public static ClaimInfo ImmediateUnboundPVC => Pvc("immediate-unbound-pvc", "1G", ImmediateClass);
    public static ClaimInfo ImmediateBoundPVC => PvcBuilder("immediate-bound-pvc", "1G", ImmediateClass).BoundTo("pv-bound-immediate");

    // PVCs for dynamic provisioning
    public static ClaimInfo ProvisionedPVC => Pvc("provisioned-pvc", "1Gi", WaitClassWithProvisioner);
    public static ClaimInfo ProvisionedPVC2 => Pvc("provisioned-pvc2", "1Gi", WaitClassWithProvisioner);
    public static ClaimInfo NoProvisionerPVC => Pvc("no-provisioner-pvc", "1Gi", WaitClass);
    public static ClaimInfo TopoMismatchPVC => Pvc("topo-mismatch-pvc", "1Gi", TopoMismatchClass);
    public static ClaimInfo SelectedNodePVC => PvcBuilder("provisioned-pvc", "1Gi", WaitClassWithProvisioner).SelectedNode("node1");

    // Generic ephemeral volumes: the claim of volume "test-volume" in pod "test-pod".
    public static ClaimInfo CorrectGenericPVC => PvcBuilder("test-pod-test-volume", "1G", ImmediateClass).BoundTo("pv-bound").OwnedByPod(PodUid);
    public static ClaimInfo ConflictingGenericPVC => PvcBuilder("test-pod-test-volume", "1G", ImmediateClass).BoundTo("pv-bound");

    // PVs for manual binding
    public static VolumeInfo PvNode1a => Pv("pv-node1a", "node1", "5G", WaitClass);
    public static VolumeInfo PvNode1b => Pv("pv-node1b", "node1", "10G", WaitClass);
    public static VolumeInfo PvNode1c => Pv("pv-node1c", "node1", "5G", WaitClass); // upstream names it pv-node1b too
    public static VolumeInfo PvNode2 => Pv("pv-node2", "node2", "1G", WaitClass);
    public static VolumeInfo PvBound => Pv("pv-bound", "node1", "1G", WaitClass).ClaimedBy(Ns, "bound-pvc", "pvc-uid");
    public static VolumeInfo PvNode1aBound => Pv("pv-node1a", "node1", "5G", WaitClass).ClaimedBy(Ns, "unbound-pvc", "pvc-uid");
    public static VolumeInfo PvBoundImmediate => Pv("pv-bound-immediate", "node1", "1G", ImmediateClass).ClaimedBy(Ns, "immediate-bound-pvc", "pvc-uid");
    public static VolumeInfo PvBoundImmediateNode2 => Pv("pv-bound-immediate", "node2", "1G", ImmediateClass).ClaimedBy(Ns, "immediate-bound-pvc", "pvc-uid");
    public static VolumeInfo PvBoundGeneric => Pv("pv-bound", "node1", "1G", WaitClass).ClaimedBy(Ns, "test-pod-test-volume", "pvc-uid");

    /// <summary>testNode: node1 labelled nodeKey=node1.</summary>
    public static NodeInfo Node1 => BareNode("node1").WithLabel(NodeLabelKey, "node1");
    public static NodeInfo Node2 => BareNode("node2").WithLabel(NodeLabelKey, "node2");

    public static ClusterState NewState(string indexKind, IEnumerable<VolumeInfo>? volumes = null, IEnumerable<ClaimInfo>? claims = null, CsiDriverInfo? driver = null,
        IEnumerable<CsiStorageCapacityInfo>? capacities = null)
    {
        var state = new ClusterState(indexKind == nameof(LinearVolumeIndex) ? new LinearVolumeIndex() : new VolumeIndex());
        foreach (var c in Classes) state.UpsertStorageClass(c);
        foreach (var v in volumes ?? []) state.Volumes.Upsert(v);
        foreach (var c in claims ?? []) state.UpsertClaim(c);
        if (driver is not null) state.UpsertCsiDriver(driver);
        foreach (var c in capacities ?? []) state.UpsertCapacity(c);
        state.UpsertNode(Node1);
        return state;
    }

    /// <summary>makePod("test-pod").withNamespace("testns").withPVCSVolume(claims).</summary>
    public static PodInfo PodWith(IEnumerable<ClaimInfo> claims)
    {
        var pod = Pod(Ns, "test-pod").WithUid(PodUid);
        foreach (var c in claims) pod.WithClaim(c.Key.Name);
        return pod;
    }

    private static ClaimBuilder PvcBuilder(string name, string size, string storageClass) =>
        Claim(Ns, name).WithUid("pvc-uid").Requesting(size).WithClass(storageClass).WithResourceVersion("1");

    private static ClaimInfo Pvc(string name, string size, string storageClass) => PvcBuilder(name, size, storageClass);

    private static VolumeBuilder Pv(string name, string node, string capacity, string storageClass) =>
        Volume(name).WithCapacity(capacity).WithClass(storageClass).OnLabel(NodeLabelKey, node).WithResourceVersion("1");
}
