using VolumeAwareScheduler.LoadTests.Harness;

namespace VolumeAwareScheduler.LoadTests.Scenarios.E2e;

/// <summary>What one run with every pod created before scheduling started measured (<see cref="PreCreatedRun"/>).</summary>
public sealed record PreCreatedResult
{
    public required PodShape Shape { get; init; }
    /// <summary>The oracle binder's run (same API writes, no decisions), not the scheduler's.</summary>
    public required bool Oracle { get; init; }
    public required int Pods { get; init; }
    /// <summary>Seconds from the start of scheduling (or of the oracle's writes) to the last pod bound.</summary>
    public required double SpanSeconds { get; init; }
    public required long Cycles { get; init; }
    /// <summary>Wall time the serial loop spent in scheduling cycles (zero for the oracle).</summary>
    public required double CycleBusySeconds { get; init; }
    /// <summary>Managed bytes the whole process (emulator, scheduler or oracle, observer) allocated during the span.</summary>
    public required long AllocatedBytes { get; init; }
    public required TimeSpan Cpu { get; init; }
    public required int Gen2Collections { get; init; }
    /// <summary>Start → pod bound (spec.nodeName committed), per pod.</summary>
    public required LatencyRecorder ToPodBound { get; init; }
    /// <summary>Start → claim Bound (the PV controller done), per pod.</summary>
    public required LatencyRecorder ToClaimBound { get; init; }
    public required double SetupSeconds { get; init; }
    public required string Outcomes { get; init; }

    public double PodsPerSecond => Pods / Math.Max(SpanSeconds, 1e-9);

    public double MeanCycleNs => Cycles == 0 ? 0 : CycleBusySeconds * 1e9 / Cycles;

    /// <summary>The share of the span the scheduling loop was in a cycle.</summary>
    public double LoopBusy => CycleBusySeconds / Math.Max(SpanSeconds, 1e-9);

    public double AllocatedPerPod => (double)AllocatedBytes / Math.Max(Pods, 1);

    public double CpuPerPodNs => Cpu.TotalMilliseconds * 1e6 / Math.Max(Pods, 1);

    public string Label => Oracle ? $"oracle, {Shape.Name}" : $"scheduler alone, {Shape.Name}";
}
