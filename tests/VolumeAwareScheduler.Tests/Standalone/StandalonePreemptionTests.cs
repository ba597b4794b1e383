using k8s;
using k8s.Models;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Standalone;
using VolumeAwareScheduler.Testing.Kubernetes;

namespace VolumeAwareScheduler.Tests.Standalone;

/// <summary>
/// DefaultPreemption in `run`, end to end against the emulator (its priority admission, Eviction API with
/// PodDisruptionBudgets, disruption controller and kubelet): nodes of one cpu, low-priority pods that fill them, and
/// a high-priority pod that needs the cpu.
/// </summary>
public sealed class StandalonePreemptionTests : IAsyncLifetime
{
    private StandaloneTestCluster _cluster = null!;

    private k8s.Kubernetes Client => _cluster.Client;

    public async Task InitializeAsync() => _cluster = await StandaloneTestCluster.StartAsync(StandaloneTestCluster.EventsOnly, async client =>
    {
        await client.CoreV1.CreateNodeAsync(OneCpuNode("node-1"));
        await client.CoreV1.CreateNodeAsync(OneCpuNode("node-2"));
        await client.StorageV1.CreateStorageClassAsync(Objects.LocalClass());
        await client.SchedulingV1.CreatePriorityClassAsync(new V1PriorityClass { Metadata = new V1ObjectMeta { Name = "low" }, Value = 10 });
        await client.SchedulingV1.CreatePriorityClassAsync(new V1PriorityClass { Metadata = new V1ObjectMeta { Name = "high" }, Value = 1000 });
        await client.SchedulingV1.CreatePriorityClassAsync(new V1PriorityClass { Metadata = new V1ObjectMeta { Name = "high-never" }, Value = 1000, PreemptionPolicy = "Never" });
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static V1Node OneCpuNode(string name)
    {
        var node = Objects.Node(name);
        node.Status.Allocatable["cpu"] = new ResourceQuantity("1");
        return node;
    }

    /// <summary>A pod asking for one cpu, of that priority class; bound to <paramref name="node"/> when given (as if scheduled earlier).</summary>
    private static V1Pod CpuPod(string name, string priorityClass, string? node = null, string? claim = null, string? app = null)
    {
        var pod = Objects.Pod(name, claim);
        pod.Spec.PriorityClassName = priorityClass;
        pod.Spec.NodeName = node;
        pod.Spec.TerminationGracePeriodSeconds = 0;
        pod.Spec.Containers[0].Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1") } };
        if (app is not null) pod.Metadata.Labels = new Dictionary<string, string> { ["app"] = app };
        return pod;
    }

    private async Task<bool> ExistsAsync(string name) =>
        (await Client.CoreV1.ListNamespacedPodAsync("default", fieldSelector: $"metadata.name={name}")).Items.Count > 0;

    /// <summary>Waits until the scheduler's cache shows what the test created (informers are separate streams).</summary>
    private async Task SeenAsync(Func<Core.State.ClusterState, bool> condition) =>
        Assert.True(await _cluster.Runner.Cluster.Cache.WaitForAsync(c => c.Read(condition), StandaloneTestCluster.Patience, TimeProvider.System, default));

    private Task LowPodsSeenAsync(params string[] names) =>
        SeenAsync(s => names.All(n => s.GetPod(new ObjectKey("default", n)) is { NodeName.Length: > 0, Priority: 10 }));

    [Fact]
    public async Task A_high_priority_pod_evicts_a_low_priority_pod_through_the_Eviction_API_and_is_bound_where_it_ran()
    {
        await Client.CoreV1.CreateNamespacedPodAsync(CpuPod("low-1", "low", node: "node-1", app: "low-1"), "default");
        await Client.CoreV1.CreateNamespacedPodAsync(CpuPod("low-2", "low", node: "node-2"), "default");
        // A budget that allows no disruption protects low-1: upstream picks the node whose victims violate fewer budgets.
        await Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(new V1PodDisruptionBudget
        {
            Metadata = new V1ObjectMeta { Name = "keep-low-1" },
            Spec = new V1PodDisruptionBudgetSpec { MaxUnavailable = 0, Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "low-1" } } },
        }, "default");
        await LowPodsSeenAsync("low-1", "low-2");
        await SeenAsync(s => s.PodDisruptionBudgets.Any(b => b.Key.Name == "keep-low-1" && b.DisruptionsAllowed == 0));

        var high = new ObjectKey("default", "high");
        await Client.CoreV1.CreateNamespacedPodAsync(CpuPod("high", "high"), "default");

        var preempting = await _cluster.NextAsync<PreemptionStarted>(high);
        Assert.Equal("node-2", preempting.Node);
        Assert.Equal([new ObjectKey("default", "low-2")], preempting.Victims);
        var bound = await _cluster.NextAsync<PodBound>(high);
        Assert.Equal("node-2", bound.Node);

        Assert.False(await ExistsAsync("low-2"));
        Assert.True(await ExistsAsync("low-1"));
        var events = await Client.CoreV1.ListNamespacedEventAsync("default");
        var preempted = Assert.Single(events.Items, e => e.Reason == "Preempted");
        Assert.Equal("low-2", preempted.InvolvedObject.Name);
        var highUid = (await Client.CoreV1.ReadNamespacedPodAsync("high", "default")).Uid();
        Assert.Equal($"Preempted by pod {highUid} on node node-2", preempted.Message);
        Assert.Contains(events.Items, e => e.Reason == "FailedScheduling" && e.InvolvedObject.Name == "high"
            && e.Message == "0/2 nodes are available: 2 Insufficient cpu.");
        // The API server cleared the nomination at binding.
        Assert.Null((await Client.CoreV1.ReadNamespacedPodAsync("high", "default")).Status.NominatedNodeName);
    }

