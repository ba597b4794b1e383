using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Extender;
using VolumeAwareScheduler.Core.State;
using VolumeAwareScheduler.Kubernetes.Cache;

namespace VolumeAwareScheduler.Hosting;

/// <summary>
/// The state the extender decides on, with its assume ledger, behind one reader-writer lock. Filter, prioritize and
/// explain read under the read lock, so they never see a half-applied write; every change (assume, the bind's writes,
/// commit, revert, and later the informers' events) runs under the write lock, in short synchronous sections.
/// Nothing awaits while holding the lock: I/O (the live binding writer) happens between sections.
/// </summary>
public sealed class ClusterStore : IDisposable
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly ClusterState _state;
    private readonly ExtenderCycle _extender;
    private readonly AssumeLedger _ledger;
    private readonly ClusterCache? _cache;
    private int _volumeCount;
    private int _nodeCount;

    /// <param name="profile">The profile the verbs decide with (<see cref="Profiles.Extender"/>).</param>
    /// <param name="explain">The profile explain runs over every node; the default profile when null.</param>
    public ClusterStore(ClusterState state, AssumeLedger ledger, Profile profile, Profile? explain = null)
    {
        _state = state;
        _extender = new ExtenderCycle(new SchedulingFramework(profile), new SchedulingFramework(explain ?? Profiles.Default(percentageOfNodesToScore: 100)));
        _ledger = ledger;
        Refresh();
    }

    /// <summary>
    /// Over the live cluster's cache: reads and writes take the cache's lock, the one its informer events are applied
    /// under, so a decision never sees half an event and an event never lands inside a decision.
    /// </summary>
    public ClusterStore(ClusterCache cache, Profile profile, Profile? explain = null)
        : this(cache.State, cache.Ledger, profile, explain)
    {
        _cache = cache;
    }

    /// <summary>PVs in the index after the last write (read without the lock, for metrics).</summary>
    public int VolumeCount => Volatile.Read(ref _volumeCount);

    public int NodeCount => Volatile.Read(ref _nodeCount);

    public T Read<TArg, T>(TArg arg, Func<ClusterState, ExtenderCycle, TArg, T> read)
    {
        if (_cache is not null) return _cache.Read(state => read(state, _extender, arg));
        _lock.EnterReadLock();
        try
        {
            return read(_state, _extender, arg);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public T Write<TArg, T>(TArg arg, Func<ClusterState, ExtenderCycle, AssumeLedger, TArg, T> write)
    {
        if (_cache is not null)
        {
            T result = default!;
            _cache.Write((state, ledger) => result = write(state, _extender, ledger, arg));
            Refresh();
            return result;
        }
        _lock.EnterWriteLock();
        try
        {
            return write(_state, _extender, _ledger, arg);
        }
        finally
        {
            Refresh();
            _lock.ExitWriteLock();
        }
    }

    private void Refresh()
    {
        Volatile.Write(ref _volumeCount, _state.Volumes.Count);
        Volatile.Write(ref _nodeCount, _state.Nodes.Count);
    }

    public void Dispose() => _lock.Dispose();
}
