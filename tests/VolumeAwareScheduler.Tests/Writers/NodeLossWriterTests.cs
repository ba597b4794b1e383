using k8s;
using k8s.Models;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Kubernetes.Conversion;
using VolumeAwareScheduler.Kubernetes.Writers;
using VolumeAwareScheduler.Testing.Kubernetes;

namespace VolumeAwareScheduler.Tests.Writers;

/// <summary>
/// The node-loss policy's writes against the emulator over HTTP: a claim is deleted only if it is still the object that
/// was read (uid and resourceVersion preconditions), and the node is looked up on the server.
/// </summary>
public sealed class NodeLossWriterTests : IAsyncLifetime
{
    private ApiEmulator.ApiEmulator _emulator = null!;
    private k8s.Kubernetes _client = null!;
    private NodeLossWriter _writer = null!;

    public async Task InitializeAsync()
    {
        _emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions { EnableControllers = false });
        _client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = _emulator.BaseAddress.ToString() });
        _writer = new NodeLossWriter(_client, new ApiWriter(_client, new ClusterCache(), TimeProvider.System));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task A_claim_changed_since_it_was_read_is_not_deleted()
    {
        var read = Converter.ToClaim(await _client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("data-web-0"), "default"));
        var changed = await _client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data-web-0", "default");
        changed.Metadata.Labels = new Dictionary<string, string> { ["touched"] = "yes" };
        await _client.CoreV1.ReplaceNamespacedPersistentVolumeClaimAsync(changed, "data-web-0", "default");

        Assert.Equal(ClaimReleaseResult.Changed, await _writer.DeleteClaimAsync(read, CancellationToken.None));
        Assert.NotNull(_emulator.Get("persistentvolumeclaims", "default", "data-web-0"));
    }

    [Fact]
    public async Task A_claim_created_again_under_the_same_name_is_not_deleted()
    {
        var read = Converter.ToClaim(await _client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("data-web-0"), "default"));
        await _client.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync("data-web-0", "default");
        var again = await _client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("data-web-0"), "default");

        Assert.Equal(ClaimReleaseResult.Changed, await _writer.DeleteClaimAsync(read with { ResourceVersion = "" }, CancellationToken.None));
        Assert.Equal(again.Metadata.Uid, (string?)_emulator.Get("persistentvolumeclaims", "default", "data-web-0")!["metadata"]!["uid"]);
    }

    [Fact]
    public async Task The_claim_as_read_is_deleted_and_a_second_delete_finds_it_gone()
    {
        var read = Converter.ToClaim(await _client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("data-web-0"), "default"));

        Assert.Equal(ClaimReleaseResult.Deleted, await _writer.DeleteClaimAsync(read, CancellationToken.None));
        Assert.Null(_emulator.Get("persistentvolumeclaims", "default", "data-web-0"));
        Assert.Equal(ClaimReleaseResult.Gone, await _writer.DeleteClaimAsync(read, CancellationToken.None));
    }

    [Fact]
    public async Task The_node_is_looked_up_on_the_server()
    {
        await _client.CoreV1.CreateNodeAsync(Objects.Node("node-a"));

        Assert.True(await _writer.NodeExistsAsync("node-a", CancellationToken.None));
        Assert.False(await _writer.NodeExistsAsync("node-gone", CancellationToken.None));
    }

    [Fact]
    public async Task Events_name_the_claim_and_the_PV_they_are_about()
    {
        var claim = Converter.ToClaim(await _client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("data-web-0"), "default"));
        var volume = Converter.ToVolume(await _client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-a", "node-a")));

        await _writer.RecordEventAsync(NodeLossWriter.ClaimReference(claim), "Warning", "VolumeNodeLost", "about the claim", "volume-aware-scheduler", CancellationToken.None);
        await _writer.RecordEventAsync(NodeLossWriter.VolumeReference(volume), "Warning", "VolumeNodeLost", "about the PV", "volume-aware-scheduler", CancellationToken.None);

        var events = await _client.CoreV1.ListNamespacedEventAsync("default");
        Assert.Equal(
            ["PersistentVolume/pv-a VolumeNodeLost: about the PV", "PersistentVolumeClaim/data-web-0 VolumeNodeLost: about the claim"],
            events.Items.Select(e => $"{e.InvolvedObject.Kind}/{e.InvolvedObject.Name} {e.Reason}: {e.Message}").Order(StringComparer.Ordinal));
        Assert.All(events.Items, e => Assert.Equal("volume-aware-scheduler", e.Source.Component));
    }
}
