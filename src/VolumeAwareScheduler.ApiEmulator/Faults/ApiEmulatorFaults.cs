using VolumeAwareScheduler.ApiEmulator.Resources;
using VolumeAwareScheduler.ApiEmulator.Storage;

namespace VolumeAwareScheduler.ApiEmulator.Faults;

/// <summary>
/// Fault injection for tests. Thread-safe. Faults apply to HTTP requests only; in-process seeding and the
/// simulated controllers are never affected.
/// </summary>
/// <remarks>
/// Verbs are the API's: <c>get</c>, <c>list</c>, <c>watch</c>, <c>create</c>, <c>update</c>, <c>patch</c>,
/// <c>delete</c>, <c>deletecollection</c>. Resources are plurals, with a subresource after a slash
/// (<c>pods</c>, <c>pods/binding</c>, <c>pods/status</c>). <c>*</c> matches any verb or resource.
/// </remarks>
public sealed class ApiEmulatorFaults
{
    private readonly Lock _lock = new();
    private readonly List<PendingFault> _pending = [];
    private readonly List<PendingInterrupt> _interrupts = [];
    private readonly Dictionary<string, long> _injected = new(StringComparer.Ordinal);
    private readonly ObjectStore _store;
    private long _latencyTicks;

    internal ApiEmulatorFaults(ObjectStore store) => _store = store;

    /// <summary>Delay added before every HTTP request is handled (measured on the emulator's <see cref="TimeProvider"/>).</summary>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _latencyTicks, value.Ticks);
        }
    }

    /// <summary>Fails the next <paramref name="count"/> requests matching <paramref name="verb"/> and <paramref name="resource"/> with <paramref name="statusCode"/> and a Status body.</summary>
    public void FailNext(string verb, string resource, int statusCode, int count = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(verb);
        ArgumentException.ThrowIfNullOrEmpty(resource);
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (_lock)
        {
            _pending.Add(new PendingFault(verb, resource, count, () => ApiError.Injected(statusCode)));
        }
    }

    /// <summary>
    /// Answers the next <paramref name="count"/> updates and patches of <paramref name="resource"/> with the
    /// optimistic-concurrency 409 Conflict the real API returns for a stale resourceVersion.
    /// </summary>
    public void InjectConflicts(string resource, int count)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (_lock)
        {
            _pending.Add(new PendingFault("update", resource, count, null));
            _pending.Add(new PendingFault("patch", resource, count, null));
        }
    }

    /// <summary>
    /// Cuts the caller off just before the next request matching <paramref name="verb"/> and <paramref name="resource"/>
    /// lands: <paramref name="interrupt"/> runs (e.g. to stop the process that sent it), then the request is refused with
    /// 503 and changes nothing. One request, then the interrupt is spent.
    /// </summary>
    public void InterruptBefore(string verb, string resource, Action interrupt) => AddInterrupt(verb, resource, interrupt, afterCommit: false);

    /// <summary>
    /// Cuts the caller off just after the next request matching <paramref name="verb"/> and <paramref name="resource"/>
    /// has been applied (a 2xx answer; a refused request leaves the interrupt armed): <paramref name="interrupt"/> runs
    /// before the answer is sent. One request, then the interrupt is spent.
    /// </summary>
    public void InterruptAfter(string verb, string resource, Action interrupt) => AddInterrupt(verb, resource, interrupt, afterCommit: true);

    /// <summary>
    /// How many requests each kind of fault has answered since the start, keyed "&lt;code&gt; &lt;verb&gt; &lt;resource&gt;"
    /// (e.g. "409 update persistentvolumes"), interrupts as "interrupt before|after &lt;verb&gt; &lt;resource&gt;". Not cleared by <see cref="Reset"/>.
    /// </summary>
    public IReadOnlyDictionary<string, long> Injected
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, long>(_injected, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Ends every open HTTP watch now; clients see the stream end without an error.</summary>
    public void DropWatches() => _store.DropWatches();

    /// <summary>Forgets every retained event, so a watch resuming from an earlier resourceVersion gets 410 Expired.</summary>
    public void Compact() => _store.Compact();

    /// <summary>Clears latency, every pending fault and every armed interrupt.</summary>
    public void Reset()
    {
        Latency = TimeSpan.Zero;
        lock (_lock)
        {
            _pending.Clear();
            _interrupts.Clear();
        }
    }

    /// <summary>Consumes and returns the fault for this request, if any. <paramref name="name"/> is used in conflict messages.</summary>
    internal ApiError? TakeFault(string verb, string resource, ResourceKind? kind, string? name)
    {
        lock (_lock)
        {
            for (var i = 0; i < _pending.Count; i++)
            {
                var fault = _pending[i];
                if (!fault.Matches(verb, resource))
                {
                    continue;
                }

                if (fault.Remaining == 1)
                {
                    _pending.RemoveAt(i);
                }
                else
                {
                    _pending[i] = fault with { Remaining = fault.Remaining - 1 };
                }

                var error = fault.Error is not null
                    ? fault.Error()
                    : kind is null
                        ? ApiError.Conflict(resource, "", name ?? "", ApiError.OptimisticLockErrorMsg)
                        : ApiError.StaleResourceVersion(kind, name ?? "");
                Count($"{error.Code} {verb} {resource}");
                return error;
            }

            return null;
        }
    }

    /// <summary>Consumes and returns the interrupt armed for this request at this stage, if any.</summary>
    internal Action? TakeInterrupt(string verb, string resource, bool afterCommit)
    {
        lock (_lock)
        {
            var index = _interrupts.FindIndex(i => i.AfterCommit == afterCommit && PendingFault.Matches(i.Verb, i.Resource, verb, resource));
            if (index < 0)
            {
                return null;
            }

            var interrupt = _interrupts[index];
            _interrupts.RemoveAt(index);
            Count($"interrupt {(afterCommit ? "after" : "before")} {verb} {resource}");
            return interrupt.Action;
        }
    }

    /// <summary>Counts one injection; the caller holds the lock.</summary>
    private void Count(string key) => _injected[key] = _injected.GetValueOrDefault(key) + 1;

    private void AddInterrupt(string verb, string resource, Action interrupt, bool afterCommit)
    {
        ArgumentException.ThrowIfNullOrEmpty(verb);
        ArgumentException.ThrowIfNullOrEmpty(resource);
        ArgumentNullException.ThrowIfNull(interrupt);
        lock (_lock)
        {
            _interrupts.Add(new PendingInterrupt(verb, resource, afterCommit, interrupt));
        }
    }

    private sealed record PendingInterrupt(string Verb, string Resource, bool AfterCommit, Action Action);

    private sealed record PendingFault(string Verb, string Resource, int Remaining, Func<ApiError>? Error)
    {
        public bool Matches(string verb, string resource) => Matches(Verb, Resource, verb, resource);

        public static bool Matches(string pattern, string resourcePattern, string verb, string resource) =>
            (pattern == "*" || string.Equals(pattern, verb, StringComparison.OrdinalIgnoreCase))
            && (resourcePattern == "*" || string.Equals(resourcePattern, resource, StringComparison.OrdinalIgnoreCase));
    }
}
