using System.Text.Json.Nodes;
using k8s;
using Microsoft.Extensions.Time.Testing;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Controllers;

/// <summary>The pod garbage collector's orphaned pods (gc_controller.go gcOrphaned), on fake time.</summary>
public sealed class PodGarbageCollectorTests : IAsyncLifetime
{
    private static readonly TimeSpan Quarantine = TimeSpan.FromSeconds(40);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(o => o.TimeProvider = _time);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private Kubernetes Client => _cluster.Client;

    private async Task RunningPodOnAsync(string pod, string node)
    {
        await Client.CoreV1.CreateNodeAsync(Make.Node(node));
        await Client.CoreV1.CreateNamespacedPodAsync(Make.Pod(pod, nodeName: node), "default");
        await _cluster.WaitForAsync("pods", "default", pod, p => p["status"]?["startTime"] is not null);
    }

    [Fact]
    public async Task Pods_of_a_node_that_stays_deleted_past_the_quarantine_are_deleted()
    {
        await RunningPodOnAsync("web", "node-1");
        await RunningPodOnAsync("other", "node-2");

        await Client.CoreV1.DeleteNodeAsync("node-1");
        await _cluster.WaitForGoneAsync("nodes", null, "node-1");
        _time.Advance(Quarantine);

        await _cluster.WaitForGoneAsync("pods", "default", "web");
        Assert.NotNull(_cluster.Emulator.Get("pods", "default", "other"));
    }

    [Fact]
    public async Task Pods_of_a_node_that_comes_back_within_the_quarantine_are_kept()
    {
        await RunningPodOnAsync("back", "node-1");
        await RunningPodOnAsync("gone", "node-2");

        await Client.CoreV1.DeleteNodeAsync("node-1");
        await Client.CoreV1.DeleteNodeAsync("node-2");
        await _cluster.WaitForGoneAsync("nodes", null, "node-2");
        await Client.CoreV1.CreateNodeAsync(Make.Node("node-1"));
        _time.Advance(Quarantine);

        // Both quarantines end at the same instant and are handled in one pass: once "gone" is deleted, "back" was spared.
        await _cluster.WaitForGoneAsync("pods", "default", "gone");
        Assert.NotNull(_cluster.Emulator.Get("pods", "default", "back"));
    }

    [Fact]
    public async Task Before_the_quarantine_ends_nothing_is_deleted()
    {
        await RunningPodOnAsync("web", "node-1");
        await Client.CoreV1.DeleteNodeAsync("node-1");
        await _cluster.WaitForGoneAsync("nodes", null, "node-1");

        _time.Advance(Quarantine - TimeSpan.FromSeconds(1));
        // A change behind the tick: once the feed has carried it, the timer's pass for this instant is over.
        await Client.CoreV1.CreateNodeAsync(Make.Node("marker"));
        await _cluster.WaitForAsync("nodes", null, "marker", n => n["status"]?["conditions"] is JsonArray);

        Assert.NotNull(_cluster.Emulator.Get("pods", "default", "web"));
        _time.Advance(TimeSpan.FromSeconds(1));
        await _cluster.WaitForGoneAsync("pods", "default", "web");
    }
}
