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
}

/// <summary>
/// kube-scheduler's scheduling queue (pkg/scheduler/backend/queue/scheduling_queue.go), on TimeProvider:
/// an active queue ordered by priority then arrival; a backoff queue (per-pod exponential backoff); and an
/// unschedulable set whose pods return when a cluster event that can cure their rejection happens
/// (<see cref="RequeueHints"/>), or after <see cref="QueueOptions.UnschedulableFlush"/> at the latest.
/// </summary>
public sealed class SchedulingQueue : IDisposable
{
    private readonly object _lock = new();
    private readonly TimeProvider _time;
    private readonly QueueOptions _options;
    private readonly Dictionary<ObjectKey, Entry> _entries = [];
    private readonly SortedSet<Entry> _active = new(ActiveOrder.Instance);
    private readonly ITimer _flushTimer;
    private TaskCompletionSource _activeChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sequence;

    public SchedulingQueue(TimeProvider time, QueueOptions? options = null)
    {
        _time = time;
        _options = options ?? new QueueOptions();
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

    /// <summary>A pending pod appeared or changed: it goes to the active queue unless it is being scheduled.</summary>
    public void Add(ObjectKey pod, int priority)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(pod, out var existing))
            {
                existing.Priority = priority;
                if (existing.State is QueueState.Unschedulable) Activate(existing);
                return;
            }
            var entry = new Entry(pod) { Priority = priority };
            _entries[pod] = entry;
            Activate(entry);
        }
    }

    /// <summary>The pod was bound or deleted: forget it.</summary>
    public void Remove(ObjectKey pod)
    {
        lock (_lock)
        {
            if (!_entries.Remove(pod, out var entry)) return;
            _active.Remove(entry);
            entry.Timer?.Dispose();
        }
    }

    /// <summary>Waits for the next pod of the active queue and marks it in flight.</summary>
    public async Task<ObjectKey> PopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_active.Min is { } next)
                {
                    _active.Remove(next);
                    next.State = QueueState.InFlight;
                    next.Attempts++;
                    next.LastAttempt = _time.GetUtcNow();
                    return next.Pod;
                }
                changed = _activeChanged.Task;
            }
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>No node fits: park the pod until an event may cure one of the rejecting plugins.</summary>
    public void MarkUnschedulable(ObjectKey pod, IReadOnlySet<string> rejectingPlugins)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(pod, out var entry)) return;
            entry.State = QueueState.Unschedulable;
            entry.RejectingPlugins = rejectingPlugins;
            entry.UnschedulableSince = _time.GetUtcNow();
            if (entry.EventWhileInFlight)
            {
                // A curing event arrived while the pod was being decided: do not lose it.
                entry.EventWhileInFlight = false;
                Backoff(entry);
            }
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
            foreach (var entry in _entries.Values)
            {
                if (entry.State == QueueState.InFlight)
                {
                    entry.EventWhileInFlight = true;
                    continue;
                }
                if (entry.State != QueueState.Unschedulable || !RequeueHints.MayCure(entry.RejectingPlugins, evt)) continue;
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

    private void Backoff(Entry entry)
    {
        var wait = BackoffFor(Math.Max(1, entry.Attempts));
        var readyAt = entry.LastAttempt + wait;
        var remaining = readyAt - _time.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            Activate(entry);
            return;
        }
        entry.State = QueueState.Backoff;
        entry.Timer?.Dispose();
        entry.Timer = _time.CreateTimer(_ =>
        {
            lock (_lock)
            {
                if (_entries.TryGetValue(entry.Pod, out var current) && current == entry && entry.State == QueueState.Backoff) Activate(entry);
            }
        }, null, remaining, Timeout.InfiniteTimeSpan);
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

    private void Activate(Entry entry)
    {
        entry.Timer?.Dispose();
        entry.Timer = null;
        entry.State = QueueState.Active;
        entry.Sequence = _sequence++;
        _active.Add(entry);
        var changed = _activeChanged;
        _activeChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    public void Dispose()
    {
        _flushTimer.Dispose();
        lock (_lock)
        {
            foreach (var entry in _entries.Values) entry.Timer?.Dispose();
        }
    }

    private sealed class Entry(ObjectKey pod)
    {
        public ObjectKey Pod { get; } = pod;
        public int Priority { get; set; }
        public long Sequence { get; set; }
        public int Attempts { get; set; }
        public QueueState State { get; set; }
        public DateTimeOffset LastAttempt { get; set; }
        public DateTimeOffset UnschedulableSince { get; set; }
        public IReadOnlySet<string> RejectingPlugins { get; set; } = new HashSet<string>();
        public bool EventWhileInFlight { get; set; }
        public ITimer? Timer { get; set; }
    }

    private sealed class ActiveOrder : IComparer<Entry>
    {
        public static readonly ActiveOrder Instance = new();

        public int Compare(Entry? x, Entry? y)
        {
            var c = y!.Priority.CompareTo(x!.Priority);
            return c != 0 ? c : x.Sequence.CompareTo(y.Sequence);
        }
    }
}
