using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling;

/// <summary>
/// Per rejecting plugin of the default profile: the pod is rejected by that plugin, the plugin's EventsToRegister
/// (RequeueHints) name the event that cures it and not an unrelated one, and after that event the pod is scheduled.
/// NodePorts, InterPodAffinity, PodTopologySpread and SchedulingGates have theirs beside their plugin tests
/// (NodePortsTests, InterPodRulesProfileTests, SchedulingGatesTests).
/// </summary>
public sealed class RequeueCureTests
{
    private const string Driver = "csi.example.com";

    /// <summary>One row: the cluster and pod, the rejecting plugin, the curing event and how it changes the cluster.</summary>
    public sealed record CureCase(
        string Plugin,
        Action<ClusterState> Setup,
        PodInfo Pod,
        ClusterEvent Cure,
        Action<ClusterState> ApplyCure,
        ClusterEvent Unrelated,
        string ScheduledOn)
    {
        public override string ToString() => Plugin;
    }

    private static readonly Dictionary<string, CureCase> Cases = new(StringComparer.Ordinal)
    {
        ["a cordoned node is uncordoned (NodeUnschedulable)"] = new("NodeUnschedulable",
            s => s.UpsertNode(Node("node-1").Unschedulable()),
            Pod("ns", "p"),
            new(ResourceKind.Node, ClusterEventAction.Update), s => s.UpsertNode(Node("node-1")),
            new(ResourceKind.PersistentVolume, ClusterEventAction.Add), "node-1"),
        ["the node the pod names is added (NodeName)"] = new("NodeName",
            s => s.UpsertNode(Node("node-1")),
            Pod("ns", "p").Build() with { NodeName = "node-2" },
            new(ResourceKind.Node, ClusterEventAction.Add), s => s.UpsertNode(Node("node-2")),
            new(ResourceKind.Pod, ClusterEventAction.Delete), "node-2"),
        ["the untolerated taint is removed (TaintToleration)"] = new("TaintToleration",
            s => s.UpsertNode(Node("node-1").WithTaint("dedicated", "db", TaintEffect.NoSchedule)),
            Pod("ns", "p"),
            new(ResourceKind.Node, ClusterEventAction.Update), s => s.UpsertNode(Node("node-1")),
            new(ResourceKind.Pod, ClusterEventAction.Delete), "node-1"),
        ["the node gets the selected label (NodeAffinity)"] = new("NodeAffinity",
            s => s.UpsertNode(Node("node-1")),
            Pod("ns", "p").WithNodeSelector("disk", "ssd"),
            new(ResourceKind.Node, ClusterEventAction.Update), s => s.UpsertNode(Node("node-1").WithLabel("disk", "ssd")),
            new(ResourceKind.PersistentVolumeClaim, ClusterEventAction.Add), "node-1"),
        ["the pod using the CPU is deleted (NodeResourcesFit)"] = new("NodeResourcesFit",
            s =>
            {
                s.UpsertNode(Node("node-1").WithAllocatable(1000, "4Gi"));
                s.UpsertPod(Pod("ns", "holder").Requesting(800, "1Gi").OnNode("node-1"));
            },
            Pod("ns", "p").Requesting(500, "1Gi"),
            new(ResourceKind.Pod, ClusterEventAction.Delete), s => s.RemovePod(new("ns", "holder")),
            new(ResourceKind.PersistentVolume, ClusterEventAction.Add), "node-1"),
        ["the pod holding the ReadWriteOncePod claim is deleted (VolumeRestrictions)"] = new("VolumeRestrictions",
            s =>
            {
                s.UpsertStorageClass(StorageClass("local").WaitForFirstConsumer());
                s.UpsertNode(Node("node-1"));
                s.Volumes.Upsert(Volume("pv").WithCapacity("10Gi").WithClass("local").WithModes(AccessModes.ReadWriteOncePod).ClaimedBy("ns", "solo", "u").Phase(VolumePhase.Bound));
                s.UpsertClaim(Claim("ns", "solo").WithUid("u").Requesting("1Gi").WithClass("local").WithModes(AccessModes.ReadWriteOncePod).BoundTo("pv"));
                s.UpsertPod(Pod("ns", "owner").WithClaim("solo").OnNode("node-1"));
            },
            Pod("ns", "p").WithClaim("solo"),
            new(ResourceKind.Pod, ClusterEventAction.Delete), s => s.RemovePod(new("ns", "owner")),
            new(ResourceKind.Pod, ClusterEventAction.Update), "node-1"),
        ["the CSINode's volume limit is raised (NodeVolumeLimits)"] = new("NodeVolumeLimits",
            s =>
            {
                s.UpsertNode(Node("node-1"));
                s.UpsertCsiNode(new CsiNodeInfo("node-1", [new CsiNodeDriver(Driver, 1)]));
                s.UpsertStorageClass(StorageClass("csi").WithProvisioner(Driver).WaitForFirstConsumer());
                s.Volumes.Upsert(Volume("pv-held").WithCapacity("1Gi").WithClass("csi").WithCsiDriver(Driver).ClaimedBy("ns", "held", "u1").Phase(VolumePhase.Bound).Build() with { CsiVolumeHandle = "h1" });
                s.UpsertClaim(Claim("ns", "held").WithUid("u1").Requesting("1Gi").WithClass("csi").BoundTo("pv-held"));
                s.UpsertPod(Pod("ns", "holder").WithClaim("held").OnNode("node-1"));
                s.Volumes.Upsert(Volume("pv-mine").WithCapacity("1Gi").WithClass("csi").WithCsiDriver(Driver).ClaimedBy("ns", "mine", "u2").Phase(VolumePhase.Bound).Build() with { CsiVolumeHandle = "h2" });
                s.UpsertClaim(Claim("ns", "mine").WithUid("u2").Requesting("1Gi").WithClass("csi").BoundTo("pv-mine"));
            },
            Pod("ns", "p").WithClaim("mine"),
            new(ResourceKind.CSINode, ClusterEventAction.Update), s => s.UpsertCsiNode(new CsiNodeInfo("node-1", [new CsiNodeDriver(Driver, 2)])),
            new(ResourceKind.StorageClass, ClusterEventAction.Add), "node-1"),
        ["a PV that fits is created (VolumeBinding)"] = new("VolumeBinding",
            s =>
            {
                s.UpsertStorageClass(StorageClass("local").WaitForFirstConsumer());
                s.UpsertNode(Node("node-1"));
                s.UpsertClaim(Claim("ns", "data").Requesting("5Gi").WithClass("local"));
            },
            Pod("ns", "p").WithClaim("data"),
            new(ResourceKind.PersistentVolume, ClusterEventAction.Add), s => s.Volumes.Upsert(Volume("pv-1").WithCapacity("10Gi").WithClass("local").OnNode("node-1")),
            new(ResourceKind.Pod, ClusterEventAction.Delete), "node-1"),
        ["the node moves to the bound PV's zone (VolumeZone)"] = new("VolumeZone",
            s =>
            {
                s.UpsertStorageClass(StorageClass("zonal").WaitForFirstConsumer());
                s.UpsertNode(Node("node-1").InZone("zone-a"));
                s.Volumes.Upsert(Volume("pv-b").WithCapacity("10Gi").WithClass("zonal").WithLabel(ZoneLabel, "zone-b").ClaimedBy("ns", "data", "u").Phase(VolumePhase.Bound));
                s.UpsertClaim(Claim("ns", "data").WithUid("u").Requesting("5Gi").WithClass("zonal").BoundTo("pv-b"));
            },
            Pod("ns", "p").WithClaim("data"),
            new(ResourceKind.Node, ClusterEventAction.Update), s => s.UpsertNode(Node("node-1").InZone("zone-b")),
            new(ResourceKind.Pod, ClusterEventAction.Delete), "node-1"),
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Rejected_then_the_curing_event_requeues_and_the_pod_is_scheduled(string name)
    {
        var row = Cases[name];
        var state = new ClusterState(new VolumeIndex());
        row.Setup(state);
        var framework = new SchedulingFramework(Profiles.Default());

        var rejected = framework.Schedule(state, row.Pod);

        Assert.Null(rejected.Selected);
        var rejecters = RequeueHints.RejectingPlugins(rejected);
        Assert.Contains(row.Plugin, rejecters);
        Assert.True(RequeueHints.MayCure([row.Plugin], row.Cure), $"{row.Plugin} does not register {row.Cure}");
        Assert.False(RequeueHints.MayCure(rejecters, row.Unrelated), $"{row.Unrelated} would requeue a pod rejected by {string.Join(", ", rejecters)}");

        row.ApplyCure(state);

        Assert.Equal(row.ScheduledOn, framework.Schedule(state, row.Pod).Selected?.Node.Name);
    }
}
