using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Controllers;

/// <summary>
/// The simulated kubelet through KubernetesClient over HTTP, on fake time: the clock moves only when a test advances
/// it, and every wait is for an event, never for wall-clock time.
/// </summary>
public sealed class SimulatedKubeletTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan StartupDelay = TimeSpan.FromSeconds(2);

    private readonly FakeTimeProvider _time = new(Start);
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await TestCluster.StartAsync(o =>
        {
            o.TimeProvider = _time;
            o.PodStartupDelay = StartupDelay;
        });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private Kubernetes Client => _cluster.Client;

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static bool HasReady(JsonObject node) =>
        node["status"]?["conditions"]?.AsArray().Any(c => (string?)c!["type"] == "Ready") == true;

    private static bool Admitted(JsonObject pod) => pod["status"]?["startTime"] is not null;

    private static bool Running(JsonObject pod) => (string?)pod["status"]?["phase"] == "Running";

    [Fact]
    public async Task A_new_node_reports_Ready_and_no_pressure_with_heartbeats_and_gets_a_lease_in_kube_node_lease()
    {
        var created = await Client.CoreV1.CreateNodeAsync(Make.Node("node-1"));
        await _cluster.WaitForAsync("nodes", null, "node-1", HasReady);

        var node = await Client.CoreV1.ReadNodeAsync("node-1");
        Assert.Equal(
            ["MemoryPressure False KubeletHasSufficientMemory", "DiskPressure False KubeletHasNoDiskPressure", "PIDPressure False KubeletHasSufficientPID", "Ready True KubeletReady"],
            node.Status.Conditions.Select(c => $"{c.Type} {c.Status} {c.Reason}"));
        Assert.All(node.Status.Conditions, c => Assert.Equal(Start, new DateTimeOffset(c.LastHeartbeatTime!.Value, TimeSpan.Zero)));
        Assert.Equal("kubelet is posting ready status", node.Status.Conditions[^1].Message);
        Assert.Equal(["InternalIP", "Hostname"], node.Status.Addresses.Select(a => a.Type));
        Assert.Equal("v1.37.1", node.Status.NodeInfo.KubeletVersion);

        var lease = await Client.CoordinationV1.ReadNamespacedLeaseAsync("node-1", "kube-node-lease");
        Assert.Equal("node-1", lease.Spec.HolderIdentity);
        Assert.Equal(40, lease.Spec.LeaseDurationSeconds);
        Assert.Equal(Start, new DateTimeOffset(lease.Spec.RenewTime!.Value, TimeSpan.Zero));
        var owner = Assert.Single(lease.Metadata.OwnerReferences);
        Assert.Equal(("Node", "node-1", created.Metadata.Uid), (owner.Kind, owner.Name, owner.Uid));
    }

    [Fact]
    public async Task The_lease_is_renewed_every_ten_seconds_and_the_conditions_get_a_fresh_heartbeat_every_five_minutes()
    {
        await Client.CoreV1.CreateNodeAsync(Make.Node("node-1"));
        await _cluster.WaitForAsync("leases", "kube-node-lease", "node-1", _ => true);

        _time.Advance(TimeSpan.FromSeconds(10));
        var renewed = await _cluster.WaitForAsync("leases", "kube-node-lease", "node-1",
            l => (string?)l["spec"]!["renewTime"] == "2026-12-04T10:00:10.000000Z");
        Assert.Equal(40, (int?)renewed["spec"]!["leaseDurationSeconds"]);

        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(10));
        var node = await _cluster.WaitForAsync("nodes", null, "node-1",
            n => (string?)n["status"]!["conditions"]![0]!["lastHeartbeatTime"] == Stamp(Start.AddMinutes(5)));
        Assert.All(node["status"]!["conditions"]!.AsArray(), c =>
        {
            Assert.Equal(Stamp(Start.AddMinutes(5)), (string?)c!["lastHeartbeatTime"]);
            Assert.Equal(Stamp(Start), (string?)c["lastTransitionTime"]);
        });
    }

    [Fact]
    public async Task A_bound_pod_is_ContainerCreating_until_the_startup_delay_then_Running_and_Ready()
    {
        await Client.CoreV1.CreateNodeAsync(Make.Node("node-1"));
        var pod = Make.Pod("web");
        pod.Spec.Containers[0].Resources = new V1ResourceRequirements
        {
            Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("500m"), ["memory"] = new("128Mi") },
        };
        await Client.CoreV1.CreateNamespacedPodAsync(pod, "default");
        await Client.CoreV1.CreateNamespacedPodBindingAsync(
            new V1Binding { Metadata = new V1ObjectMeta { Name = "web" }, Target = new V1ObjectReference { Kind = "Node", Name = "node-1" } }, "web", "default");

        await _cluster.WaitForAsync("pods", "default", "web", Admitted);
        var creating = await Client.CoreV1.ReadNamespacedPodAsync("web", "default");
        Assert.Equal("Pending", creating.Status.Phase);
        Assert.Equal("ContainerCreating", creating.Status.ContainerStatuses.Single().State.Waiting.Reason);
        Assert.Equal("Guaranteed", creating.Status.QosClass);
        Assert.Equal("172.18.0.3", creating.Status.HostIP);
        Assert.Equal(Start, new DateTimeOffset(creating.Status.StartTime!.Value, TimeSpan.Zero));
        Assert.Equal("False", creating.Status.Conditions.Single(c => c.Type == "Ready").Status);
        Assert.Equal("containers with unready status: [app]", creating.Status.Conditions.Single(c => c.Type == "Ready").Message);

        _time.Advance(StartupDelay);
        await _cluster.WaitForAsync("pods", "default", "web", Running);

        var running = await Client.CoreV1.ReadNamespacedPodAsync("web", "default");
        Assert.Equal(
            ["PodReadyToStartContainers True", "Initialized True", "Ready True", "ContainersReady True", "PodScheduled True"],
            running.Status.Conditions.Select(c => $"{c.Type} {c.Status}"));
        // The binding's PodScheduled keeps its transition time; Ready moved when the containers started.
        Assert.Equal(Start, new DateTimeOffset(running.Status.Conditions.Single(c => c.Type == "PodScheduled").LastTransitionTime!.Value, TimeSpan.Zero));
        Assert.Equal(Start + StartupDelay, new DateTimeOffset(running.Status.Conditions.Single(c => c.Type == "Ready").LastTransitionTime!.Value, TimeSpan.Zero));
        var container = running.Status.ContainerStatuses.Single();
        Assert.True(container.Ready);
        Assert.True(container.Started);
        Assert.Equal(Start + StartupDelay, new DateTimeOffset(container.State.Running.StartedAt!.Value, TimeSpan.Zero));
        Assert.StartsWith("containerd://", container.ContainerID, StringComparison.Ordinal);
        Assert.Equal("10.244.1.1", running.Status.PodIP);
        Assert.Equal("10.244.1.1", running.Status.PodIPs.Single().Ip);
        Assert.Equal("172.18.0.3", running.Status.HostIP);
        Assert.Equal(Start, new DateTimeOffset(running.Status.StartTime!.Value, TimeSpan.Zero));
        Assert.Equal("Guaranteed", running.Status.QosClass);
    }

    [Fact]
    public async Task A_pod_created_on_a_node_that_appears_later_starts_once_the_node_registers()
    {
        await Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("early", nodeName: "node-late"), "default");
        await Client.CoreV1.CreateNodeAsync(Make.Node("node-late"));

        var admitted = await _cluster.WaitForAsync("pods", "default", "early", Admitted);

        Assert.Equal("BestEffort", (string?)admitted["status"]!["qosClass"]);
        Assert.Equal(["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"],
            admitted["status"]!["conditions"]!.AsArray().Select(c => (string?)c!["type"]));
    }

    [Fact]
    public async Task A_graceful_delete_keeps_the_pod_terminating_until_its_grace_period_ends()
    {
        await StartRunningPodAsync("web");

        var response = await Client.CoreV1.DeleteNamespacedPodAsync("web", "default", gracePeriodSeconds: 30);

        Assert.Equal(Start + StartupDelay + TimeSpan.FromSeconds(30), new DateTimeOffset(response.Metadata.DeletionTimestamp!.Value, TimeSpan.Zero));
        Assert.Equal(30, response.Metadata.DeletionGracePeriodSeconds);
        var terminating = await Client.CoreV1.ReadNamespacedPodAsync("web", "default");
        Assert.NotNull(terminating.Metadata.DeletionTimestamp);

        // One second early the kubelet has seen the time pass (it admitted a later pod) and the pod is still there.
        _time.Advance(TimeSpan.FromSeconds(29));
        await Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("marker", nodeName: "node-1"), "default");
        await _cluster.WaitForAsync("pods", "default", "marker", Admitted);
        Assert.NotNull(_cluster.Emulator.Get("pods", "default", "web"));

        _time.Advance(TimeSpan.FromSeconds(1));
        await _cluster.WaitForGoneAsync("pods", "default", "web");
    }

    [Fact]
    public async Task A_second_delete_may_shorten_the_grace_period_but_not_lengthen_it()
    {
        await StartRunningPodAsync("web");
        await Client.CoreV1.DeleteNamespacedPodAsync("web", "default", gracePeriodSeconds: 30);

        var longer = await Client.CoreV1.DeleteNamespacedPodAsync("web", "default", gracePeriodSeconds: 60);
        Assert.Equal(30, longer.Metadata.DeletionGracePeriodSeconds);

        var shorter = await Client.CoreV1.DeleteNamespacedPodAsync("web", "default", gracePeriodSeconds: 5);
        Assert.Equal(5, shorter.Metadata.DeletionGracePeriodSeconds);
        Assert.Equal(Start + StartupDelay + TimeSpan.FromSeconds(5), new DateTimeOffset(shorter.Metadata.DeletionTimestamp!.Value, TimeSpan.Zero));

        _time.Advance(TimeSpan.FromSeconds(5));
        await _cluster.WaitForGoneAsync("pods", "default", "web");
    }

    [Fact]
    public async Task Without_a_grace_period_a_delete_uses_the_pods_terminationGracePeriodSeconds()
    {
        var pod = Make.Pod("web", nodeName: "node-1");
        pod.Spec.TerminationGracePeriodSeconds = 7;
        await Client.CoreV1.CreateNodeAsync(Make.Node("node-1"));
        await Client.CoreV1.CreateNamespacedPodAsync(pod, "default");

        var response = await Client.CoreV1.DeleteNamespacedPodAsync("web", "default");

        Assert.Equal(7, response.Metadata.DeletionGracePeriodSeconds);
        _time.Advance(TimeSpan.FromSeconds(7));
        await _cluster.WaitForGoneAsync("pods", "default", "web");
    }

    [Theory]
    [InlineData("grace period 0 on a scheduled pod", "node-1", 0)]
    [InlineData("an unscheduled pod", null, 30)]
    public async Task Some_deletes_are_immediate(string _, string? nodeName, int gracePeriodSeconds)
    {
        await Client.CoreV1.CreateNodeAsync(Make.Node("node-1"));
        await Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("web", nodeName: nodeName), "default");

        await Client.CoreV1.DeleteNamespacedPodAsync("web", "default", gracePeriodSeconds: gracePeriodSeconds);

        Assert.Null(_cluster.Emulator.Get("pods", "default", "web"));
    }

    [Fact]
    public async Task Deleting_a_node_deletes_its_lease()
    {
        await Client.CoreV1.CreateNodeAsync(Make.Node("node-1"));
        await _cluster.WaitForAsync("leases", "kube-node-lease", "node-1", _ => true);

        await Client.CoreV1.DeleteNodeAsync("node-1");

        await _cluster.WaitForGoneAsync("leases", "kube-node-lease", "node-1");
    }

    [Fact]
    public async Task The_field_selector_of_kubectl_describe_node_selects_the_nodes_unfinished_pods()
    {
        await using var cluster = await TestCluster.StartAsync(o => o.EnableControllers = false);
        foreach (var (name, node, phase) in new[] { ("running", "node-1", "Running"), ("pending", "node-1", "Pending"), ("done", "node-1", "Succeeded"), ("failed", "node-1", "Failed"), ("elsewhere", "node-2", "Running") })
        {
            var pod = Make.Json(Make.Pod(name, nodeName: node));
            pod["status"] = new JsonObject { ["phase"] = phase };
            await cluster.Emulator.CreateAsync(pod);
        }

        var pods = await cluster.Client.CoreV1.ListPodForAllNamespacesAsync(
            fieldSelector: "spec.nodeName=node-1,status.phase!=Failed,status.phase!=Succeeded");

        Assert.Equal(["pending", "running"], pods.Items.Select(p => p.Metadata.Name));
    }

    [Fact]
    public async Task With_the_kubelet_off_pods_stay_as_created_and_deletes_are_immediate()
    {
        await using var cluster = await TestCluster.StartAsync(o =>
        {
            o.TimeProvider = _time;
            o.EnableKubelet = false;
        });
        await cluster.Client.CoreV1.CreateNodeAsync(Make.Node("node-1"));
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("web", nodeName: "node-1"), "default");
        // The PV controller sets a new claim Pending: once it has, the loop has seen the node and the pod before it.
        await cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Make.Claim("marker"), "default");
        await cluster.WaitForAsync("pvc", "default", "marker", c => (string?)c["status"]?["phase"] == "Pending");
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Null(cluster.Emulator.Get("pods", "default", "web")!["status"]);
        Assert.Null(cluster.Emulator.Get("nodes", null, "node-1")!["status"]);
        Assert.Null(cluster.Emulator.Get("leases", "kube-node-lease", "node-1"));
        var response = await cluster.Http.DeleteAsync("api/v1/namespaces/default/pods/web");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(cluster.Emulator.Get("pods", "default", "web"));
    }

    private async Task StartRunningPodAsync(string name)
    {
        await Client.CoreV1.CreateNodeAsync(Make.Node("node-1"));
        await Client.CoreV1.CreateNamespacedPodAsync(Make.Pod(name, nodeName: "node-1"), "default");
        await _cluster.WaitForAsync("pods", "default", name, Admitted);
        _time.Advance(StartupDelay);
        await _cluster.WaitForAsync("pods", "default", name, Running);
    }
}
