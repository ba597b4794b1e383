using System.Threading.Channels;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;

namespace VolumeAwareScheduler.Kubernetes.Queue;

public sealed record QueueOptions
{
    /// <summary>podInitialBackoffSeconds (upstream default 1 s).</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>podMaxBackoffSeconds (upstream default 10 s). Zero turns backoff off altogether, as in v1.34+ (kubernetes/kubernetes#131965).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Safety net (podMaxInUnschedulablePodsDuration, upstream default 5 minutes): a pod unschedulable for this long is
    /// requeued even if no event cured it, after its backoff. The set is checked every 30 s, or every half of this when
    /// it is shorter.
    /// </summary>
    public TimeSpan UnschedulableFlush { get; init; } = TimeSpan.FromMinutes(5);
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
/// kube-scheduler's scheduling queue as in Kubernetes v1.37 (pkg/scheduler/backend/queue/scheduling_queue.go,
/// backoff_queue.go, active_queue.go), on TimeProvider:
/// <list type="bullet">
/// <item>an active queue ordered as PrioritySort orders it (priority, then the time the pod entered the queue): a
/// prioritized channel, so a pop is one <c>ReadAsync</c>;</item>
/// <item>two backoff heaps, as backoffQueue has them: pods rejected by plugins (ordered by backoff expiry, then as the
/// active queue within one 1-second ordering window) and pods whose cycle failed with an error (by expiry);</item>
/// <item>an unschedulable set whose pods move on when a cluster event that can cure their rejection happens
/// (<see cref="RequeueHints"/>), or after <see cref="QueueOptions.UnschedulableFlush"/> at the latest; either way to
/// the backoff heap while their backoff lasts, else to the active queue.</item>
/// </list>
/// The behaviours that are v1.37's and not what older releases did, each with its test in SchedulingQueueTests:
/// <list type="number">
/// <item>SchedulerPopFromBackoffQ (beta and on since v1.33): when the active queue is empty, a pop takes the head of
/// the rejected-pods backoff heap at once, backoff or not; pods backing off after an error are not popped early.</item>
/// <item>Backoff windows (KEP-5142): a pod's backoff expiry is truncated to the whole second, and the pod is backing off
/// until that second has passed; the heap is flushed once per window.</item>
/// <item>Backoff by cause: the backoff grows with the times the pod was found unschedulable (UnschedulableCount), or,
/// after an error, with the consecutive errors (ConsecutiveErrorsCount); it is measured from when the pod came back
/// to the queue, not from when it was popped.</item>
/// <item>A zero <see cref="QueueOptions.MaxBackoff"/> disables backoff entirely (kubernetes/kubernetes#131965, v1.34).</item>
/// <item>The unschedulable flush requeues through the backoff rule (a wildcard event, queueAfterBackoff).</item>
/// </list>
/// The dictionary of entries is the truth; channel and heap items carry the generation of the entry they were queued
/// for, and an item whose pod was updated, moved or deleted since (another generation) is skipped when it comes out.
/// </summary>
public sealed class SchedulingQueue : IDisposable
{
    /// <summary>backoffQOrderingWindowDuration (backoff_queue.go).</summary>
    public static readonly TimeSpan BackoffOrderingWindow = TimeSpan.FromSeconds(1);

    /// <summary>How often the unschedulable set is checked (scheduling_queue.go Run: every 30 s).</summary>
    private static readonly TimeSpan UnschedulableCheckPeriod = TimeSpan.FromSeconds(30);

    private readonly object _lock = new();
    private readonly TimeProvider _time;
    private readonly QueueOptions _options;
    private readonly Dictionary<ObjectKey, Entry> _entries = [];
    private readonly Channel<Queued> _active = Channel.CreateUnboundedPrioritized(
        new UnboundedPrioritizedChannelOptions<Queued> { Comparer = ActiveOrder.Instance, SingleReader = true });
    /// <summary>podBackoffQ: pods rejected by plugins; popped early when the active queue is empty.</summary>
    private readonly PriorityQueue<Queued, (DateTimeOffset Expiry, long NegatedPriority, DateTimeOffset Timestamp, long Generation)> _backoff = new();
    /// <summary>podErrorBackoffQ: pods whose cycle failed with an error; only the flush takes them out.</summary>
    private readonly PriorityQueue<Queued, (DateTimeOffset Expiry, long Generation)> _errorBackoff = new();
    private readonly ITimer _backoffTimer;
    private readonly ITimer _flushTimer;
    private long _generation;
    /// <summary>Pop-from-backoff signals written to the active channel and not read yet (at most one per heap item).</summary>
    private int _pendingBackoffSignals;

