using k8s;
using k8s.Models;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Core.Invariants;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Kubernetes.Queue;
using VolumeAwareScheduler.Testing.Kubernetes;

namespace VolumeAwareScheduler.Tests.Reliability;

/// <summary>
/// Two `run` replicas with leader election on one Lease while pods keep arriving; the Lease changes hands
/// <see cref="HandOvers"/> times, alternately because the leader is cut off from the Lease (its renewals fail until the
/// other replica holds it) and because the leader is killed (a new standby is then started). In the end every pod is
/// placed, no pod was bound twice (at most one Scheduled event each), no PV went to two claims, and every invariant of
/// `check` holds.
/// </summary>
public sealed class LeaseFightTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int HandOvers = 4;
    private const int PodsPerWave = 4;
    private const int Nodes = 4;
    private const string Lease = LeaderElectionSettings.DefaultResourceName;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task The_lease_changes_hands_under_load_and_every_pod_is_placed_once()
    {
        await using var emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions { ProvisioningDelay = TimeSpan.FromMilliseconds(500) });
        using var admin = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        await admin.StorageV1.CreateStorageClassAsync(Objects.LocalClass());
        await admin.StorageV1.CreateStorageClassAsync(new V1StorageClass { Metadata = new V1ObjectMeta { Name = "dynamic" }, Provisioner = "csi.example.com", VolumeBindingMode = "WaitForFirstConsumer" });
        for (var n = 0; n < Nodes; n++)
        {
            await admin.CoreV1.CreateNodeAsync(Objects.Node($"node-{n}"));
            for (var v = 0; v < HandOvers; v++) await admin.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume($"pv-{n}-{v}", $"node-{n}"));
        }
        var defaults = RunSettings.From(null);
        var settings = defaults with
        {
            Queue = new QueueOptions { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromSeconds(1) },
            LeaderElection = defaults.LeaderElection with { LeaseDuration = TimeSpan.FromSeconds(2), RenewDeadline = TimeSpan.FromSeconds(1.5), RetryPeriod = TimeSpan.FromMilliseconds(200) },
        };

        var pods = new List<string>();
        var processes = new List<SchedulerProcess>();
        var handOvers = new List<string>();
        try
        {
            processes.Add(await SchedulerProcess.StartAsync(emulator.BaseAddress, settings, "replica-0"));
            processes.Add(await SchedulerProcess.StartAsync(emulator.BaseAddress, settings, "replica-1"));
            using var timeout = new CancellationTokenSource(Patience);
            var holder = await HolderAsync(emulator, h => processes.Any(p => p.Identity == h), timeout.Token);
            for (var round = 0; round < HandOvers; round++)
            {
                pods.AddRange(await CreateWaveAsync(admin, round));
                var live = processes.Where(p => !p.IsKilled).ToList();
                var leader = live.Single(p => p.Identity == holder);
                var standby = live.Single(p => p != leader);
                if (round % 2 == 0)
                {
                    // Cut off from the Lease: renewals fail, leadership is lost after the renew deadline, the standby takes
                    // the Lease once it expires. The deposed leader drains its bindings meanwhile, its other calls unhindered.
                    leader.Network.Partition(r => r.RequestUri?.AbsolutePath.Contains("/leases/", StringComparison.Ordinal) == true);
                    holder = await HolderAsync(emulator, h => h == standby.Identity, timeout.Token);
                    leader.Network.Heal();
                    handOvers.Add("leader cut off from the Lease");
                }
                else
                {
                    await leader.KillAsync();
                    holder = await HolderAsync(emulator, h => h == standby.Identity, timeout.Token);
                    processes.Add(await SchedulerProcess.StartAsync(emulator.BaseAddress, settings, $"replica-{processes.Count}"));
                    handOvers.Add("leader killed");
                }
            }
            pods.AddRange(await CreateWaveAsync(admin, HandOvers));
            foreach (var pod in pods) await emulator.WaitForAsync("pods", "default", pod, p => p["spec"]?["nodeName"] is not null, timeout.Token);
            foreach (var pod in pods) await emulator.WaitForAsync("persistentvolumeclaims", "default", "data-" + pod, c => c["status"]?["phase"]?.GetValue<string>() == "Bound", timeout.Token);
        }
        catch (OperationCanceledException)
        {
            output.WriteLine($"after {handOvers.Count} hand-overs: lease {emulator.Get("leases", "kube-system", Lease)?["spec"]?.ToJsonString()}; processes {string.Join(", ", processes.Select(p => $"{p.Name} {p.Identity} killed={p.IsKilled} scheduling={p.Runner.IsScheduling} failure={p.Service.Failure?.Message}"))}");
            throw;
        }
        finally
        {
            foreach (var process in processes) await process.DisposeAsync();
        }

        Assert.Equal(HandOvers, handOvers.Count);
        Assert.Empty(processes.Where(p => p.Service.Failure is not null).Select(p => $"{p.Name} died: {p.Service.Failure!.Message}")); // a replica cut off from the Lease lives on
        var state = await StateLoader.ListAsync(admin, [], CancellationToken.None);
        Assert.Empty(InvariantChecker.Check(state).Select(v => v.Message));
        Assert.All(pods, n => Assert.True(state.GetPod(new ObjectKey("default", n))?.NodeName.Length > 0, $"{n} has no node"));
        var volumes = pods.Select(n => state.GetClaim(new ObjectKey("default", "data-" + n))!.VolumeName).ToList();
        Assert.Equal(volumes.Count, volumes.Distinct(StringComparer.Ordinal).Count()); // no PV to two claims
        var scheduled = (await admin.CoreV1.ListNamespacedEventAsync("default")).Items.Where(e => e.Reason == "Scheduled").GroupBy(e => e.InvolvedObject.Name);
        Assert.Empty(scheduled.Where(g => g.Count() > 1).Select(g => $"{g.Key} bound {g.Count()} times")); // a killed leader may bind and die before its event
    }

    /// <summary>The Lease's holder, once it satisfies <paramref name="holds"/>.</summary>
    private static async Task<string> HolderAsync(ApiEmulator.ApiEmulator emulator, Func<string, bool> holds, CancellationToken cancellationToken)
    {
        var lease = await emulator.WaitForAsync("leases", LeaderElectionSettings.DefaultResourceNamespace, Lease,
            l => l["spec"]?["holderIdentity"]?.GetValue<string>() is { } h && holds(h), cancellationToken);
        return lease["spec"]!["holderIdentity"]!.GetValue<string>();
    }

    /// <summary>Half the pods on local PVs, half on provisioned volumes, each with its own claim.</summary>
    private static async Task<IEnumerable<string>> CreateWaveAsync(k8s.Kubernetes admin, int round)
    {
        var names = Enumerable.Range(0, PodsPerWave).Select(i => $"app-{round}-{i}").ToList();
        for (var i = 0; i < names.Count; i++)
        {
            await admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("data-" + names[i], storageClass: i % 2 == 0 ? "local" : "dynamic"), "default");
            await admin.CoreV1.CreateNamespacedPodAsync(Objects.Pod(names[i], "data-" + names[i]), "default");
        }
        return names;
    }
}
