using System.Diagnostics;
using System.Diagnostics.Metrics;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Kubernetes.Queue;

namespace VolumeAwareScheduler.Telemetry;

/// <summary>
/// The standalone scheduler's instruments (`run`), created once from <see cref="IMeterFactory"/> on the same meter as
/// <see cref="ExtenderMetrics"/>. They follow kube-scheduler's (pkg/scheduler/metrics/metrics.go: schedule_attempts_total,
/// scheduling_algorithm_duration_seconds, pending_pods, ...) under our prefix. Tags are bounded: result, queue, event kind.
/// </summary>
public sealed class SchedulerMetrics
{
    private static readonly double[] DurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _cycleDuration;
    private readonly Histogram<double> _bindingDuration;
    private readonly Histogram<double> _eventToBinding;

    /// <param name="queue">Observed for the depth of each sub-queue.</param>
    /// <param name="isLeader">True while this replica's scheduling loop runs (always, without leader election).</param>
    /// <param name="cache">The store, for its audit's divergences.</param>
    public SchedulerMetrics(IMeterFactory meterFactory, SchedulingQueue queue, Func<bool> isLeader, ClusterCache cache)
    {
        var meter = meterFactory.Create(ExtenderMetrics.MeterName);
        _attempts = meter.CreateCounter<long>("vas.scheduler.attempts", unit: "{attempt}",
            description: "Scheduling attempts by result: scheduled (bound), unschedulable (no node fits), error (a write or the assumption failed).");
        _cycleDuration = meter.CreateHistogram<double>("vas.scheduler.cycle.duration", unit: "s",
            description: "The scheduling cycle (filter, score, assume) of one attempt, by result (scheduled means a node was chosen).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _bindingDuration = meter.CreateHistogram<double>("vas.scheduler.binding.duration", unit: "s",
            description: "The binding cycle (volume writes, waiting for the PV controller, the pod's Binding), by result.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _eventToBinding = meter.CreateHistogram<double>("vas.scheduler.event_to_binding.duration", unit: "s",
            description: "For a pod an event moved out of the unschedulable set: from that event to the pod's binding, by the event's kind.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        meter.CreateObservableGauge("vas.scheduler.pending_pods", () =>
        {
            var depths = queue.Depths();
            return (IEnumerable<Measurement<int>>)
            [
                new(depths.Active, new KeyValuePair<string, object?>("queue", "active")),
                new(depths.Backoff, new KeyValuePair<string, object?>("queue", "backoff")),
                new(depths.Unschedulable, new KeyValuePair<string, object?>("queue", "unschedulable")),
                new(depths.InFlight, new KeyValuePair<string, object?>("queue", "in_flight")),
                new(depths.Gated, new KeyValuePair<string, object?>("queue", "gated")),
            ];
        }, unit: "{pod}", description: "Pods waiting in the scheduling queue, by sub-queue.");
        CacheMetrics.Register(meter, () => cache);
        meter.CreateObservableGauge("vas.scheduler.leader", () => isLeader() ? 1 : 0, unit: "{leader}",
            description: "1 while this replica holds the lease and schedules, 0 on a standby.");
    }

    /// <summary>result: scheduled, unschedulable, error.</summary>
    public void Attempt(string result) => _attempts.Add(1, new TagList { { "result", result } });

    /// <summary>result: scheduled (a node was chosen), unschedulable, error.</summary>
    public void Cycle(string result, TimeSpan elapsed)
    {
        if (!_cycleDuration.Enabled) return;
        _cycleDuration.Record(elapsed.TotalSeconds, new TagList { { "result", result } });
    }

    /// <summary>result: bound, error.</summary>
    public void Binding(string result, TimeSpan elapsed)
    {
        if (!_bindingDuration.Enabled) return;
        _bindingDuration.Record(elapsed.TotalSeconds, new TagList { { "result", result } });
    }

    /// <summary>kind: the curing event's object kind (Node, PersistentVolume, ...): a bounded set.</summary>
    public void EventToBinding(string kind, TimeSpan elapsed)
    {
        if (!_eventToBinding.Enabled) return;
        _eventToBinding.Record(Math.Max(0, elapsed.TotalSeconds), new TagList { { "event", kind } });
    }
}
