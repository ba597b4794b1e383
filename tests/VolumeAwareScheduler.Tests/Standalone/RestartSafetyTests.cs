using VolumeAwareScheduler.Testing.Kubernetes;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Standalone;

namespace VolumeAwareScheduler.Tests.Standalone;

/// <summary>
/// A scheduler that stops in the middle of a binding (volume written, pod binding refused) leaves nothing orphaned:
/// the next one finds the claim bound to the PV the first one chose, and places the pod on that PV's node.
/// </summary>
public sealed class RestartSafetyTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Restart_between_volume_binding_and_pod_binding_adopts_the_chosen_volume()
    {
        await using var emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions());
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        await client.CoreV1.CreateNodeAsync(Objects.Node("node-1"));
        await client.CoreV1.CreateNodeAsync(Objects.Node("node-2", "zone-b"));
        await client.StorageV1.CreateStorageClassAsync(Objects.LocalClass());
        await client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-1", "node-1", "10Gi"));
        await client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-2", "node-2", "10Gi"));
        await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("data"), "default");
        emulator.Faults.FailNext("create", "pods/binding", 500, count: 1000);

        string chosenNode;
        await using (var first = new StandaloneRunner(client, new StandaloneOptions(), TimeProvider.System, NullLoggerFactory.Instance))
        {
            using var stop = new CancellationTokenSource();
            var run = first.RunAsync(stop.Token);
            await client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("app", "data"), "default");
            var failed = await StandaloneTestCluster.NextAsync<BindingFailed>(first, new ObjectKey("default", "app"));
            chosenNode = failed.Node;
            await stop.CancelAsync();
            await run;
        }
        var claim = await client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data", "default");
        var chosenVolume = chosenNode == "node-1" ? "pv-1" : "pv-2";
        Assert.Equal(chosenVolume, claim.Spec.VolumeName); // the volume half landed
        Assert.Null((await client.CoreV1.ReadNamespacedPodAsync("app", "default")).Spec.NodeName); // the pod half did not

        emulator.Faults.Reset();
        await using (var second = new StandaloneRunner(client, new StandaloneOptions(), TimeProvider.System, NullLoggerFactory.Instance))
        {
            using var stop = new CancellationTokenSource();
            var run = second.RunAsync(stop.Token);
            var bound = await StandaloneTestCluster.NextAsync<PodBound>(second, new ObjectKey("default", "app"));
            await stop.CancelAsync();
            await run;
            Assert.Equal(chosenNode, bound.Node);
        }
        Assert.Equal(chosenNode, (await client.CoreV1.ReadNamespacedPodAsync("app", "default")).Spec.NodeName);
        var other = await client.CoreV1.ReadPersistentVolumeAsync(chosenVolume == "pv-1" ? "pv-2" : "pv-1");
        Assert.Null(other.Spec.ClaimRef); // nothing orphaned, nothing taken twice
    }

}
