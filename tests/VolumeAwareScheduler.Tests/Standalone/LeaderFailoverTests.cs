using VolumeAwareScheduler.Testing.Kubernetes;
using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Logging.Abstractions;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Standalone;

namespace VolumeAwareScheduler.Tests.Standalone;

/// <summary>Two replicas on one Lease: only the leader schedules; when it stops, the standby takes over; no double binding.</summary>
public sealed class LeaderFailoverTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Standby_takes_over_when_the_leader_stops_and_nothing_is_bound_twice()
    {
        await using var emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions());
        using var admin = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        await admin.CoreV1.CreateNodeAsync(Objects.Node("node-1"));
        await admin.StorageV1.CreateStorageClassAsync(Objects.LocalClass());
        await admin.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-1", "node-1"));
        await admin.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-2", "node-1"));
        await admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("c1"), "default");
        await admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("c2"), "default");

        var a = await Replica.StartAsync(emulator, "replica-a");
        var b = await Replica.StartAsync(emulator, "replica-b");
        using var wait = new CancellationTokenSource(Patience);
        var lease = await emulator.WaitForAsync("leases", "kube-system", "volume-aware-scheduler",
            l => l["spec"]?["holderIdentity"]?.GetValue<string>() is "replica-a" or "replica-b", wait.Token);
        var (leader, standby) = lease["spec"]!["holderIdentity"]!.GetValue<string>() == "replica-a" ? (a, b) : (b, a);

        await admin.CoreV1.CreateNamespacedPodAsync(Objects.Pod("first", "c1"), "default");
        await emulator.WaitForAsync("pods", "default", "first", p => p["spec"]?["nodeName"] is not null, wait.Token);
        Assert.False(standby.Elected.IsLeading);

        await leader.DisposeAsync(); // the leader goes away without releasing the lease
        await emulator.WaitForAsync("leases", "kube-system", "volume-aware-scheduler",
            l => l["spec"]?["holderIdentity"]?.GetValue<string>() == standby.Identity, wait.Token);
        await admin.CoreV1.CreateNamespacedPodAsync(Objects.Pod("second", "c2"), "default");
        await emulator.WaitForAsync("pods", "default", "second", p => p["spec"]?["nodeName"] is not null, wait.Token);
        await standby.DisposeAsync();

        var c1 = await admin.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("c1", "default");
        var c2 = await admin.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("c2", "default");
        Assert.Equal(new[] { "pv-1", "pv-2" }, new[] { c1.Spec.VolumeName, c2.Spec.VolumeName }.Order(StringComparer.Ordinal));
        var scheduled = (await admin.CoreV1.ListNamespacedEventAsync("default")).Items.Where(e => e.Reason == "Scheduled").Select(e => e.InvolvedObject.Name).ToList();
        Assert.Equal(new[] { "first", "second" }, scheduled.Order(StringComparer.Ordinal)); // each pod bound exactly once
    }

    private sealed class Replica : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private k8s.Kubernetes _client = null!;
        private StandaloneRunner _runner = null!;
        private Task _run = null!;

        public string Identity { get; private init; } = "";

        public LeaderElectedRunner Elected { get; private set; } = null!;

        public static Task<Replica> StartAsync(ApiEmulator.ApiEmulator emulator, string identity)
        {
            var replica = new Replica { Identity = identity };
            replica._client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
            replica._runner = new StandaloneRunner(replica._client, new StandaloneOptions(), TimeProvider.System, NullLoggerFactory.Instance);
            var election = new LeaderElectionConfig(new LeaseLock(replica._client, "kube-system", "volume-aware-scheduler", identity))
            {
                LeaseDuration = TimeSpan.FromSeconds(2),
                RenewDeadline = TimeSpan.FromSeconds(1.5),
                RetryPeriod = TimeSpan.FromMilliseconds(200),
            };
            replica.Elected = new LeaderElectedRunner(replica._runner, election, identity, NullLogger.Instance);
            replica._run = replica.Elected.RunAsync(replica._stop.Token);
            return Task.FromResult(replica);
        }

        public async ValueTask DisposeAsync()
        {
            if (_stop.IsCancellationRequested) return;
            await _stop.CancelAsync();
            await _run;
            await _runner.DisposeAsync();
            _client.Dispose();
        }
    }
}
