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

    /// <summary>Ends every open HTTP watch now; clients see the stream end without an error.</summary>
    public void DropWatches() => _store.DropWatches();

    /// <summary>Forgets every retained event, so a watch resuming from an earlier resourceVersion gets 410 Expired.</summary>
    public void Compact() => _store.Compact();

    /// <summary>Clears latency and every pending fault.</summary>
    public void Reset()
    {
        Latency = TimeSpan.Zero;
        lock (_lock)
        {
            _pending.Clear();
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

                if (fault.Error is not null)
                {
                    return fault.Error();
                }

                return kind is null
                    ? ApiError.Conflict(resource, "", name ?? "", ApiError.OptimisticLockErrorMsg)
                    : ApiError.StaleResourceVersion(kind, name ?? "");
            }

            return null;
        }
    }

    private sealed record PendingFault(string Verb, string Resource, int Remaining, Func<ApiError>? Error)
    {
        public bool Matches(string verb, string resource) =>
            (Verb == "*" || string.Equals(Verb, verb, StringComparison.OrdinalIgnoreCase))
            && (Resource == "*" || string.Equals(Resource, resource, StringComparison.OrdinalIgnoreCase));
    }
}
