using System.Net;
using k8s;
using k8s.Models;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Kubernetes.Conversion;
using VolumeAwareScheduler.Kubernetes.Writers;
using VolumeAwareScheduler.Testing.Kubernetes;

namespace VolumeAwareScheduler.Tests.Writers;

/// <summary>
/// A binding that fails half-way leaves nothing pinned (kubernetes/kubernetes#73263): the writes it made are undone,
/// unless the PV controller has acted on them since. The emulator runs without controllers, so nothing completes a
/// binding behind the writer's back unless the test does.
/// </summary>
public sealed class PartialBindingRollbackTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly ObjectKey PodKey = new("default", "app");
    private ApiEmulator.ApiEmulator _emulator = null!;
    private k8s.Kubernetes _admin = null!;

    public async Task InitializeAsync()
    {
        _emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions { EnableControllers = false });
        _admin = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = _emulator.BaseAddress.ToString() });
        await _admin.CoreV1.CreateNodeAsync(Objects.Node("node-1"));
        await _admin.StorageV1.CreateStorageClassAsync(Objects.LocalClass());
        await _admin.StorageV1.CreateStorageClassAsync(new V1StorageClass { Metadata = new V1ObjectMeta { Name = "dynamic" }, Provisioner = "csi.example.com", VolumeBindingMode = "WaitForFirstConsumer" });
        foreach (var name in new[] { "pv-1", "pv-2" }) await _admin.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume(name, "node-1"));
        foreach (var name in new[] { "data-1", "data-2" }) await _admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim(name), "default");
        foreach (var name in new[] { "new-1", "new-2" }) await _admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim(name, storageClass: "dynamic"), "default");
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _emulator.DisposeAsync();
    }

    /// <summary>The scheduler's writer over a client whose <paramref name="failOn"/>-th PUT to <paramref name="resource"/> answers 409.</summary>
    private async Task<(LiveCluster Cluster, ApiWriter Writer, k8s.Kubernetes Client)> WriterFailingAsync(string resource, int failOn)
    {
        var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = _emulator.BaseAddress.ToString() }, new FailingPut(resource, failOn));
        var cluster = new LiveCluster(client, TimeProvider.System);
        await cluster.Synced.WaitAsync(Patience);
        return (cluster, new ApiWriter(client, cluster.Cache, TimeProvider.System), client);
    }

    private static PodVolumes Static(ClusterCache cache) => cache.Read(static s => new PodVolumes(
        [new BindingInfo(s.GetClaim(new("default", "data-1"))!, s.Volumes.Get("pv-1")!), new BindingInfo(s.GetClaim(new("default", "data-2"))!, s.Volumes.Get("pv-2")!)], []));

    private static PodVolumes Provisioned(ClusterCache cache) => cache.Read(static s => new PodVolumes(
        [], [s.GetClaim(new("default", "new-1"))!, s.GetClaim(new("default", "new-2"))!]));

    [Fact]
    public async Task A_second_static_binding_that_fails_releases_the_first_pv()
    {
        var (cluster, writer, client) = await WriterFailingAsync("persistentvolumes", failOn: 2);
        await using var _ = cluster;
        using var __ = client;

        var outcome = await writer.BindPodVolumesAsync(new PodInfo { Key = PodKey, Uid = "pod-uid" }, "node-1", Static(cluster.Cache), Patience, default);

        Assert.StartsWith("conflict on update persistentvolumes", outcome.Error, StringComparison.Ordinal);

        var pv1 = await _admin.CoreV1.ReadPersistentVolumeAsync("pv-1");
        Assert.Null(pv1.Spec.ClaimRef);
        Assert.False(pv1.Metadata.Annotations?.ContainsKey(Converter.AnnBoundByController) ?? false);
        Assert.Null((await _admin.CoreV1.ReadPersistentVolumeAsync("pv-2")).Spec.ClaimRef);
    }

    [Fact]
    public async Task A_second_provisioning_that_fails_removes_the_first_selected_node()
    {
        var (cluster, writer, client) = await WriterFailingAsync("persistentvolumeclaims", failOn: 2);
        await using var _ = cluster;
        using var __ = client;

        var outcome = await writer.BindPodVolumesAsync(new PodInfo { Key = PodKey, Uid = "pod-uid" }, "node-1", Provisioned(cluster.Cache), Patience, default);

        Assert.StartsWith("conflict on update persistentvolumeclaims", outcome.Error, StringComparison.Ordinal);

        foreach (var name in new[] { "new-1", "new-2" })
        {
            var claim = await _admin.CoreV1.ReadNamespacedPersistentVolumeClaimAsync(name, "default");
            Assert.False(claim.Metadata.Annotations?.ContainsKey(Converter.AnnSelectedNode) ?? false, $"{name} still names a node");
        }
    }

    [Fact]
    public async Task A_write_the_pv_controller_acted_on_since_is_left_to_complete()
    {
        var (cluster, writer, client) = await WriterFailingAsync("persistentvolumes", failOn: 2);
        await using var _ = cluster;
        using var __ = client;
        var volumes = Static(cluster.Cache);
        var prebound = await writer.BindVolumeAsync(volumes.StaticBindings[0], default);
        // The PV controller binds pv-1 (a status update changes its resourceVersion) before the rollback runs.
        var bound = await _admin.CoreV1.ReadPersistentVolumeAsync("pv-1");
        bound.Status = new V1PersistentVolumeStatus { Phase = "Bound" };
        await _admin.CoreV1.ReplacePersistentVolumeStatusAsync(bound, "pv-1");

        await writer.RollBackAsync([prebound], []);

        Assert.Equal("data-1", (await _admin.CoreV1.ReadPersistentVolumeAsync("pv-1")).Spec.ClaimRef?.Name);
    }

    /// <summary>Answers 409 to the n-th PUT on one resource, as an API server does when an object changed under the writer.</summary>
    private sealed class FailingPut(string resource, int failOn) : DelegatingHandler(new HttpClientHandler())
    {
        private int _puts;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Put && request.RequestUri!.AbsolutePath.Contains($"/{resource}/", StringComparison.Ordinal)
                && !request.RequestUri.AbsolutePath.EndsWith("/status", StringComparison.Ordinal) && Interlocked.Increment(ref _puts) == failOn)
            {
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Conflict)
                {
                    Content = new StringContent("""{"kind":"Status","apiVersion":"v1","status":"Failure","message":"the object has been modified","reason":"Conflict","code":409}""",
                        System.Text.Encoding.UTF8, "application/json"),
                });
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}
