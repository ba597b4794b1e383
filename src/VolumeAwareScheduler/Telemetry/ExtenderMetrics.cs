using System.Diagnostics;
using System.Diagnostics.Metrics;
using VolumeAwareScheduler.Extender;
using VolumeAwareScheduler.Hosting;

namespace VolumeAwareScheduler.Telemetry;

/// <summary>
/// The extender's instruments, created once from <see cref="IMeterFactory"/>. Names under "vas.", durations in
/// seconds, and only bounded tag values: verb, outcome, reason code. Never a pod, claim or node name.
/// </summary>
public sealed class ExtenderMetrics
{
    public const string MeterName = "VolumeAwareScheduler";

    /// <summary>Traces: one activity per extender request.</summary>
    public static readonly ActivitySource ActivitySource = new(MeterName);

    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _bindings;
    private readonly Counter<long> _conflicts;

    public ExtenderMetrics(IMeterFactory meterFactory, ClusterSource source, PodRegistry pods)
    {
        var meter = meterFactory.Create(MeterName);
        _requestDuration = meter.CreateHistogram<double>(
            "vas.extender.request.duration", unit: "s", description: "Time to answer one extender request, by verb and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _decisions = meter.CreateCounter<long>("vas.extender.decisions", unit: "{node}", description: "Per-node filter verdicts, by reason code (\"feasible\" for nodes that pass).");
        _bindings = meter.CreateCounter<long>("vas.extender.bindings", unit: "{binding}", description: "Bind requests, by outcome.");
        _conflicts = meter.CreateCounter<long>("vas.extender.bind.conflicts", unit: "{conflict}", description: "Binds refused because the volumes chosen at filter time were taken in the meantime.");
        meter.CreateObservableGauge("vas.index.volumes", () => source.Cache?.Read(static s => s.Volumes.Count) ?? 0, unit: "{volume}", description: "PersistentVolumes in the matching index.");
        meter.CreateObservableGauge("vas.state.nodes", () => source.Cache?.Read(static s => s.Nodes.Count) ?? 0, unit: "{node}", description: "Nodes in the extender's state.");
        CacheMetrics.Register(meter, () => source.Cache);
        meter.CreateObservableGauge("vas.extender.known_pods", () => pods.Count, unit: "{pod}", description: "Pods remembered from filter requests and the snapshot.");
    }

    /// <summary>verb: filter, prioritize, bind, explain. outcome: ok, error, not_ready, bad_request, not_found.</summary>
    public void RequestDone(string verb, string outcome, TimeSpan elapsed)
    {
        if (!_requestDuration.Enabled) return;
        _requestDuration.Record(elapsed.TotalSeconds, new TagList { { "verb", verb }, { "outcome", outcome } });
    }

    public void Decisions(string reasonCode, long count)
    {
        if (count == 0 || !_decisions.Enabled) return;
        _decisions.Add(count, new TagList { { "reason", reasonCode } });
    }

    /// <summary>outcome: bound, already_bound, rejected, conflict, unknown_pod, write_failed, not_ready.</summary>
    public void Binding(string outcome)
    {
        _bindings.Add(1, new TagList { { "outcome", outcome } });
        if (outcome == "conflict") _conflicts.Add(1);
    }
}