    public SchedulingQueue(TimeProvider time, QueueOptions? options = null)
    {
        _time = time;
        _options = options ?? new QueueOptions();
        _backoffTimer = time.CreateTimer(_ => FlushBackoff(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var period = _options.UnschedulableFlush / 2 < UnschedulableCheckPeriod ? _options.UnschedulableFlush / 2 : UnschedulableCheckPeriod;
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
            var entry = new Entry(pod) { Priority = priority, Timestamp = _time.GetUtcNow() };
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

    /// <summary>
    /// Waits for the next pod and marks it in flight: the head of the active queue, or, when the active queue is
    /// empty, the head of the rejected-pods backoff heap (active_queue.go unlockedPop with SchedulerPopFromBackoffQ).
    /// </summary>
    public async Task<QueuedPod> PopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var item = await _active.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                Entry entry;
                if (item.IsBackoffSignal)
                {
                    // Signals sort after every pod: reading one means the active queue is empty now.
                    _pendingBackoffSignals--;
                    if (!TryPopBackoff(out entry)) continue;
                }
                else if (!IsCurrent(item, QueueState.Active, out entry))
                {
                    continue;
                }
                entry.State = QueueState.InFlight;
                entry.Generation = ++_generation;
                entry.Attempts++;
                entry.EventsWhileInFlight?.Clear();
                return new QueuedPod(entry.Pod, entry.Attempts, entry.Cure);
            }
        }
    }

