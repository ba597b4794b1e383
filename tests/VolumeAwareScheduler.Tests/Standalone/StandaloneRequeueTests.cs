using VolumeAwareScheduler.Testing.Kubernetes;
using k8s;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Standalone;

namespace VolumeAwareScheduler.Tests.Standalone;

/// <summary>
/// Requeue on the curing event, end to end: the unschedulable flush is an hour here, so a pod that lands within the
/// test's patience was moved by the event the queue saw, which the binding reports.
/// </summary>
public sealed class StandaloneRequeueTests : IAsyncLifetime
{
    private StandaloneTestCluster _cluster = null!;

    private k8s.Kubernetes Client => _cluster.Client;

    public async Task InitializeAsync() => _cluster = await StandaloneTestCluster.StartAsync(StandaloneTestCluster.EventsOnly, Objects.Node("node-1"), Objects.Node("node-2"));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Pod_whose_node_selector_no_node_matches_lands_when_a_matching_node_is_added()
    {
        var pod = new ObjectKey("default", "picky");
        await Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("picky", null, nodeSelector: new Dictionary<string, string> { ["kubernetes.io/hostname"] = "node-3" }), "default");
        var pending = await _cluster.NextAsync<PodUnschedulable>(pod);
        Assert.Equal("0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.", pending.Message);

        await Client.CoreV1.CreateNodeAsync(Objects.Node("node-3"));
        var bound = await _cluster.NextAsync<PodBound>(pod);

        Assert.Equal("node-3", bound.Node);
        Assert.Equal(new ClusterEvent(ResourceKind.Node, ClusterEventAction.Add | ClusterEventAction.Update), bound.Cure?.Event);
        Assert.True(bound.Cure!.Value.At >= pending.At && bound.Cure.Value.At <= bound.At);
        Assert.Equal(2, bound.Attempts);
    }

    [Fact]
    public async Task Pod_whose_only_volume_is_on_a_missing_node_lands_when_that_node_is_added()
    {
        var pod = new ObjectKey("default", "follower");
        await Client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-3", "node-3"));
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("data"), "default");
        // The claim and the pod come through different watches: wait for the claim, so that the first verdict is
        // about the volume rather than about a claim not seen yet.
        Assert.True(await _cluster.Runner.Cluster.Cache.WaitForAsync(c => c.Read(s => s.GetClaim(new ObjectKey("default", "data")) is not null),
            StandaloneTestCluster.Patience, TimeProvider.System, default));
        await Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("follower", "data"), "default");
        var pending = await _cluster.NextAsync<PodUnschedulable>(pod);
        Assert.Equal("0/2 nodes are available: 2 node(s) didn't find available persistent volumes to bind. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.", pending.Message);

        await Client.CoreV1.CreateNodeAsync(Objects.Node("node-3"));
        var bound = await _cluster.NextAsync<PodBound>(pod);

        Assert.Equal("node-3", bound.Node);
        Assert.NotNull(bound.Cure); // an event moved it (the node, or a change to its claim while it waited), not the flush
        Assert.Equal("pv-3", (await Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data", "default")).Spec.VolumeName);
    }

}
