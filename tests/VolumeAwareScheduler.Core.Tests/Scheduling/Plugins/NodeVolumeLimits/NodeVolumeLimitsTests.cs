using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Plugins;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.NodeVolumeLimits;

/// <summary>
/// Ported from pkg/scheduler/framework/plugins/nodevolumelimits/csi_test.go (TestCSILimits), with upstream's case names,
/// fixtures (getFakeCSIPVLister, getFakeCSIPVCLister, getFakeCSIStorageClassLister, getNodeWithPodAndVolumeLimits) and
/// expected statuses. Rows left out: the two VolumeAttachment rows (VolumeAttachments are not modelled) and the
/// in-tree migration rows other than "should not count non-migratable in-tree volumes" (migration is not modelled).
/// The missing-claim message is the informer lister's ("persistentvolumeclaim"); upstream's fake lister says
/// "persistentvolumeclaims".
/// </summary>
public sealed class NodeVolumeLimitsTests
{
    private const string NodeName = "node-for-max-pd-test-1";
    private const string Ebs = "ebs.csi.aws.com";
    private const string Gce = "pd.csi.storage.gke.io";
    private const string HostPath = "kubernetes.io/hostpath";
    private const string ScName = "csi-sc";
    private const string Ns = "default";
    private const string Exceeded = "node(s) exceed max volume count";

    private static PodInfo PvcPod(string name, params string[] claims)
    {
        var pod = Pod(Ns, name);
        foreach (var claim in claims) pod.WithClaim(claim);
        return pod;
    }

    // The pods of TestCSILimits, each under its own name (pods here are keyed by namespace and name).
    private static readonly Dictionary<string, PodInfo> Pods = new(StringComparer.Ordinal)
    {
        ["runningPod"] = PvcPod("running", $"csi-{Ebs}-3"),
        ["pendingVolumePod"] = PvcPod("pending-volume", "csi-4"),
        ["unboundPVCPod2"] = PvcPod("unbound-pvc-2", "csi-4"),
        ["missingPVPod"] = PvcPod("missing-pv", "csi-6"),
        ["noSCPVCPod"] = PvcPod("no-sc-pvc", "csi-5"),
        ["gceTwoVolPod"] = PvcPod("gce-two-vol", $"csi-{Gce}-1", $"csi-{Gce}-2"),
        ["csiEBSOneVolPod"] = PvcPod("csi-ebs-one-vol", $"csi-{Ebs}-0"),
        ["csiEBSTwoVolPod"] = PvcPod("csi-ebs-two-vol", $"csi-{Ebs}-1", $"csi-{Ebs}-2"),
        ["inTreeNonMigratableOneVolPod"] = PvcPod("in-tree-non-migratable", $"csi-{HostPath}-0"),
        ["ephemeralVolumePod"] = Pod("test", "abc").WithUid("12345").WithEphemeralVolume("xyz"),
        ["ephemeralTwoVolumePod"] = Pod("test", "abc-two").WithUid("12345II").WithEphemeralVolume("x").WithEphemeralVolume("y"),
        ["onlyConfigmapAndSecretVolPod"] = Pod(Ns, "only-configmap-and-secret"),
        ["pvcPodWithConfigmapAndSecret"] = PvcPod("pvc-with-configmap-and-secret", $"csi-{Ebs}-0"),
        ["ephemeralPodWithConfigmapAndSecret"] = Pod("test", "abc").WithEphemeralVolume("xyz"),
    };

    private static readonly Dictionary<string, ClaimInfo> ExtraClaims = new(StringComparer.Ordinal)
    {
        ["ephemeralClaim"] = Claim("test", "abc-xyz").WithClass(ScName).OwnedByPod("12345"),
        ["conflictingClaim"] = Claim("test", "abc-xyz").WithClass(ScName),
        ["ephemeralClaimX"] = Claim("test", "abc-two-x").WithClass(ScName).OwnedByPod("12345II"),
        ["ephemeralClaimY"] = Claim("test", "abc-two-y").WithClass(ScName).OwnedByPod("12345II"),
    };