    /// <summary>
    /// No node fits (AddUnschedulableIfNotPresent with rejecting plugins): one more unschedulable attempt, the error
    /// count reset, and the pod parked until an event may cure one of the rejecting plugins. An event that came while
    /// the pod was being decided and may cure it requeues it at once (upstream's in-flight events), after its backoff.
    /// </summary>
    public void MarkUnschedulable(ObjectKey pod, IReadOnlySet<string> rejectingPlugins)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(pod, out var entry)) return;
            entry.UnschedulableCount++;
            entry.ConsecutiveErrors = 0;
            entry.Timestamp = _time.GetUtcNow();
            entry.BackoffExpiry = null;
            entry.RejectingPlugins = rejectingPlugins;
            entry.State = QueueState.Unschedulable;
            entry.Generation = ++_generation;
            entry.Cure = null;
            foreach (var seen in entry.EventsWhileInFlight ?? [])
            {
                if (!RequeueHints.MayCure(rejectingPlugins, seen.Event)) continue;
                entry.Cure = seen;
                RequeueAfterBackoff(entry);
                break;
            }
            entry.EventsWhileInFlight?.Clear();
        }
    }

    /// <summary>
    /// The cycle failed for a transient reason (a conflict, an API error): AddUnschedulableIfNotPresent without rejecting
    /// plugins. One more consecutive error; the pod waits in the error backoff heap, which pops never take early.
    /// </summary>
    public void Retry(ObjectKey pod)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(pod, out var entry)) return;
            entry.ConsecutiveErrors++;
            entry.Timestamp = _time.GetUtcNow();
            entry.BackoffExpiry = null;
            entry.RejectingPlugins = NoPlugins;
            entry.EventsWhileInFlight?.Clear();
            RequeueAfterBackoff(entry); // the curing event, if any, stays: the binding it led to is still to come
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
                RequeueAfterBackoff(entry);
                moved++;
            }
        }
        return moved;
    }

    /// <summary>
    /// The backoff after <paramref name="count"/> unschedulable attempts (or consecutive errors): initial × 2^(count−1),
    /// capped at the maximum; none before the first, and none at all when the maximum is zero (calculateBackoffDuration).
    /// </summary>
    public TimeSpan BackoffFor(int count)
    {
        if (count <= 0 || _options.MaxBackoff <= TimeSpan.Zero) return TimeSpan.Zero;
        var ticks = _options.InitialBackoff.Ticks;
        for (var i = 1; i < count && ticks < _options.MaxBackoff.Ticks; i++) ticks *= 2;
        return TimeSpan.FromTicks(Math.Min(ticks, _options.MaxBackoff.Ticks));
    }

    /// <summary>
    /// getBackoffTime: when the pod's backoff ends, truncated to its ordering window; null when it has none (no attempt
    /// counted yet, or backoff disabled). Cached until the pod comes back to the queue again.
    /// </summary>
    private DateTimeOffset? BackoffExpiryOf(Entry entry)
    {
        if (_options.MaxBackoff <= TimeSpan.Zero) return null;
        var count = entry.ConsecutiveErrors > 0 ? entry.ConsecutiveErrors : entry.UnschedulableCount;
        if (count == 0) return null;
        return entry.BackoffExpiry ??= AlignToWindow(entry.Timestamp + BackoffFor(count));
    }

    /// <summary>isEntityBackingoff: the expiry's window has not passed yet (equal windows still back off).</summary>
    private bool IsBackingOff(Entry entry, DateTimeOffset now) =>
        BackoffExpiryOf(entry) is { } expiry && expiry >= AlignToWindow(now);

    private static DateTimeOffset AlignToWindow(DateTimeOffset t) =>
        new(t.UtcTicks - t.UtcTicks % BackoffOrderingWindow.Ticks, TimeSpan.Zero);

    /// <summary>
    /// Under the lock, requeuePodWithQueueingStrategy(queueAfterBackoff): to a backoff heap while the pod backs off,
    /// else straight to the active queue. Pods without rejecting plugins (errors) go to the error heap.
    /// </summary>
    private void RequeueAfterBackoff(Entry entry)
    {
        var now = _time.GetUtcNow();
        if (!IsBackingOff(entry, now))
        {
            Activate(entry);
            return;
        }
        entry.State = QueueState.Backoff;
        entry.Generation = ++_generation;
        var expiry = BackoffExpiryOf(entry)!.Value;
        var item = new Queued(entry.Pod, entry.Generation, entry.Priority, entry.Timestamp, IsBackoffSignal: false);
        if (entry.RejectingPlugins.Count == 0)
        {
            _errorBackoff.Enqueue(item, (expiry, entry.Generation));
        }
        else
        {
            _backoff.Enqueue(item, (expiry, -(long)entry.Priority, entry.Timestamp, entry.Generation));
            if (_pendingBackoffSignals < _backoff.Count)
            {
                // Wakes a waiting pop; read only once the active queue is empty.
                _pendingBackoffSignals++;
                _active.Writer.TryWrite(Queued.BackoffSignal);
            }
        }
        ArmBackoffTimer();
    }

    /// <summary>Under the lock: the first current pod of the rejected-pods heap (popBackoff), whatever its backoff.</summary>
    private bool TryPopBackoff(out Entry entry)
    {
        while (_backoff.TryDequeue(out var item, out _))
        {
            if (IsCurrent(item, QueueState.Backoff, out entry)) return true;
        }
        entry = null!;
        return false;
    }

    /// <summary>flushBackoffQCompleted: every pod of both heaps whose backoff window has passed goes to the active queue.</summary>
    private void FlushBackoff()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            while (_backoff.TryPeek(out var item, out var key) && key.Expiry < AlignToWindow(now))
            {
                _backoff.Dequeue();
                if (IsCurrent(item, QueueState.Backoff, out var entry)) Activate(entry);
            }
            while (_errorBackoff.TryPeek(out var item, out var key) && key.Expiry < AlignToWindow(now))
            {
                _errorBackoff.Dequeue();
                if (IsCurrent(item, QueueState.Backoff, out var entry)) Activate(entry);
            }
            ArmBackoffTimer();
        }
    }

    /// <summary>Under the lock: the timer for the end of the earliest expiry's window (upstream flushes at each window's start).</summary>
    private void ArmBackoffTimer()
    {
        DateTimeOffset? earliest = null;
        if (_backoff.TryPeek(out _, out var key)) earliest = key.Expiry;
        if (_errorBackoff.TryPeek(out _, out var errorKey) && (earliest is null || errorKey.Expiry < earliest)) earliest = errorKey.Expiry;
        var due = earliest is { } expiry
            ? TimeSpan.FromTicks(Math.Max(0, (expiry + BackoffOrderingWindow - _time.GetUtcNow()).Ticks))
            : Timeout.InfiniteTimeSpan;
        _backoffTimer.Change(due, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// flushUnschedulablePodsLeftover: pods unschedulable for longer than <see cref="QueueOptions.UnschedulableFlush"/>
    /// are requeued as by a wildcard event (EventUnschedulableTimeout): after their backoff, without a curing event.
    /// </summary>
    private void FlushUnschedulable()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            foreach (var entry in _entries.Values)
            {
                if (entry.State == QueueState.Unschedulable && now - entry.Timestamp > _options.UnschedulableFlush) RequeueAfterBackoff(entry);
            }
        }
    }

    /// <summary>Under the lock: a new generation in the active channel; whatever was queued for the pod before goes stale.</summary>
    private void Activate(Entry entry)
    {
        entry.State = QueueState.Active;
        entry.Generation = ++_generation;
        _active.Writer.TryWrite(new Queued(entry.Pod, entry.Generation, entry.Priority, entry.Timestamp, IsBackoffSignal: false)); // unbounded: always accepted
    }

    private bool IsCurrent(Queued item, QueueState state, out Entry entry) =>
        _entries.TryGetValue(item.Pod, out entry!) && entry.Generation == item.Generation && entry.State == state;

    public void Dispose()
    {
        _flushTimer.Dispose();
        _backoffTimer.Dispose();
    }

    private static readonly IReadOnlySet<string> NoPlugins = new HashSet<string>();

    /// <summary>
    /// What the channel and the heaps hold. The generation is global and increasing. A backoff signal stands for "pop
    /// from the backoff heap" and sorts after every pod.
    /// </summary>
    private readonly record struct Queued(ObjectKey Pod, long Generation, int Priority, DateTimeOffset Timestamp, bool IsBackoffSignal)
    {
        public static readonly Queued BackoffSignal = new(default, 0, 0, default, IsBackoffSignal: true);
    }

    private sealed class Entry(ObjectKey pod)
    {
        public ObjectKey Pod { get; } = pod;
        public int Priority { get; set; }
        public long Generation { get; set; }
        /// <summary>Pops, for metrics and logs (QueuedPodInfo.Attempts); backoff does not read it.</summary>
        public int Attempts { get; set; }
        /// <summary>Times the pod was found unschedulable (QueuedPodInfo.UnschedulableCount).</summary>
        public int UnschedulableCount { get; set; }
        /// <summary>Errors in a row (QueuedPodInfo.ConsecutiveErrorsCount); reset when a cycle ends unschedulable.</summary>
        public int ConsecutiveErrors { get; set; }
        public QueueState State { get; set; }
        /// <summary>When the pod entered the queue, or last came back to it (QueuedPodInfo.Timestamp).</summary>
        public DateTimeOffset Timestamp { get; set; }
        public DateTimeOffset? BackoffExpiry { get; set; }
        public IReadOnlySet<string> RejectingPlugins { get; set; } = NoPlugins;
        public CuringEvent? Cure { get; set; }
        public List<CuringEvent>? EventsWhileInFlight { get; set; }
    }

    /// <summary>PrioritySort's less (queuesort/priority_sort.go): priority descending, then Timestamp, then arrival; signals last.</summary>
    private sealed class ActiveOrder : IComparer<Queued>
    {
        public static readonly ActiveOrder Instance = new();

        public int Compare(Queued x, Queued y)
        {
            if (x.IsBackoffSignal != y.IsBackoffSignal) return x.IsBackoffSignal ? 1 : -1;
            var c = y.Priority.CompareTo(x.Priority);
            if (c != 0) return c;
            c = x.Timestamp.CompareTo(y.Timestamp);
            return c != 0 ? c : x.Generation.CompareTo(y.Generation);
        }
    }
}
