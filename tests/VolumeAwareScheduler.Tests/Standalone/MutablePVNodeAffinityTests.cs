using k8s;
using k8s.Models;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Standalone;
using VolumeAwareScheduler.Testing.Kubernetes;

namespace VolumeAwareScheduler.Tests.Standalone;

/// <summary>
/// MutablePVNodeAffinity (alpha in Kubernetes v1.35, off by default) lets a PV's spec.nodeAffinity change. Whether or not
/// a cluster turns it on, the scheduler must follow such an update: a PV update requeues a pod that VolumeBinding
/// rejected (volume_binding.go isSchedulableAfterPersistentVolumeChange), and a free PV moves in the index to the
/// nodes it now reaches.
/// </summary>
public sealed class MutablePVNodeAffinityTests : IAsyncLifetime
{
    private StandaloneTestCluster _cluster = null!;

    private k8s.Kubernetes Client => _cluster.Client;

    public async Task InitializeAsync() =>
        _cluster = await StandaloneTestCluster.StartAsync(StandaloneTestCluster.EventsOnly, Objects.Node("node-1"), Objects.Node("node-2", "zone-b"));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static readonly Dictionary<string, string> OnNode2 = new() { ["kubernetes.io/hostname"] = "node-2" };

    private async Task MoveToAsync(string volumeName, string node)
    {
        var volume = await Client.CoreV1.ReadPersistentVolumeAsync(volumeName);
        volume.Spec.NodeAffinity.Required.NodeSelectorTerms[0].MatchExpressions[0].Values = [node];
        await Client.CoreV1.ReplacePersistentVolumeAsync(volume, volumeName);
    }

    [Fact]
    public async Task A_pod_rejected_for_its_bound_PVs_node_affinity_is_placed_when_the_affinity_changes()
    {
        var pod = new ObjectKey("default", "app");
        var volume = Objects.LocalVolume("pv-bound", "node-1");
        volume.Spec.ClaimRef = new V1ObjectReference { Kind = "PersistentVolumeClaim", NamespaceProperty = "default", Name = "data" };
        await Client.CoreV1.CreatePersistentVolumeAsync(volume);
        var claim = Objects.Claim("data");
        claim.Spec.VolumeName = "pv-bound";
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(claim, "default");
        Assert.True(await _cluster.Runner.Cluster.Cache.WaitForAsync(c => c.Read(s => s.GetClaim(new ObjectKey("default", "data")) is { IsFullyBound: true } && s.Volumes.Get("pv-bound") is { Phase: VolumePhase.Bound }),
            StandaloneTestCluster.Patience, TimeProvider.System, default), "the claim was not bound");
        await Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("app", "data", nodeSelector: OnNode2), "default");

        var pending = await _cluster.NextAsync<PodUnschedulable>(pod);
        // VolumeBinding's PreFilterResult (GetEligibleNodes) leaves node-2 out; NodeAffinity rejects node-1.
        Assert.Equal($"0/2 nodes are available: 1 {Reasons.NodeAffinityMismatch}, 1 {Reasons.DidNotSatisfyPlugins(["VolumeBinding"])}. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.", pending.Message);

        await MoveToAsync("pv-bound", "node-2");
        var bound = await _cluster.NextAsync<PodBound>(pod);

        Assert.Equal("node-2", bound.Node);
        Assert.Equal(ResourceKind.PersistentVolume, bound.Cure?.Event.Kind);
    }

    [Fact]
    public async Task A_free_PV_whose_node_affinity_changes_is_found_on_the_node_it_now_reaches()
    {
        var pod = new ObjectKey("default", "app");
        await Client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-free", "node-1"));
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("data"), "default");
        Assert.True(await _cluster.Runner.Cluster.Cache.WaitForAsync(c => c.Read(s => s.Volumes.Get("pv-free") is not null && s.GetClaim(new ObjectKey("default", "data")) is not null),
            StandaloneTestCluster.Patience, TimeProvider.System, default), "the cache did not see the PV and the claim");
        await Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("app", "data", nodeSelector: OnNode2), "default");

        var pending = await _cluster.NextAsync<PodUnschedulable>(pod);
        Assert.Equal($"0/2 nodes are available: 1 {Reasons.BindConflict}, 1 {Reasons.NodeAffinityMismatch}. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.", pending.Message);

        await MoveToAsync("pv-free", "node-2");
        var bound = await _cluster.NextAsync<PodBound>(pod);

        Assert.Equal("node-2", bound.Node);
        Assert.Equal("pv-free", Assert.Single(bound.Volumes.StaticBindings).Volume.Name);
        Assert.Equal("pv-free", (await Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data", "default")).Spec.VolumeName);
    }
}
