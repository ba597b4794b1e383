using System.Diagnostics.Metrics;
using k8s;
using Microsoft.Extensions.Logging;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Kubernetes.Informers;
using VolumeAwareScheduler.Kubernetes.Queue;
using VolumeAwareScheduler.Kubernetes.Writers;
using VolumeAwareScheduler.NodeLoss;
using VolumeAwareScheduler.Telemetry;

namespace VolumeAwareScheduler.Standalone;

/// <summary>Composition of the standalone scheduler: informers + cache, queue, writer, scheduling loop, metrics, and the node-loss controller when enabled.</summary>
public sealed class StandaloneRunner : IAsyncDisposable
{
    private readonly SchedulingQueue _queue;
    private int _scheduling;

    /// <param name="meterFactory">Where the scheduler's instruments come from; none are recorded without one.</param>
    public StandaloneRunner(IKubernetes client, StandaloneOptions options, TimeProvider time, ILoggerFactory loggers,
        QueueOptions? queueOptions = null, InformerOptions? informerOptions = null, IMeterFactory? meterFactory = null)
    {
        Cluster = new LiveCluster(client, time, informerOptions);
        _queue = new SchedulingQueue(time, queueOptions);
        var writer = new ApiWriter(client, Cluster.Cache, time);
        Metrics = meterFactory is null ? null : new SchedulerMetrics(meterFactory, _queue, () => IsScheduling, Cluster.Cache);
        Scheduler = new StandaloneScheduler(Cluster, writer, _queue, options, time, loggers.CreateLogger<StandaloneScheduler>(), Metrics);
        if (options.NodeLoss.Enabled)
        {
            NodeLoss = new NodeLossController(Cluster.Cache, new NodeLossWriter(client, writer), options.NodeLoss, time, loggers.CreateLogger<NodeLossController>());
        }
    }

    /// <summary>The node-loss policy's controller, when enabled: it runs while the scheduling loop runs.</summary>
    public NodeLossController? NodeLoss { get; }

    public LiveCluster Cluster { get; }

    public StandaloneScheduler Scheduler { get; }

    public SchedulerMetrics? Metrics { get; }

    /// <summary>True while the scheduling loop runs: always without leader election, only on the leader with it.</summary>
    public bool IsScheduling => Volatile.Read(ref _scheduling) > 0;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _scheduling);
        // The node-loss controller deletes claims: it runs exactly while this replica schedules (the leader's term).
        using var nodeLossStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var nodeLoss = NodeLoss?.RunAsync(Cluster.Synced, nodeLossStop.Token) ?? Task.CompletedTask;
        try
        {
            await Scheduler.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await nodeLossStop.CancelAsync().ConfigureAwait(false);
            await nodeLoss.ConfigureAwait(false);
            Interlocked.Decrement(ref _scheduling);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync().ConfigureAwait(false);
        _queue.Dispose();
    }
}
