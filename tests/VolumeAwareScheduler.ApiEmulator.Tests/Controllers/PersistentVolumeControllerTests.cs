using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Controllers;

public sealed class PersistentVolumeControllerTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static string? Phase(JsonObject obj) => (string?)obj["status"]?["phase"];

    [Fact]
    public async Task New_claims_are_Pending_and_free_volumes_Available()
    {
        await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Make.Claim("c1", storageClass: "wffc"), "default");
        await _cluster.Client.StorageV1.CreateStorageClassAsync(Make.StorageClass("wffc"));
        await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(Make.Volume("pv-1", storageClass: "wffc"));

        await _cluster.WaitForAsync("pvc", "default", "c1", c => Phase(c) == "Pending");
        await _cluster.WaitForAsync("pv", null, "pv-1", v => Phase(v) == "Available");
    }

    [Fact]
    public async Task ClaimRef_on_a_volume_completes_the_bind_on_both_sides()
    {
        await _cluster.Client.StorageV1.CreateStorageClassAsync(Make.StorageClass("local"));
        var claim = await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Make.Claim("data", storageClass: "local"), "default");
        var claimRef = new V1ObjectReference { Kind = "PersistentVolumeClaim", NamespaceProperty = "default", Name = "data", Uid = claim.Metadata.Uid };
        await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(Make.Volume("pv-1", capacity: "8Gi", storageClass: "local", claimRef: claimRef));

        var bound = await _cluster.WaitForAsync("pvc", "default", "data", c => Phase(c) == "Bound");

        Assert.Equal("pv-1", (string?)bound["spec"]!["volumeName"]);
        Assert.Equal("yes", (string?)bound["metadata"]!["annotations"]!["pv.kubernetes.io/bind-completed"]);
        Assert.Equal("yes", (string?)bound["metadata"]!["annotations"]!["pv.kubernetes.io/bound-by-controller"]);
        Assert.Equal("8Gi", (string?)bound["status"]!["capacity"]!["storage"]);
        Assert.Equal("ReadWriteOnce", (string?)bound["status"]!["accessModes"]![0]);
        await _cluster.WaitForAsync("pv", null, "pv-1", v => Phase(v) == "Bound");
    }

    [Fact]
    public async Task Immediate_claim_binds_the_smallest_matching_available_volume()
    {
        await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(Make.Volume("pv-small", capacity: "3Gi"));
        await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(Make.Volume("pv-large", capacity: "20Gi"));
        await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(Make.Volume("pv-fit", capacity: "10Gi"));
        await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(Make.Volume("pv-other-class", capacity: "6Gi", storageClass: "other"));
        foreach (var name in new[] { "pv-small", "pv-large", "pv-fit" })
        {
            await _cluster.WaitForAsync("pv", null, name, v => Phase(v) == "Available");
        }

        await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Make.Claim("c1", request: "5Gi"), "default");

        var bound = await _cluster.WaitForAsync("pvc", "default", "c1", c => Phase(c) == "Bound");
        Assert.Equal("pv-fit", (string?)bound["spec"]!["volumeName"]);
        var volume = await _cluster.WaitForAsync("pv", null, "pv-fit", v => Phase(v) == "Bound");
        Assert.Equal(bound["metadata"]!["uid"]!.ToString(), (string?)volume["spec"]!["claimRef"]!["uid"]);
    }

    [Fact]
    public async Task WaitForFirstConsumer_claim_is_left_for_the_scheduler()
    {
        await _cluster.Client.StorageV1.CreateStorageClassAsync(Make.StorageClass("local"));
        await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(Make.Volume("pv-1", storageClass: "local"));
        await _cluster.WaitForAsync("pv", null, "pv-1", v => Phase(v) == "Available");
        await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Make.Claim("c1", storageClass: "local"), "default");
        await _cluster.WaitForAsync("pvc", "default", "c1", c => Phase(c) == "Pending");

        // A later write through the same loop proves the controller has handled the claim without binding it.
        await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(Make.Volume("pv-marker", storageClass: "marker"));
        await _cluster.WaitForAsync("pv", null, "pv-marker", v => Phase(v) == "Available");

        Assert.Null(_cluster.Emulator.Get("pvc", "default", "c1")!["spec"]!["volumeName"]);
        Assert.Null(_cluster.Emulator.Get("pv", null, "pv-1")!["spec"]!["claimRef"]);
    }

    [Fact]
    public async Task Deleting_a_bound_claim_releases_its_static_volume()
    {
        await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(Make.Volume("pv-1"));
        await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Make.Claim("c1"), "default");
        await _cluster.WaitForAsync("pvc", "default", "c1", c => Phase(c) == "Bound");

        await _cluster.Client.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync("c1", "default");

        await _cluster.WaitForAsync("pv", null, "pv-1", v => Phase(v) == "Released");
    }

    [Fact]
    public async Task Volume_prebound_before_its_claim_exists_is_bound_when_the_claim_appears()
    {
        await _cluster.Client.StorageV1.CreateStorageClassAsync(Make.StorageClass("local"));
        var claimRef = new V1ObjectReference { Kind = "PersistentVolumeClaim", NamespaceProperty = "default", Name = "late" };
        await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(Make.Volume("pv-a", storageClass: "local"));
        await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(Make.Volume("pv-prebound", storageClass: "local", claimRef: claimRef));
        await _cluster.WaitForAsync("pv", null, "pv-prebound", v => Phase(v) == "Available");

        await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Make.Claim("late", storageClass: "local"), "default");

        var bound = await _cluster.WaitForAsync("pvc", "default", "late", c => Phase(c) == "Bound");
        Assert.Equal("pv-prebound", (string?)bound["spec"]!["volumeName"]);
        Assert.Null(_cluster.Emulator.Get("pv", null, "pv-a")!["spec"]!["claimRef"]);
    }

    [Fact]
    public async Task A_claimRef_moved_to_another_claim_no_longer_binds_the_first_one()
    {
        await _cluster.Client.StorageV1.CreateStorageClassAsync(Make.StorageClass("local"));
        var first = new V1ObjectReference { Kind = "PersistentVolumeClaim", NamespaceProperty = "default", Name = "first" };
        var volume = await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(Make.Volume("pv-1", storageClass: "local", claimRef: first));
        await _cluster.WaitForAsync("pv", null, "pv-1", v => Phase(v) == "Available");
        volume = await _cluster.Client.CoreV1.ReadPersistentVolumeAsync("pv-1");
        volume.Spec.ClaimRef = new V1ObjectReference { Kind = "PersistentVolumeClaim", NamespaceProperty = "default", Name = "second" };
        await _cluster.Client.CoreV1.ReplacePersistentVolumeAsync(volume, "pv-1");

        await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Make.Claim("first", storageClass: "local"), "default");
        await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Make.Claim("second", storageClass: "local"), "default");

        var bound = await _cluster.WaitForAsync("pvc", "default", "second", c => Phase(c) == "Bound");
        Assert.Equal("pv-1", (string?)bound["spec"]!["volumeName"]);
        var firstClaim = await _cluster.WaitForAsync("pvc", "default", "first", c => Phase(c) == "Pending");
        Assert.Null(firstClaim["spec"]!["volumeName"]);
    }
}
