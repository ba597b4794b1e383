using k8s;
using k8s.Models;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Core.Invariants;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Kubernetes.Queue;
using VolumeAwareScheduler.Standalone;
using VolumeAwareScheduler.Tests.Standalone;
using VolumeAwareScheduler.Testing.Kubernetes;

namespace VolumeAwareScheduler.Tests.Reliability;

/// <summary>
/// Fault campaigns, short form: the standalone scheduler places a batch of pods with local and provisioned claims while
/// the emulator injects one kind of fault; every pod must end up bound and the cluster must satisfy every invariant of
/// `check` (no PV twice, claims and PVs pointing at each other, pods inside their PVs' node affinity, no stale
/// prebinding). Bounded in count (16 pods) and time (a cancellation bound, never a timing assertion).
/// </summary>
public sealed class FaultCampaignTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private const int Nodes = 4;
    private const int PodsPerNode = 4;

    /// <summary>Backoff short enough that a pod retried a few times is placed within the bound.</summary>
    private static readonly QueueOptions Queue = new() { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromSeconds(1) };

    public static TheoryData<string> Campaigns => ["409 storm on PV writes", "409 storm on claim writes", "409 on pod bindings", "5xx on writes", "latency on every request", "watches dropped and compacted under load"];

    [Theory]
    [MemberData(nameof(Campaigns))]
    public async Task Every_pod_is_placed_and_the_invariants_hold(string campaign)
    {
        await using var cluster = await StandaloneTestCluster.StartAsync(new StandaloneOptions(), Queue, async client =>
        {
            await client.StorageV1.CreateStorageClassAsync(Objects.LocalClass());
            await client.StorageV1.CreateStorageClassAsync(new V1StorageClass { Metadata = new V1ObjectMeta { Name = "dynamic" }, Provisioner = "csi.example.com", VolumeBindingMode = "WaitForFirstConsumer" });
            for (var n = 0; n < Nodes; n++)
            {
                await client.CoreV1.CreateNodeAsync(Objects.Node($"node-{n}"));
                for (var v = 0; v < PodsPerNode / 2; v++) await client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume($"pv-{n}-{v}", $"node-{n}"));
            }
        });
        var faults = cluster.Emulator.Faults;
        switch (campaign)
        {
            case "409 storm on PV writes": faults.InjectConflicts("persistentvolumes", 12); break;
            case "409 storm on claim writes": faults.InjectConflicts("persistentvolumeclaims", 12); break;
            case "409 on pod bindings": faults.FailNext("create", "pods/binding", 409, 6); break;
            case "5xx on writes":
                faults.FailNext("update", "persistentvolumes", 500, 4);
                faults.FailNext("update", "persistentvolumeclaims", 503, 4);
                faults.FailNext("create", "pods/binding", 500, 4);
                break;
            case "latency on every request": faults.Latency = TimeSpan.FromMilliseconds(15); break;
        }

        // Half the pods claim a local PV (one per node's pair), half a provisioned volume.
        var names = new List<string>();
        for (var i = 0; i < Nodes * PodsPerNode; i++)
        {
            var name = $"app-{i}";
            names.Add(name);
            await cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("data-" + name, storageClass: i % 2 == 0 ? "local" : "dynamic"), "default");
            await cluster.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod(name, "data-" + name), "default");
            if (campaign == "watches dropped and compacted under load" && i % 4 == 3)
            {
                faults.DropWatches();
                faults.Compact();
            }
        }

        var (bound, failedBindings) = await AllBoundAsync(cluster, names);
        faults.Reset();
        var state = await StateLoader.ListAsync(cluster.Client, [], CancellationToken.None);

        Assert.True(bound.Count == names.Count, $"{campaign}: not bound: {string.Join(", ", names.Except(bound))}");
        // The write faults were met: bindings failed, were reverted and the pods decided again.
        if (campaign.Contains("409", StringComparison.Ordinal) || campaign.Contains("5xx", StringComparison.Ordinal)) Assert.True(failedBindings > 0, $"{campaign}: no binding failed");
        Assert.Empty(InvariantChecker.Check(state).Select(v => v.Message));
        Assert.All(names, n => Assert.True(state.GetPod(new ObjectKey("default", n))?.NodeName.Length > 0, $"{n} has no node in the API"));
    }

    /// <summary>The pods the scheduler reported bound, once every pod is or the bound runs out, and how many bindings failed.</summary>
    private static async Task<(HashSet<string> Bound, int FailedBindings)> AllBoundAsync(StandaloneTestCluster cluster, IReadOnlyCollection<string> names)
    {
        var bound = new HashSet<string>(StringComparer.Ordinal);
        var failed = 0;
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await foreach (var progress in cluster.Runner.Scheduler.Progress.ReadAllAsync(timeout.Token))
            {
                if (progress is PodBound) bound.Add(progress.Pod.Name);
                if (progress is BindingFailed) failed++;
                if (bound.Count == names.Count) break;
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            // reported by the caller
        }
        return (bound, failed);
    }
}
