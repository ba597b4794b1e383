using System.Collections.Immutable;
using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Testing.Make;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Tests.Scheduling;

/// <summary>VolumeRestrictions' ReadWriteOncePod conflict (volume_restrictions.go) and preferred node affinity in scoring.</summary>
public class RestrictionsAndPreferencesTests
{
    private static ClusterState Cluster()
    {
        var state = new ClusterState(new VolumeIndex());
        state.UpsertStorageClass(StorageClass("local").WaitForFirstConsumer());
        state.UpsertNode(Node("node-a").WithLabel("disk", "ssd"));
        state.UpsertNode(Node("node-b").WithLabel("disk", "hdd"));
        return state;
    }

    [Fact]
    public void ReadWriteOncePod_claim_in_use_by_a_scheduled_pod_rejects_the_pod_everywhere()
    {
        var state = Cluster();
        state.Volumes.Upsert(Volume("pv").WithCapacity("10Gi").WithClass("local").WithModes(AccessModes.ReadWriteOncePod).OnNode("node-a").ClaimedBy("ns", "solo", "u").Phase(VolumePhase.Bound));
        state.UpsertClaim(Claim("ns", "solo").WithUid("u").Requesting("1Gi").WithClass("local").WithModes(AccessModes.ReadWriteOncePod).BoundTo("pv"));
        state.UpsertPod(Pod("ns", "owner").WithClaim("solo").OnNode("node-a"));

        var result = new SchedulingFramework(Profiles.Default()).Schedule(state, Pod("ns", "second").WithClaim("solo"));

        Assert.Null(result.Selected);
        // Per node and Unschedulable (not a PreFilter rejection): the FitError counts the nodes, preemption may act.
        // Per node and Unschedulable (not a PreFilter rejection): the FitError counts the nodes, preemption may act. node-b
        // is left out before Filter by VolumeBinding's PreFilterResult (the bound PV is on node-a).
        Assert.Equal("0/2 nodes are available: 1 node(s) didn't satisfy plugin(s) [VolumeBinding], 1 node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.", result.FailureMessage);
        Assert.Equal(StatusCode.Success, result.PreFilter.Code);
        Assert.Equal((StatusCode.Unschedulable, "VolumeRestrictions"), (result.Nodes.Single(n => n.Node.Name == "node-a").Status.Code, result.Nodes.Single(n => n.Node.Name == "node-a").Status.Plugin));
        Assert.Contains("VolumeRestrictions", RequeueHints.RejectingPlugins(result));
        Assert.True(RequeueHints.MayCure(RequeueHints.RejectingPlugins(result), new ClusterEvent(ResourceKind.Pod, ClusterEventAction.Delete)));
        Assert.False(RequeueHints.MayCure(RequeueHints.RejectingPlugins(result), new ClusterEvent(ResourceKind.Pod, ClusterEventAction.Update)));
    }

    [Fact]
    public void ReadWriteOncePod_conflict_is_counted_beside_earlier_filters_as_clusters_print_it()
    {
        // The FitError of the v1.37 reference ("as printed by clusters in 2026"), without the preemption summary that
        // only DefaultPreemption adds: TaintToleration rejects the control plane first, VolumeRestrictions the rest.
        var state = Cluster();
        state.UpsertNode(Node("control-plane").WithTaint("node-role.kubernetes.io/control-plane", "", TaintEffect.NoSchedule));
        state.Volumes.Upsert(Volume("pv").WithCapacity("10Gi").WithClass("local").WithModes(AccessModes.ReadWriteOncePod).ClaimedBy("ns", "solo", "u").Phase(VolumePhase.Bound));
        state.UpsertClaim(Claim("ns", "solo").WithUid("u").Requesting("1Gi").WithClass("local").WithModes(AccessModes.ReadWriteOncePod).BoundTo("pv"));
        state.UpsertPod(Pod("ns", "owner").WithClaim("solo").OnNode("node-a"));

        var result = new SchedulingFramework(Profiles.Default()).Schedule(state, Pod("ns", "second").WithClaim("solo"));

        Assert.Equal("0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.", result.FailureMessage);
    }

    [Fact]
    public void ReadWriteOncePod_claim_not_in_use_is_no_restriction()
    {
        var state = Cluster();
        state.Volumes.Upsert(Volume("pv").WithCapacity("10Gi").WithClass("local").WithModes(AccessModes.ReadWriteOncePod).OnNode("node-a"));
        state.UpsertClaim(Claim("ns", "solo").Requesting("1Gi").WithClass("local").WithModes(AccessModes.ReadWriteOncePod));
        state.UpsertPod(Pod("ns", "unscheduled").WithClaim("solo")); // not on a node: does not count

        var result = new SchedulingFramework(Profiles.Default()).Schedule(state, Pod("ns", "first").WithClaim("solo"));

        Assert.Equal("node-a", result.Selected?.Node.Name);
    }

    [Fact]
    public void Preferred_node_affinity_breaks_ties_that_volumes_leave()
    {
        var state = Cluster();
        var preferHdd = new WeightedNodeSelectorTerm(50, new NodeSelectorTerm([new SelectorRequirement("disk", SelectorOperator.In, ["hdd"])], []));
        PodInfo pod = Pod("ns", "p");
        pod = pod with { PreferredNodeAffinity = ImmutableArray.Create(preferHdd) };

        var result = new SchedulingFramework(Profiles.Default()).Schedule(state, pod);

        Assert.Equal("node-b", result.Selected?.Node.Name); // node-a would win the name tie-break
        // NodeAffinity's raw score is the matching weight, normalized to 100 for the best node, times its weight 2.
        Assert.Equal(new PluginScore("NodeAffinity", 50, 100, 200), result.Selected!.Scores.Single(s => s.Plugin == "NodeAffinity"));
        Assert.Equal(new PluginScore("NodeAffinity", 0, 0, 0), result.Nodes.Single(n => n.Node.Name == "node-a").Scores.Single(s => s.Plugin == "NodeAffinity"));
    }
}
