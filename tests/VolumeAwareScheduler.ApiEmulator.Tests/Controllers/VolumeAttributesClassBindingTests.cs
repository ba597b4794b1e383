using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Controllers;

/// <summary>
/// The PV controller with VolumeAttributesClass (GA and on by default since Kubernetes v1.34): a claim binds only to a
/// volume of its own class (unset = ""). The first two cases are the gate-enabled rows of
/// pkg/controller/volume/persistentvolume/binder_test.go TestSync ("2-11", "2-12"), with upstream's names.
/// </summary>
public sealed class VolumeAttributesClassBindingTests : IAsyncLifetime
{
    private const string ClassGold = "gold";
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static string? Phase(JsonObject obj) => (string?)obj["status"]?["phase"];

    private static V1PersistentVolume Volume(string name, string? attributesClass, V1ObjectReference? claimRef = null)
    {
        var volume = Make.Volume(name, capacity: "1Gi", storageClass: "", claimRef: claimRef);
        volume.Spec.VolumeAttributesClassName = attributesClass;
        return volume;
    }

    private static V1PersistentVolumeClaim Claim(string name, string? attributesClass, string? volumeName = null)
    {
        var claim = Make.Claim(name, request: "1Gi", storageClass: "");
        claim.Spec.VolumeAttributesClassName = attributesClass;
        claim.Spec.VolumeName = volumeName;
        return claim;
    }

    [Fact]
    public async Task Claim_prebound_to_unbound_volume_that_volume_attributes_class_is_different_stays_Pending()
    {
        // "2-11 - claim prebound to unbound volume that volume attributes class is different": the volume is left as it
        // was, the claim is (re)set to Pending, and a Warning VolumeMismatch event says why.
        await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(Volume("volume2-11", ClassGold));
        await _cluster.WaitForAsync("pv", null, "volume2-11", v => Phase(v) == "Available");

        await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("claim2-11", attributesClass: null, volumeName: "volume2-11"), "default");

        var mismatch = await WaitForEventAsync("claim2-11", "VolumeMismatch");
        Assert.Equal("Warning", (string?)mismatch["type"]);
        Assert.Equal("Cannot bind to requested volume \"volume2-11\": volumeAttributesClassName does not match", (string?)mismatch["message"]);
        await _cluster.WaitForAsync("pvc", "default", "claim2-11", c => Phase(c) == "Pending");
        var volume = _cluster.Emulator.Get("pv", null, "volume2-11")!;
        Assert.Null(volume["spec"]!["claimRef"]);
        Assert.Equal("Available", Phase(volume));
    }

    [Fact]
    public async Task Claim_prebound_to_unbound_volume_that_volume_attributes_class_is_same_is_bound()
    {
        // "2-12 - claim prebound to unbound volume that volume attributes class is same": bound on both sides.
        await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(Volume("volume2-12", ClassGold));
        await _cluster.WaitForAsync("pv", null, "volume2-12", v => Phase(v) == "Available");

        var claim = await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("claim2-12", ClassGold, volumeName: "volume2-12"), "default");

        var bound = await _cluster.WaitForAsync("pvc", "default", "claim2-12", c => Phase(c) == "Bound");
        Assert.Equal("yes", (string?)bound["metadata"]!["annotations"]!["pv.kubernetes.io/bind-completed"]);
        var volume = await _cluster.WaitForAsync("pv", null, "volume2-12", v => Phase(v) == "Bound");
        Assert.Equal(claim.Metadata.Uid, (string?)volume["spec"]!["claimRef"]!["uid"]);
        Assert.Equal("yes", (string?)volume["metadata"]!["annotations"]!["pv.kubernetes.io/bound-by-controller"]);
    }

    [Fact]
    public async Task Immediate_claim_binds_the_smallest_volume_of_its_own_attributes_class()
    {
        await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(Make.Volume("pv-unset", capacity: "5Gi"));
        var silver = Make.Volume("pv-silver", capacity: "6Gi");
        silver.Spec.VolumeAttributesClassName = "silver";
        await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(silver);
        var gold = Make.Volume("pv-gold", capacity: "20Gi");
        gold.Spec.VolumeAttributesClassName = ClassGold;
        await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(gold);
        foreach (var name in new[] { "pv-unset", "pv-silver", "pv-gold" })
        {
            await _cluster.WaitForAsync("pv", null, name, v => Phase(v) == "Available");
        }

        var claim = Make.Claim("wants-gold", request: "5Gi");
        claim.Spec.VolumeAttributesClassName = ClassGold;
        await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(claim, "default");

        var bound = await _cluster.WaitForAsync("pvc", "default", "wants-gold", c => Phase(c) == "Bound");
        Assert.Equal("pv-gold", (string?)bound["spec"]!["volumeName"]);
    }

    [Fact]
    public async Task Volume_prebound_by_claimRef_with_another_attributes_class_is_skipped()
    {
        // FindMatchingVolume checks the VolumeAttributesClass before it takes a prebound volume: the claim gets the free
        // volume of its class instead.
        var claimRef = new V1ObjectReference { Kind = "PersistentVolumeClaim", NamespaceProperty = "default", Name = "data" };
        await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(Volume("pv-prebound-silver", "silver", claimRef));
        await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(Volume("pv-free-gold", ClassGold));
        await _cluster.WaitForAsync("pv", null, "pv-free-gold", v => Phase(v) == "Available");

        await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("data", ClassGold), "default");

        var bound = await _cluster.WaitForAsync("pvc", "default", "data", c => Phase(c) == "Bound");
        Assert.Equal("pv-free-gold", (string?)bound["spec"]!["volumeName"]);
    }

    [Fact]
    public async Task A_volume_prebound_to_a_waiting_claim_of_another_attributes_class_is_not_bound_by_its_own_sync()
    {
        // syncVolume leaves a volume pre-bound to a pending claim to syncClaim, whose FindMatchingVolume skips it here.
        await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("data", ClassGold), "default");
        await _cluster.WaitForAsync("pvc", "default", "data", c => Phase(c) == "Pending");
        var claimRef = new V1ObjectReference { Kind = "PersistentVolumeClaim", NamespaceProperty = "default", Name = "data" };
        await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(Volume("pv-prebound-silver", "silver", claimRef));

        // A later write through the same loop proves the controller has handled the volume.
        await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(Make.Volume("pv-marker", storageClass: "marker"));
        await _cluster.WaitForAsync("pv", null, "pv-marker", v => Phase(v) == "Available");

        Assert.Null(_cluster.Emulator.Get("pvc", "default", "data")!["spec"]!["volumeName"]);
        Assert.NotEqual("Bound", Phase(_cluster.Emulator.Get("pv", null, "pv-prebound-silver")!));
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
