using VolumeAwareScheduler.Testing.Kubernetes;
using k8s;
using k8s.Models;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Kubernetes.Cache;

namespace VolumeAwareScheduler.Kubernetes.Tests.Informers;

/// <summary>The informers against the emulator, through KubernetesClient: list, watch, resume, relist on 410.</summary>
public sealed class LiveClusterTests : EmulatorTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Initial_list_then_watch_events_reach_the_cache()
    {
        await Client.CoreV1.CreateNodeAsync(Objects.Node("node-1"));
        await Client.StorageV1.CreateStorageClassAsync(Objects.LocalClass());
        await using var cluster = new LiveCluster(Client, TimeProvider.System);
        await cluster.Synced.WaitAsync(Patience);
        Assert.True(await cluster.Cache.WaitForAsync(c => c.Read(s => s.Nodes.Count == 1 && s.GetStorageClass("local") is not null), Patience, TimeProvider.System, default));

        await Client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-1", "node-1"));
        Assert.True(await cluster.Cache.WaitForAsync(c => c.Read(s => s.Volumes.Get("pv-1") is not null), Patience, TimeProvider.System, default));

        await Client.CoreV1.DeletePersistentVolumeAsync("pv-1");
        Assert.True(await cluster.Cache.WaitForAsync(c => c.Read(s => s.Volumes.Get("pv-1") is null), Patience, TimeProvider.System, default));
    }

    [Fact]
    public async Task Managed_fields_are_not_kept_in_the_cache()
    {
        var listed = Objects.LocalVolume("pv-listed", "node-1");
        listed.Metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubectl", Operation = "Update", ApiVersion = "v1", FieldsType = "FieldsV1" }];
        await Client.CoreV1.CreatePersistentVolumeAsync(listed);
        await using var cluster = new LiveCluster(Client, TimeProvider.System);
        await cluster.Synced.WaitAsync(Patience);
        var watched = Objects.LocalVolume("pv-watched", "node-1");
        watched.Metadata.ManagedFields = listed.Metadata.ManagedFields;
        await Client.CoreV1.CreatePersistentVolumeAsync(watched);
        Assert.True(await cluster.Cache.WaitForAsync(c => c.GetVolumeObject("pv-watched") is not null, Patience, TimeProvider.System, default));

        Assert.NotNull((await Client.CoreV1.ReadPersistentVolumeAsync("pv-listed")).Metadata.ManagedFields);
        Assert.Null(cluster.Cache.GetVolumeObject("pv-listed")!.Metadata.ManagedFields);
        Assert.Null(cluster.Cache.GetVolumeObject("pv-watched")!.Metadata.ManagedFields);
    }

    [Fact]
    public async Task Dropped_watch_resumes_and_sees_changes_made_meanwhile()
    {
        await using var cluster = new LiveCluster(Client, TimeProvider.System);
        await cluster.Synced.WaitAsync(Patience);

        Emulator.Faults.DropWatches();
        await Client.CoreV1.CreateNodeAsync(Objects.Node("node-late"));

        Assert.True(await cluster.Cache.WaitForAsync(c => c.Read(s => s.GetNode("node-late") is not null), Patience, TimeProvider.System, default));
    }

    [Fact]
    public async Task Compaction_forces_a_relist_that_drops_objects_deleted_while_away()
    {
        await Client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-stays", "node-1"));
        await Client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-goes", "node-1"));
        await using var cluster = new LiveCluster(Client, TimeProvider.System);
        await cluster.Synced.WaitAsync(Patience);
        Assert.True(await cluster.Cache.WaitForAsync(c => c.Read(s => s.Volumes.Count == 2), Patience, TimeProvider.System, default));

        // While the watches are down, one PV goes and history is compacted: resuming must fail with 410 and relist.
        Emulator.Faults.DropWatches();
        await Client.CoreV1.DeletePersistentVolumeAsync("pv-goes");
        await Client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-new", "node-1"));
        Emulator.Faults.Compact();

        Assert.True(await cluster.Cache.WaitForAsync(
            c => c.Read(s => s.Volumes.Get("pv-goes") is null && s.Volumes.Get("pv-new") is not null && s.Volumes.Get("pv-stays") is not null),
            Patience, TimeProvider.System, default));
    }
}
