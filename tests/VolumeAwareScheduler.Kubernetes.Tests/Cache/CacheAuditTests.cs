using k8s;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Kubernetes.Informers;
using VolumeAwareScheduler.Testing.Kubernetes;

namespace VolumeAwareScheduler.Kubernetes.Tests.Cache;

/// <summary>The periodic audit: a cache that drifted from the server is repaired by a fresh list, and the drift counted.</summary>
public sealed class CacheAuditTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private ApiEmulator.ApiEmulator _emulator = null!;
    private k8s.Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions { EnableControllers = false });
        _client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = _emulator.BaseAddress.ToString() });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task An_object_the_server_does_not_have_and_one_it_has_at_another_version_are_repaired_and_counted()
    {
        await _client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-real", "node-1"));
        // Every watch ends after a second and, the audit period being zero, is followed by an audit list.
        var options = new InformerOptions { WatchTimeout = TimeSpan.FromSeconds(1), AuditPeriod = TimeSpan.Zero };
        await using var cluster = new LiveCluster(_client, TimeProvider.System, options);
        await cluster.Synced.WaitAsync(Patience);

        // Drift, as a lost delete and a misapplied update would leave it: a PV the server never had, and the real PV
        // held at a version the server never served.
        var phantom = Objects.LocalVolume("pv-phantom", "node-1");
        phantom.Metadata.ResourceVersion = "1";
        var stale = await _client.CoreV1.ReadPersistentVolumeAsync("pv-real");
        stale.Metadata.ResourceVersion = "999999";
        cluster.Cache.Apply(new InformerEvent(ResourceKind.PersistentVolume, InformerEventType.Upsert, [phantom, stale]));

        var repaired = await cluster.Cache.WaitForAsync(c => c.Read(s => s.Volumes.Get("pv-phantom") is null && s.Volumes.Get("pv-real")?.ResourceVersion != "999999"),
            Patience, TimeProvider.System, default);

        Assert.True(repaired, "the audit did not repair the cache");
        Assert.Equal(2, cluster.Cache.Divergences.GetValueOrDefault(ResourceKind.PersistentVolume));
        Assert.Null(cluster.Cache.GetVolumeObject("pv-phantom"));
    }

    [Fact]
    public async Task A_cache_in_step_with_the_server_counts_no_divergence()
    {
        await _client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-real", "node-1"));
        var options = new InformerOptions { WatchTimeout = TimeSpan.FromSeconds(1), AuditPeriod = TimeSpan.Zero };
        await using var cluster = new LiveCluster(_client, TimeProvider.System, options);
        await cluster.Synced.WaitAsync(Patience);

        await cluster.Cache.WaitForAsync(_ => cluster.Audits >= ResourceKinds.All.Count * 2, Patience, TimeProvider.System, default);

        Assert.True(cluster.Audits >= ResourceKinds.All.Count * 2, $"only {cluster.Audits} audits ran");
        Assert.Empty(cluster.Cache.Divergences);
    }
}
