using k8s;
using Microsoft.Extensions.Logging;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Kubernetes.Informers;
using VolumeAwareScheduler.Kubernetes.Queue;
using VolumeAwareScheduler.Kubernetes.Writers;

namespace VolumeAwareScheduler.Standalone;

/// <summary>Composition of the standalone scheduler: informers + cache, queue, writer, scheduling loop.</summary>
public sealed class StandaloneRunner : IAsyncDisposable
{
    private readonly SchedulingQueue _queue;

    public StandaloneRunner(IKubernetes client, StandaloneOptions options, TimeProvider time, ILoggerFactory loggers,
        QueueOptions? queueOptions = null, InformerOptions? informerOptions = null)
    {
        Cluster = new LiveCluster(client, time, informerOptions);
        _queue = new SchedulingQueue(time, queueOptions);
        var writer = new ApiWriter(client, Cluster.Cache, time);
        Scheduler = new StandaloneScheduler(Cluster, writer, _queue, options, time, loggers.CreateLogger<StandaloneScheduler>());
    }

    public LiveCluster Cluster { get; }

    public StandaloneScheduler Scheduler { get; }

    public Task RunAsync(CancellationToken cancellationToken) => Scheduler.RunAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync().ConfigureAwait(false);
        _queue.Dispose();
    }
}
