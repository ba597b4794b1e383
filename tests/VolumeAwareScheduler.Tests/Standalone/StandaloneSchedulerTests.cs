using VolumeAwareScheduler.Testing.Kubernetes;
using k8s;
using k8s.Models;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Standalone;

namespace VolumeAwareScheduler.Tests.Standalone;

/// <summary>
/// The standalone scheduler end to end against the emulator (with its PV controller), through KubernetesClient.
/// Waits are on the scheduler's progress feed or the emulator's change feed, each bounded; no sleeps.
/// </summary>
public sealed class StandaloneSchedulerTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = StandaloneTestCluster.Patience;
    private StandaloneTestCluster _cluster = null!;

    private k8s.Kubernetes Client => _cluster.Client;

    private StandaloneRunner Runner => _cluster.Runner;

    private ApiEmulator.ApiEmulator Emulator => _cluster.Emulator;

    public async Task InitializeAsync() => _cluster = await StandaloneTestCluster.StartAsync(queue: null, Objects.Node("node-1"), Objects.Node("node-2", "zone-b"));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();


    [Fact]
    public async Task Classic_case_binds_the_claim_to_the_volume_on_the_node_the_pod_must_use()
    {
        await Client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-1", "node-1"));
        await Client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-2", "node-2"));
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("data"), "default");
        await Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("app", "data", nodeSelector: new Dictionary<string, string> { ["kubernetes.io/hostname"] = "node-2" }), "default");

        var bound = await _cluster.NextAsync<PodBound>(new ObjectKey("default", "app"));

        Assert.Equal("node-2", bound.Node);
        var pod = await Client.CoreV1.ReadNamespacedPodAsync("app", "default");
        Assert.Equal("node-2", pod.Spec.NodeName);
        var pv = await Client.CoreV1.ReadPersistentVolumeAsync("pv-2");
        Assert.Equal("data", pv.Spec.ClaimRef?.Name);
        var claim = await Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data", "default");
        Assert.Equal("pv-2", claim.Spec.VolumeName);
        Assert.Null((await Client.CoreV1.ReadPersistentVolumeAsync("pv-1")).Spec.ClaimRef);
    }

    [Fact]
    public async Task Pod_waiting_for_its_volume_is_placed_when_the_volume_appears()
    {
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("late"), "default");
        await Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("waiter", "late"), "default");

        var pending = await _cluster.NextAsync<PodUnschedulable>(new ObjectKey("default", "waiter"));
        Assert.Equal("0/2 nodes are available: 2 node(s) didn't find available persistent volumes to bind. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.", pending.Message);

        await Client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-late", "node-2"));
        var bound = await _cluster.NextAsync<PodBound>(new ObjectKey("default", "waiter"));

        Assert.Equal("node-2", bound.Node);
        var events = await Client.CoreV1.ListNamespacedEventAsync("default");
        Assert.Contains(events.Items, e => e.Reason == "FailedScheduling" && e.InvolvedObject.Name == "waiter" && e.Type == "Warning");
    }

    [Fact]
    public async Task Two_pods_racing_for_one_volume_never_share_it()
    {
        await Client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-only", "node-1"));
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("c1"), "default");
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("c2"), "default");
        await Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("p1", "c1"), "default");
        await Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("p2", "c2"), "default");

        var outcomes = new Dictionary<string, SchedulingProgress>();
        using (var timeout = new CancellationTokenSource(Patience))
        {
            await foreach (var progress in Runner.Scheduler.Progress.ReadAllAsync(timeout.Token))
            {
                if (progress is PodBound or PodUnschedulable) outcomes[progress.Pod.Name] = progress;
                if (outcomes.Count == 2 && outcomes.Values.Any(p => p is PodBound) && outcomes.Values.Any(p => p is PodUnschedulable)) break;
            }
        }
        var loser = outcomes.Single(o => o.Value is PodUnschedulable).Key;

        await Client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-second", "node-2"));
        var landed = await _cluster.NextAsync<PodBound>(new ObjectKey("default", loser));

        Assert.Equal("node-2", landed.Node);
        var c1 = await Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("c1", "default");
        var c2 = await Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("c2", "default");
        Assert.NotEqual(c1.Spec.VolumeName, c2.Spec.VolumeName);
        Assert.Equal(new[] { "pv-only", "pv-second" }, new[] { c1.Spec.VolumeName, c2.Spec.VolumeName }.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Pods_of_other_schedulers_are_left_alone()
    {
        await Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("not-ours", null, schedulerName: "default-scheduler"), "default");
        await Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("ours", null), "default");

        await _cluster.NextAsync<PodBound>(new ObjectKey("default", "ours"));

        var notOurs = await Client.CoreV1.ReadNamespacedPodAsync("not-ours", "default");
        Assert.Null(notOurs.Spec.NodeName);
    }
    [Fact]
    public async Task A_conflict_on_the_volume_write_reverts_and_the_pod_is_decided_again()
    {
        await Client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-c", "node-1"));
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("contended"), "default");
        Emulator.Faults.InjectConflicts("persistentvolumes", 1); // our view is stale once: 409 on the claimRef update

        await Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("retry", "contended"), "default");

        var failed = await _cluster.NextAsync<BindingFailed>(new ObjectKey("default", "retry"));
        Assert.Contains("conflict", failed.Error, StringComparison.Ordinal);
        var bound = await _cluster.NextAsync<PodBound>(new ObjectKey("default", "retry"));
        Assert.Equal("node-1", bound.Node);
        Assert.Equal("pv-c", (await Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("contended", "default")).Spec.VolumeName);
    }
}