    [Fact]
    public async Task The_preemptor_is_nominated_to_the_node_while_its_victim_terminates()
    {
        await Client.CoreV1.CreateNamespacedPodAsync(CpuPod("low-1", "low", node: "node-1"), "default");
        await Client.CoreV1.CreateNamespacedPodAsync(CpuPod("low-2", "low", node: "node-2"), "default");
        await LowPodsSeenAsync("low-1", "low-2");
        // Either node will do (which one depends on the victims' start times, upstream's last criterion but one): the
        // pod must be nominated to it before it is bound, and bound there.
        var nominated = _cluster.Emulator.WaitForAsync("pods", "default", "high", p => p["status"]?["nominatedNodeName"]?.GetValue<string>() is { Length: > 0 },
            new CancellationTokenSource(StandaloneTestCluster.Patience).Token);

        await Client.CoreV1.CreateNamespacedPodAsync(CpuPod("high", "high"), "default");

        var pod = await nominated;
        Assert.Null(pod["spec"]?["nodeName"]);
        var bound = await _cluster.NextAsync<PodBound>(new ObjectKey("default", "high"));
        Assert.Equal(pod["status"]!["nominatedNodeName"]!.GetValue<string>(), bound.Node);
    }

    [Fact]
    public async Task A_pod_with_preemptionPolicy_Never_preempts_nobody()
    {
        await Client.CoreV1.CreateNamespacedPodAsync(CpuPod("low-1", "low", node: "node-1"), "default");
        await Client.CoreV1.CreateNamespacedPodAsync(CpuPod("low-2", "low", node: "node-2"), "default");
        await LowPodsSeenAsync("low-1", "low-2");

        await Client.CoreV1.CreateNamespacedPodAsync(CpuPod("polite", "high-never"), "default");

        var pending = await _cluster.NextAsync<PodUnschedulable>(new ObjectKey("default", "polite"));
        Assert.Equal("0/2 nodes are available: 2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.", pending.Message);
        Assert.True(await ExistsAsync("low-1"));
        Assert.True(await ExistsAsync("low-2"));
        Assert.DoesNotContain((await Client.CoreV1.ListNamespacedEventAsync("default")).Items, e => e.Reason == "Preempted");
    }

    [Fact]
    public async Task A_pod_whose_only_obstacle_is_a_volume_preempts_nobody()
    {
        // The pod needs no cpu, only its claim, whose only PV is on a node that does not exist: VolumeBinding's rejection
        // is UnschedulableAndUnresolvable on every node, so the low-priority pod is not evicted for it.
        await Client.CoreV1.CreateNamespacedPodAsync(CpuPod("low-1", "low", node: "node-1"), "default");
        await Client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-far", "node-9"));
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("data"), "default");
        await LowPodsSeenAsync("low-1");
        await SeenAsync(s => s.Volumes.Get("pv-far") is not null && s.GetClaim(new ObjectKey("default", "data")) is not null);

        var high = Objects.Pod("high", "data");
        high.Spec.PriorityClassName = "high";
        await Client.CoreV1.CreateNamespacedPodAsync(high, "default");

        var pending = await _cluster.NextAsync<PodUnschedulable>(new ObjectKey("default", "high"));
        Assert.Equal("0/2 nodes are available: 2 node(s) didn't find available persistent volumes to bind. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.", pending.Message);
        Assert.True(await ExistsAsync("low-1"));
    }

    [Fact]
    public async Task A_pod_that_must_wait_for_its_volume_is_nominated_to_the_node_before_the_volume_writes()
    {
        // KEP-5278: PreBind has work (a PV to bind), so status.nominatedNodeName is set first; the binding clears it.
        await Client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-1", "node-1"));
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("data"), "default");
        var nominated = _cluster.Emulator.WaitForAsync("pods", "default", "app", p => p["status"]?["nominatedNodeName"]?.GetValue<string>() == "node-1",
            new CancellationTokenSource(StandaloneTestCluster.Patience).Token);

        await Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("app", "data"), "default");

        var early = await nominated;
        Assert.Null(early["spec"]?["nodeName"]);
        var bound = await _cluster.NextAsync<PodBound>(new ObjectKey("default", "app"));
        Assert.Equal("node-1", bound.Node);
        Assert.Null((await Client.CoreV1.ReadNamespacedPodAsync("app", "default")).Status.NominatedNodeName);
    }
}
