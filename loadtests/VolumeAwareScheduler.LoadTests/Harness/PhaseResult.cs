namespace VolumeAwareScheduler.LoadTests.Harness;

/// <summary>The measured part of one phase.</summary>
public sealed record PhaseResult
{
    public required string Name { get; init; }
    /// <summary>Phases of a group are charted together (e.g. all "query" phases on one latency chart).</summary>
    public required string Group { get; init; }
    public required string Model { get; init; }
    public long Completed { get; init; }
    public double ElapsedSeconds { get; init; }
    /// <summary>Completed operations per second of wall time, over the measured part.</summary>
    public double Throughput { get; init; }
    /// <summary>Response time: for the open model, from when the operation was due (corrected for coordinated omission).</summary>
    public required LatencySummary Latency { get; init; }
    /// <summary>Open model only: from when a worker started the operation.</summary>
    public LatencySummary? ServiceTime { get; init; }
    /// <summary>Open model only: how late the dispatcher handed operations out (timer granularity; the harness's own share).</summary>
    public LatencySummary? DispatchLag { get; init; }
    public double TimelineSlotSeconds { get; init; } = LatencyRecorder.SlotWidth.TotalSeconds;
    /// <summary>Operations per second in each slot of <see cref="TimelineSlotSeconds"/>.</summary>
    public List<double> Timeline { get; init; } = [];
    public Dictionary<string, long> Errors { get; init; } = [];
    /// <summary>Open model: operations dropped because too many were due and not started.</summary>
    public long Dropped { get; init; }
    /// <summary>Managed bytes allocated per operation (all threads, approximate).</summary>
    public double AllocatedBytesPerOperation { get; init; }
    public int Gen0Collections { get; init; }
    public int Gen2Collections { get; init; }
    /// <summary>
    /// Processor time the process used per second of the phase's wall time. A sequential phase on an idle machine is
    /// close to 1.0; well below that, other processes took the core and the latencies include that wait.
    /// </summary>
    public double CpuCores { get; init; }

    public long ErrorCount => Errors.Values.Sum();
}
