using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Controllers;

public sealed class StatefulSetControllerTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static V1StatefulSet Set(string name, int replicas, string policy) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1StatefulSetSpec
        {
            Replicas = replicas,
            PodManagementPolicy = policy,
            ServiceName = name,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec
                {
                    SchedulerName = "volume-aware-scheduler",
                    Containers = [new V1Container { Name = "db", Image = "registry.k8s.io/pause:3.10" }],
                },
            },
            VolumeClaimTemplates = [Make.Claim("data", storageClass: "local")],
        },
    };

    private static int Replicas(JsonObject set) => (int?)set["status"]?["replicas"] ?? 0;

    [Fact]
    public async Task OrderedReady_creates_the_next_ordinal_only_after_the_previous_is_running_and_ready()
    {
        await _cluster.Client.CoreV1.CreateNodeAsync(Make.Node("node-1"));
        await _cluster.Client.AppsV1.CreateNamespacedStatefulSetAsync(Set("web", 3, "OrderedReady"), "default");

        await _cluster.WaitForAsync("sts", "default", "web", s => Replicas(s) == 1);
        Assert.Null(_cluster.Emulator.Get("pods", "default", "web-1"));
        var pod = await _cluster.Client.CoreV1.ReadNamespacedPodAsync("web-0", "default");
        Assert.Equal("volume-aware-scheduler", pod.Spec.SchedulerName);
        Assert.Equal("web-0", pod.Metadata.Labels["statefulset.kubernetes.io/pod-name"]);
        Assert.Equal("StatefulSet", Assert.Single(pod.Metadata.OwnerReferences).Kind);
        Assert.Equal("data-web-0", pod.Spec.Volumes.Single(v => v.Name == "data").PersistentVolumeClaim.ClaimName);
        var claim = await _cluster.Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data-web-0", "default");
        Assert.Equal("web", claim.Metadata.Labels["app"]);

        await BindAsync("web-0");
        var web1 = await _cluster.WaitForAsync("pods", "default", "web-1", _ => true);
        // The kubelet had reported web-0 Running and Ready before web-1 was created.
        var web0 = _cluster.Emulator.Get("pods", "default", "web-0")!;
        Assert.Equal("Running", (string?)web0["status"]!["phase"]);
        Assert.True(long.Parse((string)web0["metadata"]!["resourceVersion"]!) < long.Parse((string)web1["metadata"]!["resourceVersion"]!));
        await _cluster.WaitForAsync("sts", "default", "web", s => Replicas(s) == 2);
        Assert.Null(_cluster.Emulator.Get("pods", "default", "web-2"));
    }

    [Fact]
    public async Task Without_a_kubelet_OrderedReady_counts_a_scheduled_pod_as_ready()
    {
        await using var cluster = await TestCluster.StartAsync(o => o.EnableKubelet = false);
        await cluster.Client.AppsV1.CreateNamespacedStatefulSetAsync(Set("web", 2, "OrderedReady"), "default");
        await cluster.WaitForAsync("sts", "default", "web", s => Replicas(s) == 1);
        Assert.Null(cluster.Emulator.Get("pods", "default", "web-1"));

        await cluster.Client.CoreV1.CreateNamespacedPodBindingAsync(
            new V1Binding { Metadata = new V1ObjectMeta { Name = "web-0" }, Target = new V1ObjectReference { Kind = "Node", Name = "node-1" } },
            "web-0", "default");

        await cluster.WaitForAsync("pods", "default", "web-1", _ => true);
        var set = await cluster.WaitForAsync("sts", "default", "web", s => Replicas(s) == 2);
        Assert.Equal(1, (int?)set["status"]!["readyReplicas"]);
        Assert.Equal("Pending", (string?)cluster.Emulator.Get("pods", "default", "web-0")!["status"]!["phase"]);
    }

    [Fact]
    public async Task Parallel_creates_every_ordinal_at_once()
    {
        await _cluster.Client.AppsV1.CreateNamespacedStatefulSetAsync(Set("db", 3, "Parallel"), "default");

        await _cluster.WaitForAsync("sts", "default", "db", s => Replicas(s) == 3);

        Assert.Equal(["db-0", "db-1", "db-2"], _cluster.Emulator.List("pods", "default").Select(p => (string)p["metadata"]!["name"]!));
        Assert.Equal(["data-db-0", "data-db-1", "data-db-2"], _cluster.Emulator.List("pvc", "default").Select(p => (string)p["metadata"]!["name"]!));
    }

    [Fact]
    public async Task Scaling_down_deletes_the_highest_ordinals()
    {
        await _cluster.Client.AppsV1.CreateNamespacedStatefulSetAsync(Set("db", 3, "Parallel"), "default");
        await _cluster.WaitForAsync("sts", "default", "db", s => Replicas(s) == 3);

        var patch = new V1Patch("""{"spec":{"replicas":1}}""", V1Patch.PatchType.MergePatch);
        await _cluster.Client.AppsV1.PatchNamespacedStatefulSetAsync(patch, "db", "default");

        await _cluster.WaitForAsync("sts", "default", "db", s => Replicas(s) == 1);
        Assert.Equal(["db-0"], _cluster.Emulator.List("pods", "default").Select(p => (string)p["metadata"]!["name"]!));
        Assert.Equal(3, _cluster.Emulator.List("pvc", "default").Count);
    }

    [Fact]
    public async Task A_pending_pod_whose_claim_was_deleted_gets_it_created_again_at_its_next_sync()
    {
        await _cluster.Client.AppsV1.CreateNamespacedStatefulSetAsync(Set("web", 1, "OrderedReady"), "default");
        var first = await _cluster.WaitForAsync("persistentvolumeclaims", "default", "data-web-0", _ => true);
        await _cluster.WaitForAsync("pods", "default", "web-0", _ => true);

        await _cluster.Client.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync("data-web-0", "default");
        await _cluster.WaitForGoneAsync("persistentvolumeclaims", "default", "data-web-0");
        // A scheduler reporting the pod unschedulable is the pod update that syncs the set.
        var condition = new JsonObject { ["type"] = "PodScheduled", ["status"] = "False", ["reason"] = "Unschedulable", ["message"] = "persistentvolumeclaim \"data-web-0\" not found" };
        await _cluster.Client.CoreV1.PatchNamespacedPodStatusAsync(
            new V1Patch(new JsonObject { ["status"] = new JsonObject { ["conditions"] = new JsonArray(condition) } }.ToJsonString(), V1Patch.PatchType.StrategicMergePatch),
            "web-0", "default");

        var again = await _cluster.WaitForAsync("persistentvolumeclaims", "default", "data-web-0", _ => true);
        Assert.NotEqual((string?)first["metadata"]!["uid"], (string?)again["metadata"]!["uid"]);
        Assert.Equal("web", (string?)again["metadata"]!["labels"]!["app"]);
    }

    private Task BindAsync(string pod) =>
        _cluster.Client.CoreV1.CreateNamespacedPodBindingAsync(
            new V1Binding { Metadata = new V1ObjectMeta { Name = pod }, Target = new V1ObjectReference { Kind = "Node", Name = "node-1" } },
            pod, "default");
}
