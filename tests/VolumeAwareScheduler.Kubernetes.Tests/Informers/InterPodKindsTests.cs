using k8s;
using k8s.Models;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Kubernetes.Cache;

namespace VolumeAwareScheduler.Kubernetes.Tests.Informers;

/// <summary>
/// The kinds the inter-pod plugins read reach the cache through the informers, against the emulator: namespaces with
/// their labels, and the selectors of Services, ReplicationControllers, ReplicaSets and StatefulSets.
/// </summary>
public sealed class InterPodKindsTests : EmulatorTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static V1LabelSelector App(string app) => new() { MatchLabels = new Dictionary<string, string> { ["app"] = app } };

    private static V1PodTemplateSpec Template(string app) => new()
    {
        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = app } },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "busybox" }] },
    };

    [Fact]
    public async Task Namespaces_and_workload_selectors_are_listed_watched_and_deleted()
    {
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "shop", Labels = new Dictionary<string, string> { ["team"] = "shop" } } });
        await Client.CoreV1.CreateNamespacedServiceAsync(new V1Service { Metadata = new V1ObjectMeta { Name = "web" }, Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "web" } } }, "shop");
        await using var cluster = new LiveCluster(Client, TimeProvider.System);
        await cluster.Synced.WaitAsync(Patience);
        Assert.True(await cluster.Cache.WaitForAsync(c => c.Read(s => s.GetNamespace("shop")?.Labels.GetValueOrDefault("team") == "shop" && s.ServicesIn("shop").Any()), Patience, TimeProvider.System, default));

        // Watched after the first list.
        await Client.AppsV1.CreateNamespacedReplicaSetAsync(new V1ReplicaSet { Metadata = new V1ObjectMeta { Name = "web-5d4f" }, Spec = new V1ReplicaSetSpec { Selector = App("web"), Template = Template("web") } }, "shop");
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(new V1StatefulSet { Metadata = new V1ObjectMeta { Name = "db" }, Spec = new V1StatefulSetSpec { Selector = App("db"), Template = Template("db"), ServiceName = "db" } }, "shop");
        await Client.CoreV1.CreateNamespacedReplicationControllerAsync(new V1ReplicationController { Metadata = new V1ObjectMeta { Name = "legacy" }, Spec = new V1ReplicationControllerSpec { Selector = new Dictionary<string, string> { ["app"] = "legacy" }, Template = Template("legacy") } }, "shop");
        Assert.True(await cluster.Cache.WaitForAsync(c => c.Read(s =>
            s.GetReplicaSet(new ObjectKey("shop", "web-5d4f"))?.Selector?.ToString() == "app=web"
            && s.GetStatefulSet(new ObjectKey("shop", "db"))?.Selector?.ToString() == "app=db"
            && s.GetReplicationController(new ObjectKey("shop", "legacy"))?.Selector?.GetValueOrDefault("app") == "legacy"), Patience, TimeProvider.System, default));

        await Client.CoreV1.DeleteNamespacedServiceAsync("web", "shop");
        Assert.True(await cluster.Cache.WaitForAsync(c => c.Read(s => !s.ServicesIn("shop").Any()), Patience, TimeProvider.System, default));
    }
}
