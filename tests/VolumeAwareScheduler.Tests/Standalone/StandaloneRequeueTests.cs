using VolumeAwareScheduler.Testing.Kubernetes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Kubernetes.Queue;
using VolumeAwareScheduler.Standalone;

namespace VolumeAwareScheduler.Tests.Standalone;

/// <summary>
/// Requeue on the curing event, end to end: the unschedulable flush is an hour here, so a pod that lands within the
/// test's patience was moved by the event the queue saw, which the binding reports.
/// </summary>
public sealed class StandaloneRequeueTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    internal static readonly QueueOptions EventsOnly = new() { UnschedulableFlush = TimeSpan.FromHours(1) };
    private ApiEmulator.ApiEmulator _emulator = null!;
    private k8s.Kubernetes _client = null!;
    private StandaloneRunner _runner = null!;
    private Task _run = null!;
    private readonly CancellationTokenSource _stop = new();

    public async Task InitializeAsync()
    {
        _emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions());
        _client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = _emulator.BaseAddress.ToString() });
        await _client.CoreV1.CreateNodeAsync(Objects.Node("node-1"));
        await _client.CoreV1.CreateNodeAsync(Objects.Node("node-2"));
        await _client.StorageV1.CreateStorageClassAsync(Objects.LocalClass());
        _runner = new StandaloneRunner(_client, new StandaloneOptions(), TimeProvider.System, NullLoggerFactory.Instance, EventsOnly);
        _run = _runner.RunAsync(_stop.Token);
        await _runner.Cluster.Synced.WaitAsync(Patience);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(Patience);
        await _runner.DisposeAsync();
        _client.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task Pod_whose_node_selector_no_node_matches_lands_when_a_matching_node_is_added()
    {
        var pod = new ObjectKey("default", "picky");
        await _client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("picky", null, nodeSelector: new Dictionary<string, string> { ["kubernetes.io/hostname"] = "node-3" }), "default");
        var pending = await NextAsync<PodUnschedulable>(_runner, pod);
        Assert.Equal("0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.", pending.Message);

        await _client.CoreV1.CreateNodeAsync(Objects.Node("node-3"));
        var bound = await NextAsync<PodBound>(_runner, pod);

        Assert.Equal("node-3", bound.Node);
        Assert.Equal(new ClusterEvent("Node", ClusterEventAction.Add | ClusterEventAction.Update), bound.Cure?.Event);
        Assert.True(bound.Cure!.Value.At >= pending.At && bound.Cure.Value.At <= bound.At);
        Assert.Equal(2, bound.Attempts);
    }

    [Fact]
    public async Task Pod_whose_only_volume_is_on_a_missing_node_lands_when_that_node_is_added()
    {
        var pod = new ObjectKey("default", "follower");
        await _client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-3", "node-3"));
        await _client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("data"), "default");
        await _client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("follower", "data"), "default");
        var pending = await NextAsync<PodUnschedulable>(_runner, pod);
        Assert.Equal("0/2 nodes are available: 2 node(s) didn't find available persistent volumes to bind.", pending.Message);

        await _client.CoreV1.CreateNodeAsync(Objects.Node("node-3"));
        var bound = await NextAsync<PodBound>(_runner, pod);

        Assert.Equal("node-3", bound.Node);
        Assert.NotNull(bound.Cure); // an event moved it (the node, or a change to its claim while it waited), not the flush
        Assert.Equal("pv-3", (await _client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data", "default")).Spec.VolumeName);
    }

    internal static async Task<T> NextAsync<T>(StandaloneRunner runner, ObjectKey pod) where T : SchedulingProgress
    {
        using var timeout = new CancellationTokenSource(Patience);
        await foreach (var progress in runner.Scheduler.Progress.ReadAllAsync(timeout.Token))
        {
            if (progress.Pod == pod && progress is T match) return match;
        }
        throw new TimeoutException($"no {typeof(T).Name} for {pod}");
    }
}
