using System.Diagnostics;
using HdrHistogram;

namespace VolumeAwareScheduler.LoadTests.Harness;

/// <summary>
/// Latencies of one phase in nanoseconds (HdrHistogram, 3 significant digits, up to one hour), plus completions per
/// time slot for the throughput chart. Not thread-safe: each worker owns one and they are merged at the end.
/// </summary>
public sealed class LatencyRecorder
{
    public static readonly TimeSpan SlotWidth = TimeSpan.FromMilliseconds(100);
    private const long HighestTrackableNs = 3_600_000_000_000L;

    private readonly long _origin;
    private readonly List<long> _slots = [];

    public LatencyRecorder(long originTimestamp)
    {
        _origin = originTimestamp;
    }

    public LongHistogram Histogram { get; } = new(1, HighestTrackableNs, 3);

    public long MinNs { get; private set; } = long.MaxValue;

    public static long ToNanoseconds(long stopwatchTicks) =>
        (long)(stopwatchTicks * (1_000_000_000.0 / Stopwatch.Frequency));

    /// <summary>Records one completed operation that took <paramref name="ticks"/> and ended at <paramref name="endTimestamp"/>.</summary>
    public void Record(long ticks, long endTimestamp)
    {
        var ns = Math.Clamp(ToNanoseconds(ticks), 1, HighestTrackableNs);
        Histogram.RecordValue(ns);
        if (ns < MinNs) MinNs = ns;
        var slot = (int)((endTimestamp - _origin) / (double)Stopwatch.Frequency / SlotWidth.TotalSeconds);
        if (slot < 0) slot = 0;
        while (_slots.Count <= slot) _slots.Add(0);
        _slots[slot]++;
    }

    public void Merge(LatencyRecorder other)
    {
        Histogram.Add(other.Histogram);
        MinNs = Math.Min(MinNs, other.MinNs);
        while (_slots.Count < other._slots.Count) _slots.Add(0);
        for (var i = 0; i < other._slots.Count; i++) _slots[i] += other._slots[i];
    }

    public LatencySummary Summarize() => LatencySummary.From(Histogram, MinNs);

    /// <summary>Operations per second in each slot, from the first slot to the last one with completions.</summary>
    public List<double> Timeline()
    {
        var perSecond = 1 / SlotWidth.TotalSeconds;
        return [.. _slots.Select(count => count * perSecond)];
    }
}

/// <summary>A latency distribution, in nanoseconds.</summary>
public sealed record LatencySummary(long Count, double MeanNs, long MinNs, long P50Ns, long P90Ns, long P99Ns, long P999Ns, long MaxNs,
    List<PercentilePoint> Distribution)
{
    public static readonly LatencySummary Empty = new(0, 0, 0, 0, 0, 0, 0, 0, []);

    public static LatencySummary From(LongHistogram histogram, long minNs)
    {
        if (histogram.TotalCount == 0) return Empty;
        var points = new List<PercentilePoint>();
        foreach (var value in histogram.Percentiles(5))
        {
            points.Add(new PercentilePoint(value.PercentileLevelIteratedTo, histogram.HighestEquivalentValue(value.ValueIteratedTo)));
            if (value.PercentileLevelIteratedTo >= 99.999) break;
        }
        return new LatencySummary(
            histogram.TotalCount,
            histogram.GetMean(),
            minNs == long.MaxValue ? 0 : minNs,
            histogram.GetValueAtPercentile(50),
            histogram.GetValueAtPercentile(90),
            histogram.GetValueAtPercentile(99),
            histogram.GetValueAtPercentile(99.9),
            histogram.GetMaxValue(),
            points);
    }
}

public sealed record PercentilePoint(double Percentile, long ValueNs);
