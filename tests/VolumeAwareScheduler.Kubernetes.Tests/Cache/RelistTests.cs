using k8s;
using k8s.Models;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Kubernetes.Informers;
using VolumeAwareScheduler.Testing.Kubernetes;

namespace VolumeAwareScheduler.Kubernetes.Tests.Cache;

/// <summary>
/// Every registered kind (<see cref="ResourceKinds.All"/>): an object deleted while the watches are down, with the
/// history compacted so that resuming fails with 410, is gone from the cache after the relist; one that stays, stays.
/// And the periodic audit: a cache that drifted from the server is repaired by a fresh list, and the drift counted.
/// </summary>
public sealed class RelistTests : EmulatorTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan AuditPatience = TimeSpan.FromSeconds(30);

    /// <summary>Per kind: create an object named <c>name</c>, delete it.</summary>
    private static readonly Dictionary<ResourceKind, (Func<IKubernetes, string, Task> Create, Func<IKubernetes, string, Task> Delete)> Ops = new()
    {
        [ResourceKind.Node] = ((c, n) => c.CoreV1.CreateNodeAsync(Objects.Node(n)), (c, n) => c.CoreV1.DeleteNodeAsync(n)),
        [ResourceKind.PersistentVolume] = ((c, n) => c.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume(n, "node-x")), (c, n) => c.CoreV1.DeletePersistentVolumeAsync(n)),
        [ResourceKind.PersistentVolumeClaim] = ((c, n) => c.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim(n), "default"),
            (c, n) => c.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync(n, "default")),
        [ResourceKind.Pod] = ((c, n) => c.CoreV1.CreateNamespacedPodAsync(Objects.Pod(n, claim: null), "default"), (c, n) => c.CoreV1.DeleteNamespacedPodAsync(n, "default")),
        [ResourceKind.StorageClass] = ((c, n) => c.StorageV1.CreateStorageClassAsync(Objects.LocalClass(n)), (c, n) => c.StorageV1.DeleteStorageClassAsync(n)),
        [ResourceKind.CSIDriver] = ((c, n) => c.StorageV1.CreateCSIDriverAsync(new V1CSIDriver { Metadata = new V1ObjectMeta { Name = n }, Spec = new V1CSIDriverSpec { StorageCapacity = true } }),
            (c, n) => c.StorageV1.DeleteCSIDriverAsync(n)),
        [ResourceKind.CSINode] = ((c, n) => c.StorageV1.CreateCSINodeAsync(new V1CSINode { Metadata = new V1ObjectMeta { Name = n }, Spec = new V1CSINodeSpec { Drivers = [new V1CSINodeDriver { Name = "ebs.csi.aws.com", NodeID = n, Allocatable = new V1VolumeNodeResources { Count = 3 } }] } }),
            (c, n) => c.StorageV1.DeleteCSINodeAsync(n)),
        [ResourceKind.CSIStorageCapacity] = ((c, n) => c.StorageV1.CreateNamespacedCSIStorageCapacityAsync(
                new V1CSIStorageCapacity { Metadata = new V1ObjectMeta { Name = n, NamespaceProperty = "default" }, StorageClassName = "local", Capacity = new ResourceQuantity("10Gi") }, "default"),
            (c, n) => c.StorageV1.DeleteNamespacedCSIStorageCapacityAsync(n, "default")),
        [ResourceKind.Namespace] = ((c, n) => c.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = n } }),
            (c, n) => c.CoreV1.DeleteNamespaceAsync(n)),
        [ResourceKind.Service] = ((c, n) => c.CoreV1.CreateNamespacedServiceAsync(
                new V1Service { Metadata = new V1ObjectMeta { Name = n }, Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = n }, Ports = [new V1ServicePort { Port = 80 }] } }, "default"),
            (c, n) => c.CoreV1.DeleteNamespacedServiceAsync(n, "default")),
        [ResourceKind.ReplicationController] = ((c, n) => c.CoreV1.CreateNamespacedReplicationControllerAsync(
                new V1ReplicationController { Metadata = new V1ObjectMeta { Name = n }, Spec = new V1ReplicationControllerSpec { Selector = new Dictionary<string, string> { ["app"] = n } } }, "default"),
            (c, n) => c.CoreV1.DeleteNamespacedReplicationControllerAsync(n, "default")),
        [ResourceKind.ReplicaSet] = ((c, n) => c.AppsV1.CreateNamespacedReplicaSetAsync(
                new V1ReplicaSet { Metadata = new V1ObjectMeta { Name = n }, Spec = new V1ReplicaSetSpec { Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = n } } } }, "default"),
            (c, n) => c.AppsV1.DeleteNamespacedReplicaSetAsync(n, "default")),
        [ResourceKind.StatefulSet] = ((c, n) => c.AppsV1.CreateNamespacedStatefulSetAsync(
                new V1StatefulSet { Metadata = new V1ObjectMeta { Name = n }, Spec = new V1StatefulSetSpec { Replicas = 0, Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = n } } } }, "default"),
            (c, n) => c.AppsV1.DeleteNamespacedStatefulSetAsync(n, "default")),
        [ResourceKind.PodDisruptionBudget] = ((c, n) => c.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(
                new V1PodDisruptionBudget { Metadata = new V1ObjectMeta { Name = n }, Spec = new V1PodDisruptionBudgetSpec { MinAvailable = 1, Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = n } } } }, "default"),
            (c, n) => c.PolicyV1.DeleteNamespacedPodDisruptionBudgetAsync(n, "default")),
    };

    [Fact]
    public void Every_registered_kind_is_covered_here() =>
        Assert.Equal(ResourceKinds.All.Select(k => k.Kind).Order(), Ops.Keys.Order());

    [Fact]
    public async Task A_relist_removes_what_was_deleted_while_the_watches_were_down_for_every_kind()
    {
        foreach (var (create, _) in Ops.Values)
        {
            await create(Client, "stays");
            await create(Client, "goes");
        }
        await using var cluster = new LiveCluster(Client, TimeProvider.System);
        await cluster.Synced.WaitAsync(Patience);
        Assert.True(await cluster.Cache.WaitForAsync(c => c.Read(s => ResourceKinds.All.All(k => Names(k, s).SetEquals(["goes", "stays"]))), Patience, TimeProvider.System, default),
            Describe(cluster));

        Emulator.Faults.DropWatches();
        foreach (var (_, delete) in Ops.Values) await delete(Client, "goes");
        Emulator.Faults.Compact();

        Assert.True(await cluster.Cache.WaitForAsync(c => c.Read(s => ResourceKinds.All.All(k => Names(k, s).SetEquals(["stays"]))), Patience, TimeProvider.System, default),
            Describe(cluster));
        Assert.Null(cluster.Cache.GetVolumeObject("goes"));
        Assert.Null(cluster.Cache.GetClaimObject(new ObjectKey("default", "goes")));
        Assert.Null(cluster.Cache.GetPodObject(new ObjectKey("default", "goes")));
        Assert.NotNull(cluster.Cache.GetPodObject(new ObjectKey("default", "stays")));
    }

    [Fact]
    public async Task An_object_the_server_does_not_have_and_one_it_has_at_another_version_are_repaired_and_counted()
    {
        await Client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-real", "node-1"));
        // Every watch ends after a second and, the audit period being zero, is followed by an audit list.
        var options = new InformerOptions { WatchTimeout = TimeSpan.FromSeconds(1), AuditPeriod = TimeSpan.Zero };
        await using var cluster = new LiveCluster(Client, TimeProvider.System, options);
        await cluster.Synced.WaitAsync(AuditPatience);

        // Drift, as a lost delete and a misapplied update would leave it: a PV the server never had, and the real PV
        // held at a version the server never served.
        var phantom = Objects.LocalVolume("pv-phantom", "node-1");
        phantom.Metadata.ResourceVersion = "1";
        var stale = await Client.CoreV1.ReadPersistentVolumeAsync("pv-real");
        stale.Metadata.ResourceVersion = "999999";
        cluster.Cache.Apply(new InformerEvent(ResourceKind.PersistentVolume, InformerEventType.Upsert, [phantom, stale]));

        var repaired = await cluster.Cache.WaitForAsync(c => c.Read(s => s.Volumes.Get("pv-phantom") is null && s.Volumes.Get("pv-real")?.ResourceVersion != "999999"),
            AuditPatience, TimeProvider.System, default);

        Assert.True(repaired, "the audit did not repair the cache");
        Assert.Equal(2, cluster.Cache.Divergences.GetValueOrDefault(ResourceKind.PersistentVolume));
        Assert.Null(cluster.Cache.GetVolumeObject("pv-phantom"));
    }

    [Fact]
    public async Task A_cache_in_step_with_the_server_counts_no_divergence()
    {
        await Client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-real", "node-1"));
        var options = new InformerOptions { WatchTimeout = TimeSpan.FromSeconds(1), AuditPeriod = TimeSpan.Zero };
        await using var cluster = new LiveCluster(Client, TimeProvider.System, options);
        await cluster.Synced.WaitAsync(AuditPatience);

        await cluster.Cache.WaitForAsync(_ => cluster.Audits >= ResourceKinds.All.Count * 2, AuditPatience, TimeProvider.System, default);

        Assert.True(cluster.Audits >= ResourceKinds.All.Count * 2, $"only {cluster.Audits} audits ran");
        Assert.Empty(cluster.Cache.Divergences);
    }

    /// <summary>The names this test created (the emulator starts with namespaces of its own).</summary>
    private static HashSet<string> Names(KindRegistration kind, Core.State.ClusterState state) =>
        [.. kind.Keys(state).Select(k => k.Name).Where(n => n is "stays" or "goes")];

    private static string Describe(LiveCluster cluster) =>
        cluster.Cache.Read(s => string.Join("; ", ResourceKinds.All.Select(k => $"{k.Kind}: {string.Join(",", Names(k, s).Order())}")));
}
