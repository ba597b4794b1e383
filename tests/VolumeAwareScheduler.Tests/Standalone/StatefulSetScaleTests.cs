using VolumeAwareScheduler.Testing.Kubernetes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Core.Invariants;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Standalone;

namespace VolumeAwareScheduler.Tests.Standalone;

/// <summary>
/// The bar: a StatefulSet of 50 replicas with WaitForFirstConsumer local PVs on 20 nodes is fully placed,
/// each pod on its PV's node, no PV used twice (Parallel pod management, so the scheduler sees them all at once).
/// </summary>
public sealed class StatefulSetScaleTests
{
    [Fact]
    public async Task Fifty_replicas_on_twenty_nodes_each_land_on_their_volumes_node()
    {
        await using var emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions());
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        await client.StorageV1.CreateStorageClassAsync(Objects.LocalClass());
        for (var n = 0; n < 20; n++)
        {
            await client.CoreV1.CreateNodeAsync(Objects.Node($"node-{n:00}", n % 2 == 0 ? "zone-a" : "zone-b"));
            for (var d = 0; d < 3; d++) await client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume($"pv-{n:00}-{d}", $"node-{n:00}", "10Gi"));
        }
        await using var runner = new StandaloneRunner(client, new StandaloneOptions(), TimeProvider.System, NullLoggerFactory.Instance);
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);

        await client.AppsV1.CreateNamespacedStatefulSetAsync(new V1StatefulSet
        {
            Metadata = new V1ObjectMeta { Name = "db", NamespaceProperty = "default" },
            Spec = new V1StatefulSetSpec
            {
                Replicas = 50,
                PodManagementPolicy = "Parallel",
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "db" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "db" } },
                    Spec = new V1PodSpec { SchedulerName = StandaloneOptions.DefaultSchedulerName, Containers = [new V1Container { Name = "c", Image = "postgres" }] },
                },
                VolumeClaimTemplates = [new V1PersistentVolumeClaim { Metadata = new V1ObjectMeta { Name = "data" }, Spec = Objects.Claim("x").Spec }],
            },
        }, "default");

        var bound = new HashSet<string>(StringComparer.Ordinal);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await foreach (var progress in runner.Scheduler.Progress.ReadAllAsync(timeout.Token))
            {
                if (progress is PodBound b) bound.Add(b.Pod.Name);
                if (bound.Count == 50) break;
            }
        }
        await stop.CancelAsync();
        await run;

        var state = await StateLoader.ListAsync(client, [], CancellationToken.None);
        Assert.Equal(50, state.Pods.Count(p => p.NodeName.Length > 0));
        Assert.Equal(50, state.Claims.Count(InvariantChecker.IsBound));
        // No PV bound twice, every claim's PV names it back, every pod inside its PV's node affinity.
        Assert.Empty(InvariantChecker.Check(state));
    }
}
