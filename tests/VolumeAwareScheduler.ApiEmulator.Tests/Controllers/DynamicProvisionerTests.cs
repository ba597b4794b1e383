using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Controllers;

public sealed class DynamicProvisionerTests : IAsyncLifetime
{
    private const string Driver = "csi.example.com";
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync();
        await _cluster.Client.CoreV1.CreateNodeAsync(Make.Node("node-1", new Dictionary<string, string> { ["kubernetes.io/hostname"] = "host-1", ["zone"] = "a" }));
        await _cluster.Client.StorageV1.CreateStorageClassAsync(Make.StorageClass("csi", provisioner: Driver));
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static Dictionary<string, string> SelectedNode(string node) => new() { ["volume.kubernetes.io/selected-node"] = node };

    [Fact]
    public async Task Provisioned_volume_carries_the_claims_attributes_class_and_binds()
    {
        // external-provisioner copies spec.volumeAttributesClassName: without it the PV controller (v1.34+) would not bind.
        var request = Make.Claim("fast", request: "5Gi", storageClass: "csi", annotations: SelectedNode("node-1"));
        request.Spec.VolumeAttributesClassName = "gold";
        var claim = await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(request, "default");

        var bound = await _cluster.WaitForAsync("pvc", "default", "fast", c => (string?)c["status"]?["phase"] == "Bound");

        Assert.Equal("pvc-" + claim.Metadata.Uid, (string?)bound["spec"]!["volumeName"]);
        Assert.Equal("gold", (await _cluster.Client.CoreV1.ReadPersistentVolumeAsync("pvc-" + claim.Metadata.Uid)).Spec.VolumeAttributesClassName);
    }

    [Fact]
    public async Task Selected_node_claim_gets_a_pinned_volume_and_binds()
    {
        var claim = await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(
            Make.Claim("data", request: "5Gi", storageClass: "csi", annotations: SelectedNode("node-1")), "default");

        var bound = await _cluster.WaitForAsync("pvc", "default", "data", c => (string?)c["status"]?["phase"] == "Bound");

        var volumeName = "pvc-" + claim.Metadata.Uid;
        Assert.Equal(volumeName, (string?)bound["spec"]!["volumeName"]);
        var volume = await _cluster.Client.CoreV1.ReadPersistentVolumeAsync(volumeName);
        Assert.Equal(Driver, volume.Metadata.Annotations["pv.kubernetes.io/provisioned-by"]);
        Assert.Equal("5Gi", volume.Spec.Capacity["storage"].ToString());
        Assert.Equal("csi", volume.Spec.StorageClassName);
        Assert.Equal(claim.Metadata.Uid, volume.Spec.ClaimRef.Uid);
        var term = Assert.Single(volume.Spec.NodeAffinity.Required.NodeSelectorTerms);
        var expression = Assert.Single(term.MatchExpressions);
        Assert.Equal(("kubernetes.io/hostname", "In"), (expression.Key, expression.OperatorProperty));
        Assert.Equal(["host-1"], expression.Values);
        Assert.Equal(Driver, volume.Spec.Csi.Driver);
    }

    [Fact]
    public async Task With_a_provisioning_delay_the_volume_comes_only_once_the_delay_has_passed()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
        await using var cluster = await TestCluster.StartAsync(o => { o.TimeProvider = time; o.EnableKubelet = false; o.ProvisioningDelay = TimeSpan.FromSeconds(5); });
        await cluster.Client.CoreV1.CreateNodeAsync(Make.Node("node-1"));
        await cluster.Client.StorageV1.CreateStorageClassAsync(Make.StorageClass("csi", provisioner: Driver));
        await cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Make.Claim("data", request: "5Gi", storageClass: "csi", annotations: SelectedNode("node-1")), "default");
        // The controllers handle changes in order on one loop: once the PV controller has marked a later claim Pending,
        // the provisioner has seen the first one (at the fake clock's start).
        await cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Make.Claim("barrier", storageClass: "csi"), "default");
        await cluster.WaitForAsync("pvc", "default", "barrier", c => (string?)c["status"]?["phase"] == "Pending");

        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Empty(cluster.Emulator.List("pv"));
        time.Advance(TimeSpan.FromSeconds(1));

        var bound = await cluster.WaitForAsync("pvc", "default", "data", c => (string?)c["status"]?["phase"] == "Bound");
        Assert.StartsWith("pvc-", (string?)bound["spec"]!["volumeName"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Claim_without_selected_node_waits()
    {
        await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Make.Claim("data", storageClass: "csi"), "default");
        await _cluster.WaitForAsync("pvc", "default", "data", c => (string?)c["status"]?["phase"] == "Pending");
        await _cluster.Client.CoreV1.CreateNodeAsync(Make.Node("marker"));
        await _cluster.WaitForAsync("pvc", "default", "data", c => (string?)c["status"]?["phase"] == "Pending");

        Assert.Empty(_cluster.Emulator.List("pv"));
    }

    [Fact]
    public async Task Storage_capacity_is_checked_and_consumed()
    {
        await _cluster.Client.StorageV1.CreateCSIDriverAsync(new V1CSIDriver
        {
            Metadata = new V1ObjectMeta { Name = Driver },
            Spec = new V1CSIDriverSpec { StorageCapacity = true },
        });
        await _cluster.Client.StorageV1.CreateNamespacedCSIStorageCapacityAsync(new V1CSIStorageCapacity
        {
            Metadata = new V1ObjectMeta { Name = "cap-node-1", NamespaceProperty = "kube-system" },
            StorageClassName = "csi",
            NodeTopology = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = "host-1" } },
            Capacity = new ResourceQuantity("8Gi"),
        }, "kube-system");

        await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(
            Make.Claim("first", request: "5Gi", storageClass: "csi", annotations: SelectedNode("node-1")), "default");
        await _cluster.WaitForAsync("pvc", "default", "first", c => (string?)c["status"]?["phase"] == "Bound");
        Assert.Equal("3Gi", (string?)_cluster.Emulator.Get("csistoragecapacities", "kube-system", "cap-node-1")!["capacity"]);

        var second = await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(
            Make.Claim("second", request: "5Gi", storageClass: "csi", annotations: SelectedNode("node-1")), "default");

        var failure = await WaitForEventAsync("second", "ProvisioningFailed");
        Assert.Equal("Warning", (string?)failure["type"]);
        Assert.Null(_cluster.Emulator.Get("pv", null, "pvc-" + second.Metadata.Uid));
        Assert.Equal("3Gi", (string?)_cluster.Emulator.Get("csistoragecapacities", "kube-system", "cap-node-1")!["capacity"]);
    }

    private async Task<JsonObject> WaitForEventAsync(string involvedName, string reason)
    {
        using var deadline = new CancellationTokenSource(TestCluster.Timeout);
        await foreach (var (type, item) in _cluster.Client.CoreV1.WatchListNamespacedEventAsync(
            "default", fieldSelector: $"involvedObject.name={involvedName},reason={reason}", onError: null, cancellationToken: deadline.Token))
        {
            if (type == WatchEventType.Added)
            {
                return Make.Json(item);
            }
        }

        throw new TimeoutException($"no {reason} event for {involvedName}");
    }
}
