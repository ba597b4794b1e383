namespace VolumeAwareScheduler.LoadTests.Harness;

/// <summary>How operations are injected.</summary>
public abstract record LoadModel
{
    public abstract string Describe();
}

/// <summary>
/// Closed model: a fixed number of workers, each starting its next operation when the previous one ends. Latency is
/// the operation's own time; the system under test sets the pace, so there is no coordinated omission to correct.
/// </summary>
public sealed record ClosedModel(int Concurrency) : LoadModel
{
    public override string Describe() => $"closed, {Concurrency} worker(s)";
}

/// <summary>
/// Open model: operations are due at a fixed rate whatever the system does. Latency is measured from when an
/// operation was due, not from when a worker got to it, so a stall shows in the percentiles instead of silently
/// delaying the next requests (coordinated omission). Service time (start to end) is reported apart. When more than
/// <paramref name="MaxOutstanding"/> operations are due but not started, new ones are dropped and counted.
/// </summary>
public sealed record OpenModel(double RatePerSecond, int Workers, int MaxOutstanding = 10_000) : LoadModel
{
    public override string Describe() => $"open, {RatePerSecond:0.##}/s over {Workers} worker(s)";
}

/// <summary>When a phase ends: after a number of operations, or after a duration.</summary>
public readonly record struct LoadLimit(long? Count, TimeSpan? Duration)
{
    public static LoadLimit Operations(long count) => new(count, null);

    public static LoadLimit For(TimeSpan duration) => new(null, duration);

    public static readonly LoadLimit None = new(0, null);

    public bool IsNone => Count == 0 && Duration is null;

    public override string ToString() => Duration is { } d ? $"{d.TotalSeconds:0.#} s" : $"{Count} ops";
}

/// <summary>
/// A named phase: warm-up (not recorded), then the measured load. A count-based warm-up is repeated until it has
/// lasted <see cref="MinWarmUp"/>, so that tiered compilation has promoted the hot methods (tier 0 code runs several
/// times slower, and the runtime waits about 100 ms of quiet before it starts promoting).
/// </summary>
public sealed record LoadPhase(string Name, string Group, LoadModel Model, LoadLimit Limit, LoadLimit WarmUp)
{
    public static readonly TimeSpan DefaultMinWarmUp = TimeSpan.FromMilliseconds(500);

    /// <summary>Zero for operations that consume their inputs (updates): their warm-up must run exactly its count.</summary>
    public TimeSpan MinWarmUp { get; init; } = DefaultMinWarmUp;

    /// <summary>Sequential, one operation at a time: what the index scenario's measurements use.</summary>
    public static LoadPhase Sequential(string name, string group, long count, long warmUp) =>
        new(name, group, new ClosedModel(1), LoadLimit.Operations(count), LoadLimit.Operations(warmUp));
}
