using k8s;
using k8s.Models;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Kubernetes.Queue;
using VolumeAwareScheduler.Standalone;
using VolumeAwareScheduler.Testing.Kubernetes;

namespace VolumeAwareScheduler.Tests.Standalone;

/// <summary>
/// spec.schedulingGates end to end against the emulator: the API server marks the new pod PodScheduled=False
/// (SchedulingGated), the scheduler keeps it out of the active queue (SchedulingGates PreEnqueue), and the update that
/// removes the last gate queues and binds it.
/// </summary>
public sealed class SchedulingGatesTests : IAsyncLifetime
{
    private StandaloneTestCluster _cluster = null!;

    private k8s.Kubernetes Client => _cluster.Client;

    public async Task InitializeAsync() =>
        _cluster = await StandaloneTestCluster.StartAsync(StandaloneTestCluster.EventsOnly, Objects.Node("node-1"));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static V1Pod Gated(string name, params string[] gates)
    {
        var pod = Objects.Pod(name, claim: null);
        pod.Spec.SchedulingGates = gates.Select(g => new V1PodSchedulingGate { Name = g }).ToList();
        return pod;
    }

    [Fact]
    public async Task Gated_pod_is_not_scheduled_until_its_last_gate_is_removed()
    {
        var key = new ObjectKey("default", "gated");
        await Client.CoreV1.CreateNamespacedPodAsync(Gated("gated", "example.com/a", "example.com/b"), "default");

        var gated = await _cluster.NextAsync<PodGated>(key);
        Assert.Equal("waiting for scheduling gates: [example.com/a example.com/b]", gated.Message);
        Assert.Equal(QueueState.Gated, _cluster.Runner.Scheduler.QueueStateOf(key));
        var created = await Client.CoreV1.ReadNamespacedPodAsync("gated", "default");
        var condition = Assert.Single(created.Status.Conditions, c => c.Type == "PodScheduled");
        Assert.Equal(("False", "SchedulingGated", "Scheduling is blocked due to non-empty scheduling gates"), (condition.Status, condition.Reason, condition.Message));

        // A pod created after it is scheduled: the gated pod was never popped ahead of it.
        await Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("plain", claim: null), "default");
        await _cluster.NextAsync<PodBound>(new ObjectKey("default", "plain"));
        Assert.Null((await Client.CoreV1.ReadNamespacedPodAsync("gated", "default")).Spec.NodeName);

        // Removing one gate of two: still gated.
        var pod = await Client.CoreV1.ReadNamespacedPodAsync("gated", "default");
        pod.Spec.SchedulingGates = new List<V1PodSchedulingGate> { new() { Name = "example.com/b" } };
        pod = await Client.CoreV1.ReplaceNamespacedPodAsync(pod, "gated", "default");
        await Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("plain-2", claim: null), "default");
        await _cluster.NextAsync<PodBound>(new ObjectKey("default", "plain-2"));
        Assert.Equal(QueueState.Gated, _cluster.Runner.Scheduler.QueueStateOf(key));

        pod.Spec.SchedulingGates = new List<V1PodSchedulingGate>();
        await Client.CoreV1.ReplaceNamespacedPodAsync(pod, "gated", "default");

        var bound = await _cluster.NextAsync<PodBound>(key);
        Assert.Equal("node-1", bound.Node);
        var scheduled = await Client.CoreV1.ReadNamespacedPodAsync("gated", "default");
        Assert.Equal("node-1", scheduled.Spec.NodeName);
        Assert.Equal("True", Assert.Single(scheduled.Status.Conditions, c => c.Type == "PodScheduled").Status);
    }
}
