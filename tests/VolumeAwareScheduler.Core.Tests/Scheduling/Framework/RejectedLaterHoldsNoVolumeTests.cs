using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Framework;

/// <summary>
/// kubernetes/kubernetes#65131 (fixed upstream by #67556): VolumeBinding's Filter chooses PVs on every node it passes,
/// but a node a later Filter plugin rejects (InterPodAffinity runs after VolumeBinding) must not keep its PV: PVs are
/// assumed only in Reserve, for the one node selected. A pod rejected everywhere holds nothing.
/// </summary>
public sealed class RejectedLaterHoldsNoVolumeTests
{
    private static (ClusterState State, AssumeLedger Ledger) Cluster()
    {
        var state = new ClusterState(new VolumeIndex());
        state.UpsertStorageClass(StorageClass("local").WaitForFirstConsumer());
        state.UpsertNode(Node("node-1"));
        state.UpsertNode(Node("node-2"));
        // node-1's PV is the best fit for a 10Gi claim; node-2's is larger.
        state.Volumes.Upsert(Volume("pv-1").WithCapacity("10Gi").WithClass("local").OnNode("node-1"));
        state.Volumes.Upsert(Volume("pv-2").WithCapacity("50Gi").WithClass("local").OnNode("node-2"));
        state.UpsertPod(Pod("ns", "web-0").WithLabel("app", "web").OnNode("node-1"));
        state.UpsertClaim(Claim("ns", "data-a").Requesting("10Gi").WithClass("local"));
        state.UpsertClaim(Claim("ns", "data-b").Requesting("10Gi").WithClass("local"));
        return (state, new AssumeLedger(state));
    }

    private static PodInfo AvoidingWeb(string name, string claim) =>
        Pod("ns", name).WithLabel("app", "web").WithClaim(claim).WithPodAntiAffinity(PodTerm(HostnameLabel, MatchLabels(("app", "web"))));

    [Fact]
    public void The_PV_chosen_on_a_node_a_later_filter_rejects_is_not_assumed_and_stays_free_for_the_next_pod()
    {
        var (state, ledger) = Cluster();
        var framework = new SchedulingFramework(Profiles.Default());

        var result = framework.Schedule(state, AvoidingWeb("web-1", "data-a"));

        var node1 = result.Nodes.Single(n => n.Node.Name == "node-1");
        Assert.Equal("InterPodAffinity", node1.Status.Plugin);
        Assert.Equal("node-2", result.Selected?.Node.Name);
        Assert.True(framework.Reserve(result, ledger).IsSuccess);
        Assert.Equal("ns/data-a", ClaimRefOf(state, "pv-2"));
        Assert.Null(state.Volumes.Get("pv-1")!.ClaimRef);

        var next = framework.Schedule(state, Pod("ns", "other").WithClaim("data-b"));

        Assert.Equal("node-1", next.Selected?.Node.Name);
        Assert.Equal("pv-1", Assert.Single(next.Selected!.Volumes!.StaticBindings).Volume.Name);
    }

    [Fact]
    public void A_pod_every_node_rejects_after_VolumeBinding_passed_holds_no_PV()
    {
        var (state, ledger) = Cluster();
        state.UpsertPod(Pod("ns", "web-x").WithLabel("app", "web").OnNode("node-2"));
        var framework = new SchedulingFramework(Profiles.Default());

        var result = framework.Schedule(state, AvoidingWeb("web-1", "data-a"));

        Assert.Null(result.Selected);
        Assert.All(result.Nodes, n => Assert.Equal("InterPodAffinity", n.Status.Plugin));
        Assert.Equal(0, ledger.Count);
        Assert.Null(state.Volumes.Get("pv-1")!.ClaimRef);
        Assert.Null(state.Volumes.Get("pv-2")!.ClaimRef);
        Assert.Equal("node-1", framework.Schedule(state, Pod("ns", "other").WithClaim("data-b")).Selected?.Node.Name);
    }

    private static string? ClaimRefOf(ClusterState state, string volume) =>
        state.Volumes.Get(volume)!.ClaimRef is { } r ? $"{r.Namespace}/{r.Name}" : null;
}
