using k8s;
using k8s.Models;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Standalone;
using VolumeAwareScheduler.Testing.Kubernetes;

namespace VolumeAwareScheduler.Tests.Standalone;

/// <summary>
/// <c>run</c> with the inter-pod rules, end to end against the emulator: labels and affinity terms come through the
/// API, a placed pod is assumed on its node before the next cycle, and deleting the pod that an anti-affinity avoids
/// requeues the rejected pod (the unschedulable flush is an hour here, so only the event can move it).
/// </summary>
public sealed class StandaloneInterPodRulesTests : IAsyncLifetime
{
    private StandaloneTestCluster _cluster = null!;

    private k8s.Kubernetes Client => _cluster.Client;

    public async Task InitializeAsync() => _cluster = await StandaloneTestCluster.StartAsync(StandaloneTestCluster.EventsOnly, Objects.Node("node-1"), Objects.Node("node-2"));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static V1Pod Replica(string name, string? claim)
    {
        var pod = Objects.Pod(name, claim);
        pod.Metadata.Labels = new Dictionary<string, string> { ["app"] = "web" };
        pod.Spec.Affinity = new V1Affinity
        {
            PodAntiAffinity = new V1PodAntiAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution =
                [
                    new V1PodAffinityTerm { LabelSelector = new V1LabelSelector { MatchLabels = pod.Metadata.Labels }, TopologyKey = "kubernetes.io/hostname" },
                ],
            },
        };
        return pod;
    }

    [Fact]
    public async Task Replicas_created_together_get_a_node_and_a_local_PV_each_though_one_node_has_the_best_fitting_PVs()
    {
        // node-1 has two PVs of exactly the claims' size; node-2 one larger PV.
        await Client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-1a", "node-1", "5Gi"));
        await Client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-1b", "node-1", "5Gi"));
        await Client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-2", "node-2", "50Gi"));
        foreach (var i in new[] { 0, 1 })
        {
            await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim($"data-web-{i}"), "default");
            await Client.CoreV1.CreateNamespacedPodAsync(Replica($"web-{i}", $"data-web-{i}"), "default");
        }

        // Either may be bound first: read the feed once for both.
        var bound = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var timeout = new CancellationTokenSource(StandaloneTestCluster.Patience))
        {
            await foreach (var progress in _cluster.Runner.Scheduler.Progress.ReadAllAsync(timeout.Token))
            {
                Assert.False(progress is PodUnschedulable, $"{progress.Pod}: {(progress as PodUnschedulable)?.Message}");
                if (progress is PodBound b) bound[b.Pod.Name] = b.Node;
                if (bound.Count == 2) break;
            }
        }

        Assert.Equal(["node-1", "node-2"], bound.Values.Order(StringComparer.Ordinal));
        foreach (var (pod, node) in bound)
        {
            var volume = (await Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync($"data-{pod}", "default")).Spec.VolumeName;
            Assert.StartsWith(node == "node-1" ? "pv-1" : "pv-2", volume, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_replica_rejected_by_anti_affinity_lands_when_the_replica_it_avoids_is_deleted()
    {
        await Client.CoreV1.CreateNamespacedPodAsync(Replica("web-0", null), "default");
        await _cluster.NextAsync<PodBound>(new ObjectKey("default", "web-0"));
        var blocker = await Client.CoreV1.ReadNamespacedPodAsync("web-0", "default");
        var other = blocker.Spec.NodeName == "node-1" ? "node-2" : "node-1";
        // The other node is cordoned: the second replica has nowhere to go but beside the first.
        var cordon = await Client.CoreV1.ReadNodeAsync(other);
        cordon.Spec ??= new V1NodeSpec();
        cordon.Spec.Unschedulable = true;
        await Client.CoreV1.ReplaceNodeAsync(cordon, other);
        await _cluster.Runner.Cluster.Cache.WaitForAsync(c => c.Read(s => s.GetNode(other)!.Unschedulable), StandaloneTestCluster.Patience, TimeProvider.System, default);

        var pod = new ObjectKey("default", "web-1");
        await Client.CoreV1.CreateNamespacedPodAsync(Replica("web-1", null), "default");
        var pending = await _cluster.NextAsync<PodUnschedulable>(pod);
        Assert.Equal($"0/2 nodes are available: 1 {Reasons.PodAntiAffinityRulesNotMatch}, 1 {Reasons.NodeUnschedulable}. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.", pending.Message);

        // Immediately: the simulated kubelet would otherwise keep it the default 30 s grace period, counted on its node.
        await Client.CoreV1.DeleteNamespacedPodAsync("web-0", "default", gracePeriodSeconds: 0);
        var bound = await _cluster.NextAsync<PodBound>(pod);

        Assert.Equal(blocker.Spec.NodeName, bound.Node);
        Assert.Equal(ResourceKind.Pod, bound.Cure?.Event.Kind);
    }
}