    public static TheoryData<string, string, string[], string[], int, string[], string, StatusCode, string> Cases => new()
    {
        { "fits when node volume limit >= new pods CSI volume", "csiEBSOneVolPod", ["runningPod", "csiEBSTwoVolPod"], [], 4, [Ebs], "csinode", StatusCode.Success, "" },
        { "doesn't when node volume limit <= pods CSI volume", "csiEBSOneVolPod", ["runningPod", "csiEBSTwoVolPod"], [], 2, [Ebs], "csinode", StatusCode.Unschedulable, Exceeded },
        { "should when driver does not support volume limits", "csiEBSOneVolPod", ["runningPod", "csiEBSTwoVolPod"], [], 2, [Ebs], "csinode-with-no-limit", StatusCode.Success, "" },
        { "count pending PVCs towards volume limit <= pods CSI volume", "csiEBSOneVolPod", ["pendingVolumePod", "csiEBSTwoVolPod"], [], 2, [Ebs], "csinode", StatusCode.Unschedulable, Exceeded },
        { "count multiple pending pvcs towards volume limit >= pods CSI volume", "csiEBSOneVolPod", ["pendingVolumePod", "unboundPVCPod2", "csiEBSTwoVolPod"], [], 4, [Ebs], "csinode", StatusCode.Success, "" },
        { "should count PVCs with invalid PV name but valid SC", "csiEBSOneVolPod", ["missingPVPod", "csiEBSTwoVolPod"], [], 2, [Ebs], "csinode", StatusCode.Unschedulable, Exceeded },
        { "don't count pvcs with missing SC towards volume limit", "csiEBSOneVolPod", ["runningPod", "noSCPVCPod"], [], 2, [Ebs], "csinode", StatusCode.Success, "" },
        { "count pvcs with the same type towards volume limit", "csiEBSOneVolPod", ["gceTwoVolPod", "csiEBSTwoVolPod"], [], 2, [Ebs, Gce], "csinode", StatusCode.Unschedulable, Exceeded },
        { "don't count pvcs with different type towards volume limit", "gceTwoVolPod", ["csiEBSTwoVolPod", "runningPod"], [], 2, [Ebs, Gce], "csinode", StatusCode.Success, "" },
        { "should not count non-migratable in-tree volumes", "inTreeNonMigratableOneVolPod", ["csiEBSTwoVolPod"], [], 2, [HostPath, Ebs], "csinode", StatusCode.Success, "" },
        { "ephemeral volume missing", "ephemeralVolumePod", [], [], 0, [Ebs], "csinode-with-no-limit", StatusCode.UnschedulableAndUnresolvable, "looking up PVC test/abc-xyz: persistentvolumeclaim \"abc-xyz\" not found" },
        { "ephemeral volume not owned", "ephemeralVolumePod", [], ["conflictingClaim"], 0, [Ebs], "csinode-with-no-limit", StatusCode.Error, "PVC test/abc-xyz was not created for pod test/abc (pod is not owner)" },
        { "ephemeral volume unbound", "ephemeralVolumePod", [], ["ephemeralClaim"], 0, [Ebs], "csinode-with-no-limit", StatusCode.Success, "" },
        { "ephemeral doesn't when node volume limit <= pods CSI volume", "ephemeralVolumePod", ["runningPod", "csiEBSTwoVolPod"], ["ephemeralClaim"], 2, [Ebs], "csinode", StatusCode.Unschedulable, Exceeded },
        { "ephemeral doesn't when node volume limit <= pods ephemeral CSI volume", "csiEBSOneVolPod", ["runningPod", "ephemeralTwoVolumePod"], ["ephemeralClaimX", "ephemeralClaimY"], 2, [Ebs], "csinode", StatusCode.Unschedulable, Exceeded },
        // Generic ephemeral volumes are always on here, as upstream's ephemeralEnabled=false row expects the same status.
        { "persistent doesn't when node volume limit <= pods ephemeral CSI volume + persistent volume, ephemeral disabled", "csiEBSOneVolPod", ["runningPod", "ephemeralVolumePod", "csiEBSTwoVolPod"], ["ephemeralClaim"], 3, [Ebs], "csinode", StatusCode.Unschedulable, Exceeded },
        { "persistent doesn't when node volume limit <= pods ephemeral CSI volume + persistent volume", "csiEBSOneVolPod", ["runningPod", "ephemeralVolumePod", "csiEBSTwoVolPod"], ["ephemeralClaim"], 3, [Ebs], "csinode", StatusCode.Unschedulable, Exceeded },
        { "persistent okay when node volume limit > pods ephemeral CSI volume + persistent volume", "csiEBSOneVolPod", ["runningPod", "ephemeralVolumePod", "csiEBSTwoVolPod"], ["ephemeralClaim"], 5, [Ebs], "csinode", StatusCode.Success, "" },
        { "skip Filter when the pod only uses secrets and configmaps", "onlyConfigmapAndSecretVolPod", [], [], 2, [Ebs], "csinode", StatusCode.Skip, "" },
        { "don't skip Filter when the pod has pvcs", "pvcPodWithConfigmapAndSecret", [], [], 2, [Ebs], "csinode", StatusCode.Success, "" },
        { "don't skip Filter when the pod has ephemeral volumes", "ephemeralPodWithConfigmapAndSecret", [], [], 0, [Ebs], "csinode-with-no-limit", StatusCode.UnschedulableAndUnresolvable, "looking up PVC test/abc-xyz: persistentvolumeclaim \"abc-xyz\" not found" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Filter_counts_unique_csi_volumes_against_the_csinode_limit(
        string test, string newPod, string[] existingPods, string[] extraClaims, int maxVols, string[] driverNames, string limitSource, StatusCode wantCode, string wantReason)
    {
        var cluster = Cluster(existingPods, extraClaims, maxVols, driverNames, limitSource);

        var status = PluginHarness.Filter(new Core.Scheduling.Plugins.NodeVolumeLimits(), cluster, Pods[newPod]).Single();

        Assert.True(wantCode == status.Code, $"{test}: {status.Code} {status.Message}");
        Assert.Equal(wantReason, status.Message);
        if (wantCode is not StatusCode.Success and not StatusCode.Skip) Assert.Equal(Core.Scheduling.Plugins.NodeVolumeLimits.PluginName, status.Plugin);
    }

    [Fact]
    public void Filter_passes_a_node_without_a_csinode()
    {
        var cluster = Cluster(["runningPod", "csiEBSTwoVolPod"], [], 0, [Ebs], limitSource: "");

        var status = PluginHarness.Filter(new Core.Scheduling.Plugins.NodeVolumeLimits(), cluster, Pods["csiEBSOneVolPod"]).Single();

        Assert.True(status.IsSuccess, status.Message);
    }

    [Fact]
    public void A_volume_shared_with_a_pod_on_the_node_is_counted_once()
    {
        var cluster = Cluster(["csiEBSTwoVolPod"], [], 2, [Ebs], "csinode");

        var status = PluginHarness.Filter(new Core.Scheduling.Plugins.NodeVolumeLimits(), cluster, PvcPod("shares", $"csi-{Ebs}-1", $"csi-{Ebs}-2")).Single();

        Assert.True(status.IsSuccess, status.Message);
    }

    private static ClusterState Cluster(string[] existingPods, string[] extraClaims, int maxVols, string[] driverNames, string limitSource)
    {
        var cluster = PluginHarness.Cluster([Node(NodeName)], existingPods.Select(p => Pods[p]));
        foreach (var driver in driverNames)
        {
            for (var j = 0; j < 4; j++)
            {
                var name = $"csi-{driver}-{j}";
                // getFakeCSIPVLister: a CSI source with the name as handle, except the in-tree hostpath driver's.
                var volume = Volume(name).Build();
                cluster.Volumes.Upsert(driver == HostPath ? volume : volume with { CsiDriver = driver, CsiVolumeHandle = name });
                cluster.UpsertClaim(Claim(Ns, name).BoundTo(name));
            }
        }
        cluster.UpsertClaim(Claim(Ns, "csi-4").WithClass(ScName));
        cluster.UpsertClaim(Claim(Ns, "csi-5"));
        cluster.UpsertClaim(Claim(Ns, "csi-6").WithClass(ScName).BoundTo("missing-in-action"));
        foreach (var extra in extraClaims) cluster.UpsertClaim(ExtraClaims[extra]);
        cluster.UpsertStorageClass(StorageClass(ScName).WithProvisioner(driverNames[0]));
        if (limitSource is "csinode" or "csinode-with-no-limit")
        {
            cluster.UpsertCsiNode(new CsiNodeInfo(NodeName, [.. driverNames.Select(d => new CsiNodeDriver(d, limitSource == "csinode" ? maxVols : null))]));
        }
        return cluster;
    }
}
