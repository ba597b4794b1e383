using System.Threading.Channels;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;

namespace VolumeAwareScheduler.Kubernetes.Queue;

public sealed record QueueOptions
{
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Safety net: an unschedulable pod is retried after this long even if no event cured it (upstream: 5 minutes).</summary>
    public TimeSpan UnschedulableFlush { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>Where a pod waits.</summary>
public enum QueueState : byte
{
    Active,
    InFlight,
    Backoff,
    Unschedulable,
    /// <summary>A PreEnqueue plugin (SchedulingGates) keeps the pod out of the active queue until the pod changes.</summary>
    Gated,
}

/// <summary>The cluster event that moved a pod out of the unschedulable set, and when the queue saw it.</summary>
public readonly record struct CuringEvent(ClusterEvent Event, DateTimeOffset At);

/// <summary>A pod handed to the scheduling cycle: its attempt count (this one included) and what requeued it, if an event did.</summary>
public readonly record struct QueuedPod(ObjectKey Pod, int Attempts, CuringEvent? Cure);

/// <summary>How many pods wait where (upstream's scheduler_pending_pods by queue).</summary>
public readonly record struct QueueDepths(int Active, int Backoff, int Unschedulable, int InFlight, int Gated = 0);

/// <summary>
/// kube-scheduler's scheduling queue (pkg/scheduler/backend/queue/scheduling_queue.go), on TimeProvider:
/// <list type="bullet">
/// <item>an active queue ordered by priority, then arrival: a prioritized channel, so a pop is one
/// <c>ReadAsync</c>;</item>
/// <item>a backoff queue: a heap by the time each pod's backoff ends (initial × 2^(attempts−1), capped), with one
/// timer armed for the earliest;</item>
/// <item>an unschedulable set whose pods move on when a cluster event that can cure their rejection happens
/// (<see cref="RequeueHints"/>), or after <see cref="QueueOptions.UnschedulableFlush"/> at the latest.</item>
/// </list>
/// The dictionary of entries is the truth; channel and heap items carry the generation of the entry they were queued
/// for, and an item whose pod was updated, moved or deleted since (another generation) is skipped when it comes out.
/// </summary>
public sealed class SchedulingQueue : IDisposable
{
    private readonly object _lock = new();
    private readonly TimeProvider _time;
    private readonly QueueOptions _options;
    private readonly Dictionary<ObjectKey, Entry> _entries = [];
    private readonly Channel<Queued> _active = Channel.CreateUnboundedPrioritized(
        new UnboundedPrioritizedChannelOptions<Queued> { Comparer = ActiveOrder.Instance, SingleReader = true });
    private readonly PriorityQueue<Queued, DateTimeOffset> _backoff = new();
    private readonly ITimer _backoffTimer;
    private readonly ITimer _flushTimer;
    private long _generation;

    public SchedulingQueue(TimeProvider time, QueueOptions? options = null)
    {
        _time = time;
        _options = options ?? new QueueOptions();
        _backoffTimer = time.CreateTimer(_ => FlushBackoff(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var period = _options.UnschedulableFlush / 2;
        _flushTimer = time.CreateTimer(_ => FlushUnschedulable(), null, period, period);
    }

    public int Count
    {
        get { lock (_lock) return _entries.Count; }
    }

    public QueueState? StateOf(ObjectKey pod)
    {
        lock (_lock) return _entries.TryGetValue(pod, out var e) ? e.State : null;
    }

    /// <summary>Pods per sub-queue, counted now.</summary>
    public QueueDepths Depths()
    {
        int active = 0, backoff = 0, unschedulable = 0, inFlight = 0, gated = 0;
        lock (_lock)
        {
            foreach (var entry in _entries.Values)
            {
                switch (entry.State)
                {
                    case QueueState.Active: active++; break;
                    case QueueState.Backoff: backoff++; break;
                    case QueueState.Unschedulable: unschedulable++; break;
                    case QueueState.InFlight: inFlight++; break;
                    case QueueState.Gated: gated++; break;
                }
            }
        }
        return new QueueDepths(active, backoff, unschedulable, inFlight, gated);
    }

    /// <summary>
    /// A pending pod appeared or changed: it goes to the active queue unless it is being scheduled or backing off
    /// (a gated pod whose PreEnqueue now passes goes to the active queue: upstream's pod update moves it).
    /// A changed priority reorders a pod already active (its old place goes stale).
    /// </summary>
    public void Add(ObjectKey pod, int priority)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(pod, out var existing))
            {
                var reordered = existing.Priority != priority;
                existing.Priority = priority;
                if (existing.State is QueueState.Unschedulable or QueueState.Gated || (reordered && existing.State is QueueState.Active)) Activate(existing);
                return;
            }
            var entry = new Entry(pod) { Priority = priority };
            _entries[pod] = entry;
            Activate(entry);
        }
    }

    /// <summary>
    /// A pending pod that a PreEnqueue plugin rejected (scheduling_queue.go: unschedulablePods with gated set): it
    /// waits outside the active queue, is not flushed by time and is not moved by cluster events; only
    /// <see cref="Add"/>, after the pod changed and PreEnqueue passed, moves it on. A pod already queued stays where it is.
    /// </summary>
    public void Gate(ObjectKey pod, int priority)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(pod, out var existing))
            {
                existing.Priority = priority;
                return;
            }
            _entries[pod] = new Entry(pod) { Priority = priority, State = QueueState.Gated, Generation = ++_generation };
        }
    }

    /// <summary>The pod was bound or deleted: forget it (whatever is still queued for it goes stale).</summary>
    public void Remove(ObjectKey pod)
    {
        lock (_lock) _entries.Remove(pod);
    }

    /// <summary>Waits for the next pod of the active queue and marks it in flight.</summary>
    public async Task<QueuedPod> PopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var item = await _active.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                if (!IsCurrent(item, QueueState.Active, out var entry)) continue;
                entry.State = QueueState.InFlight;
                entry.Generation = ++_generation;
                entry.Attempts++;
                entry.LastAttempt = _time.GetUtcNow();
                entry.EventsWhileInFlight?.Clear();
                return new QueuedPod(entry.Pod, entry.Attempts, entry.Cure);
            }
        }
    }

    /// <summary>No node fits: park the pod until an event may cure one of the rejecting plugins.</summary>
    public void MarkUnschedulable(ObjectKey pod, IReadOnlySet<string> rejectingPlugins)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(pod, out var entry)) return;
            entry.State = QueueState.Unschedulable;
            entry.Generation = ++_generation;
            entry.RejectingPlugins = rejectingPlugins;
            entry.UnschedulableSince = _time.GetUtcNow();
            entry.Cure = null;
            // A curing event that arrived while the pod was being decided is not lost (upstream's in-flight events).
            foreach (var seen in entry.EventsWhileInFlight ?? [])
            {
                if (!RequeueHints.MayCure(rejectingPlugins, seen.Event)) continue;
                entry.Cure = seen;
                Backoff(entry);
                break;
            }
            entry.EventsWhileInFlight?.Clear();
        }
    }

    /// <summary>The cycle failed for a transient reason (a conflict, an API error): retry after the pod's backoff.</summary>
    public void Retry(ObjectKey pod)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(pod, out var entry)) Backoff(entry);
        }
    }

    /// <summary>A cluster event: unschedulable pods whose rejecters it may cure move on (to backoff or active).</summary>
    public int OnClusterEvent(ClusterEvent evt)
    {
        var moved = 0;
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            foreach (var entry in _entries.Values)
            {
                if (entry.State == QueueState.InFlight)
                {
                    // Kept once per kind and action (the first), so a long binding cycle does not accumulate them.
                    entry.EventsWhileInFlight ??= [];
                    if (!entry.EventsWhileInFlight.Exists(e => e.Event == evt)) entry.EventsWhileInFlight.Add(new CuringEvent(evt, now));
                    continue;
                }
                if (entry.State != QueueState.Unschedulable || !RequeueHints.MayCure(entry.RejectingPlugins, evt)) continue;
                entry.Cure = new CuringEvent(evt, now);
                Backoff(entry);
                moved++;
            }
        }
        return moved;
    }

    /// <summary>Backoff of a pod after n attempts: initial × 2^(n−1), capped.</summary>
    public TimeSpan BackoffFor(int attempts)
    {
        var ticks = _options.InitialBackoff.Ticks;
        for (var i = 1; i < attempts && ticks < _options.MaxBackoff.Ticks; i++) ticks *= 2;
        return TimeSpan.FromTicks(Math.Min(ticks, _options.MaxBackoff.Ticks));
    }

    /// <summary>Under the lock: to the backoff heap until the pod's backoff has passed, or straight to active.</summary>
    private void Backoff(Entry entry)
    {
        var readyAt = entry.LastAttempt + BackoffFor(Math.Max(1, entry.Attempts));
        if (readyAt <= _time.GetUtcNow())
        {
            Activate(entry);
            return;
        }
        entry.State = QueueState.Backoff;
        entry.Generation = ++_generation;
        _backoff.Enqueue(new Queued(entry.Pod, entry.Generation, entry.Priority), readyAt);
        if (_backoff.TryPeek(out _, out var earliest) && earliest == readyAt) ArmBackoffTimer();
    }

    private void FlushBackoff()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            while (_backoff.TryPeek(out var item, out var readyAt) && readyAt <= now)
            {
                _backoff.Dequeue();
                if (IsCurrent(item, QueueState.Backoff, out var entry)) Activate(entry);
            }
            ArmBackoffTimer();
        }
    }

    private void ArmBackoffTimer()
    {
        var due = _backoff.TryPeek(out _, out var readyAt)
            ? TimeSpan.FromTicks(Math.Max(0, (readyAt - _time.GetUtcNow()).Ticks))
            : Timeout.InfiniteTimeSpan;
        _backoffTimer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void FlushUnschedulable()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            foreach (var entry in _entries.Values)
            {
                if (entry.State == QueueState.Unschedulable && now - entry.UnschedulableSince >= _options.UnschedulableFlush) Activate(entry);
            }
        }
    }

    /// <summary>Under the lock: a new generation in the active channel; whatever was queued for the pod before goes stale.</summary>
    private void Activate(Entry entry)
    {
        entry.State = QueueState.Active;
        entry.Generation = ++_generation;
        _active.Writer.TryWrite(new Queued(entry.Pod, entry.Generation, entry.Priority)); // unbounded: always accepted
    }

    private bool IsCurrent(Queued item, QueueState state, out Entry entry) =>
        _entries.TryGetValue(item.Pod, out entry!) && entry.Generation == item.Generation && entry.State == state;

    public void Dispose()
    {
        _flushTimer.Dispose();
        _backoffTimer.Dispose();
    }

    /// <summary>What the channel and the heap hold. The generation is global and increasing, so it also orders arrivals.</summary>
    private readonly record struct Queued(ObjectKey Pod, long Generation, int Priority);

    private sealed class Entry(ObjectKey pod)
    {
        public ObjectKey Pod { get; } = pod;
        public int Priority { get; set; }
        public long Generation { get; set; }
        public int Attempts { get; set; }
        public QueueState State { get; set; }
        public DateTimeOffset LastAttempt { get; set; }
        public DateTimeOffset UnschedulableSince { get; set; }
        public IReadOnlySet<string> RejectingPlugins { get; set; } = new HashSet<string>();
        public CuringEvent? Cure { get; set; }
        public List<CuringEvent>? EventsWhileInFlight { get; set; }
    }

    /// <summary>Priority descending, then arrival (generation) ascending.</summary>
    private sealed class ActiveOrder : IComparer<Queued>
    {
        public static readonly ActiveOrder Instance = new();

        public int Compare(Queued x, Queued y)
        {
            var c = y.Priority.CompareTo(x.Priority);
            return c != 0 ? c : x.Generation.CompareTo(y.Generation);
        }
    }
}
