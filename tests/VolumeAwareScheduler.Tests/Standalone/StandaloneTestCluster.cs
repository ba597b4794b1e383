using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Kubernetes.Queue;
using VolumeAwareScheduler.Standalone;
using VolumeAwareScheduler.Testing.Kubernetes;

namespace VolumeAwareScheduler.Tests.Standalone;

/// <summary>
/// The emulator with the given nodes and the local StorageClass, a client, and the standalone scheduler running
/// against it, synced. Disposing stops the scheduler (draining its bindings) and then the emulator.
/// </summary>
internal sealed class StandaloneTestCluster : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>Queue options under which only a cluster event can requeue an unschedulable pod within a test.</summary>
    public static readonly QueueOptions EventsOnly = new() { UnschedulableFlush = TimeSpan.FromHours(1) };

    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    private StandaloneTestCluster(ApiEmulator.ApiEmulator emulator, k8s.Kubernetes client, StandaloneRunner runner)
    {
        Emulator = emulator;
        Client = client;
        Runner = runner;
    }

    public ApiEmulator.ApiEmulator Emulator { get; }

    public k8s.Kubernetes Client { get; }

    public StandaloneRunner Runner { get; }

    public static Task<StandaloneTestCluster> StartAsync(QueueOptions? queue, params V1Node[] nodes) => StartAsync(new StandaloneOptions(), queue, nodes);

    public static Task<StandaloneTestCluster> StartAsync(StandaloneOptions options, QueueOptions? queue, params V1Node[] nodes) =>
        StartAsync(options, queue, async client =>
        {
            foreach (var node in nodes) await client.CoreV1.CreateNodeAsync(node);
            await client.StorageV1.CreateStorageClassAsync(Objects.LocalClass());
        });

    /// <summary>The emulator with what <paramref name="seed"/> creates (nothing else), and the scheduler running against it.</summary>
    public static Task<StandaloneTestCluster> StartAsync(QueueOptions? queue, Func<k8s.Kubernetes, Task> seed) => StartAsync(new StandaloneOptions(), queue, seed);

    public static async Task<StandaloneTestCluster> StartAsync(StandaloneOptions options, QueueOptions? queue, Func<k8s.Kubernetes, Task> seed)
    {
        var emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions());
        var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        await seed(client);
        var runner = new StandaloneRunner(client, options, TimeProvider.System, NullLoggerFactory.Instance, queue);
        var cluster = new StandaloneTestCluster(emulator, client, runner);
        cluster._run = runner.RunAsync(cluster._stop.Token);
        await runner.Cluster.Synced.WaitAsync(Patience);
        return cluster;
    }

    /// <summary>The scheduler's next report of kind <typeparamref name="T"/> about the pod.</summary>
    public Task<T> NextAsync<T>(ObjectKey pod) where T : SchedulingProgress => NextAsync<T>(Runner, pod);

    /// <summary>The runner's next report of kind <typeparamref name="T"/> about the pod, within <see cref="Patience"/>.</summary>
    public static async Task<T> NextAsync<T>(StandaloneRunner runner, ObjectKey pod) where T : SchedulingProgress
    {
        using var timeout = new CancellationTokenSource(Patience);
        await foreach (var progress in runner.Scheduler.Progress.ReadAllAsync(timeout.Token))
        {
            if (progress.Pod == pod && progress is T match) return match;
        }
        throw new TimeoutException($"no {typeof(T).Name} for {pod}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(Patience);
        await Runner.DisposeAsync();
        Client.Dispose();
        await Emulator.DisposeAsync();
        _stop.Dispose();
    }
}
