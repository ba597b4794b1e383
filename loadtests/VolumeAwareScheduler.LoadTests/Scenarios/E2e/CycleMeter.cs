using System.Diagnostics.Metrics;

namespace VolumeAwareScheduler.LoadTests.Scenarios.E2e;

/// <summary>
/// The scheduler's own cycle histogram (vas.scheduler.cycle.duration), summed: how many scheduling cycles ran and how
/// long the serial loop spent in them, so a report can say whether the loop was saturated (busy ≈ wall time) or waited
/// for pods. Also the meter factory the scheduler records through.
/// </summary>
internal sealed class CycleMeter : IMeterFactory
{
    private readonly List<Meter> _meters = [];
    private readonly MeterListener _listener = new();
    private long _cycles;
    private long _cycleNanos;

    public CycleMeter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "vas.scheduler.cycle.duration" && _meters.Contains(instrument.Meter)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((_, seconds, _, _) =>
        {
            Interlocked.Increment(ref _cycles);
            Interlocked.Add(ref _cycleNanos, (long)(seconds * 1e9));
        });
        _listener.Start();
    }

    public (long Cycles, double BusySeconds) Read() => (Interlocked.Read(ref _cycles), Interlocked.Read(ref _cycleNanos) / 1e9);

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
        lock (_meters) _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        _listener.Dispose();
        lock (_meters)
        {
            foreach (var meter in _meters) meter.Dispose();
        }
    }
}
