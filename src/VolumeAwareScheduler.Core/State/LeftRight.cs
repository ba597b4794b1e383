namespace VolumeAwareScheduler.Core.State;

/// <summary>
/// Two replicas of a mutable structure, one for readers and one for the writer (the Left-Right technique of
/// Ramalhete and Correia, 2015). Readers never lock and never wait: they announce themselves on a counter, read the
/// published replica, and leave. The single writer applies a change to the replica nobody reads, publishes it,
/// waits until the readers of the other replica have left, then applies the same change there. So every read sees
/// one whole generation, never half a change, and a change never waits for a lock readers hold (readers hold none);
/// it waits at most for the reads already under way.
/// <para>
/// A change runs twice, once per replica, on replicas that are equal before it: it must depend only on the replica
/// and its argument, and have no effect outside the replica (do those once, around the write). Its result is the
/// first run's. A reader must not write (the write would wait for that reader forever).
/// </para>
/// The replicas share everything immutable they hold (the objects); only the containers exist twice.
/// </summary>
public sealed class LeftRight<T>
    where T : class
{
    private readonly T[] _replicas;
    // Readers arrive at and depart from the indicator _versionIndex names; two indicators so that the writer can wait
    // for the readers of one while new readers arrive at the other (no reader starves the writer).
    private readonly ReadIndicator[] _indicators = [new(), new()];
    private readonly object _writer = new();
    private int _readable;
    private int _versionIndex;
    private long _generation;

    public LeftRight(T first, T second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (ReferenceEquals(first, second)) throw new ArgumentException("the two replicas must be distinct objects", nameof(second));
        _replicas = [first, second];
    }

    /// <summary>How many writes have been published.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Runs <paramref name="read"/> on the published replica: wait-free, any number at once.</summary>
    public TResult Read<TArg, TResult>(TArg arg, Func<T, TArg, TResult> read)
    {
        var indicator = _indicators[Volatile.Read(ref _versionIndex)];
        indicator.Arrive();
        try
        {
            return read(_replicas[Volatile.Read(ref _readable)], arg);
        }
        finally
        {
            indicator.Depart();
        }
    }

    /// <summary>Runs <paramref name="read"/> on the published replica with its generation.</summary>
    public TResult Read<TResult>(Func<T, long, TResult> read)
    {
        var indicator = _indicators[Volatile.Read(ref _versionIndex)];
        indicator.Arrive();
        try
        {
            // The generation is read after arriving: the replica read next is at least that new.
            var generation = Interlocked.Read(ref _generation);
            return read(_replicas[Volatile.Read(ref _readable)], generation);
        }
        finally
        {
            indicator.Depart();
        }
    }

    /// <summary>
    /// Applies <paramref name="write"/> to both replicas (see the class comment for what it may do), one writer at a
    /// time. Returns the first run's result. If the first run throws, nothing is published and the exception
    /// propagates: a change that fails must fail before it changes anything.
    /// </summary>
    public TResult Write<TArg, TResult>(TArg arg, Func<T, TArg, TResult> write)
    {
        lock (_writer)
        {
            var readable = _readable;
            var back = 1 - readable;
            var result = write(_replicas[back], arg);
            // Publish; Interlocked for the full fence: the indicators below are read after readers can see the switch.
            Interlocked.Exchange(ref _readable, back);
            Interlocked.Increment(ref _generation);
            var previous = _versionIndex;
            var next = 1 - previous;
            _indicators[next].WaitUntilEmpty();
            Interlocked.Exchange(ref _versionIndex, next);
            _indicators[previous].WaitUntilEmpty();
            // No reader is on the old replica any more: bring it level.
            write(_replicas[readable], arg);
            return result;
        }
    }

    /// <summary>A counter of readers under way, alone on its cache lines (the two are written by different readers).</summary>
    private sealed class ReadIndicator
    {
#pragma warning disable CS0169, IDE0051 // padding
        private readonly long _p1, _p2, _p3, _p4, _p5, _p6, _p7;
#pragma warning restore CS0169, IDE0051
        private long _readers;
#pragma warning disable CS0169, IDE0051
        private readonly long _q1, _q2, _q3, _q4, _q5, _q6, _q7;
#pragma warning restore CS0169, IDE0051

        public void Arrive() => Interlocked.Increment(ref _readers);

        public void Depart() => Interlocked.Decrement(ref _readers);

        public void WaitUntilEmpty()
        {
            var spin = new SpinWait();
            while (Interlocked.Read(ref _readers) != 0) spin.SpinOnce(sleep1Threshold: 20);
        }
    }
}
