using BitFaster.Caching.Lru;
using k8s.Models;

namespace VolumeAwareScheduler.Kubernetes.Writers;

/// <summary>
/// What to do with an event before it reaches the API server, as client-go's EventCorrelator decides
/// (tools/record/events_cache.go, used by every recorder on the core/v1 Events API):
/// <list type="bullet">
/// <item>An event identical to one recorded before (source, involved object, type, reason, message) is not created
/// again: the stored one is patched with a higher <c>count</c> and a new <c>lastTimestamp</c>, which
/// <c>kubectl describe</c> shows as "(x5 over 2m)".</item>
/// <item>Ten events that differ only in their message within ten minutes become one "(combined from similar events): "
/// event, itself counted like the above.</item>
/// <item>A source may send 25 events about one object at once, then one every five minutes (a token bucket per
/// source and object); the rest are dropped.</item>
/// </list>
/// Each of the three keeps at most 4,096 keys, least recently used first out. Thread-safe: one lock over the three.
/// </summary>
public sealed class EventCorrelator(TimeProvider time)
{
    /// <summary>maxLruCacheEntries.</summary>
    public const int CacheSize = 4096;

    /// <summary>defaultAggregateMaxEvents and defaultAggregateIntervalInSeconds.</summary>
    public const int AggregateMaxEvents = 10;

    public static readonly TimeSpan AggregateInterval = TimeSpan.FromSeconds(600);

    /// <summary>defaultSpamBurst and defaultSpamQPS (one event every 300 s).</summary>
    public const int SpamBurst = 25;

    public static readonly TimeSpan SpamRefill = TimeSpan.FromSeconds(300);

    public const string AggregatePrefix = "(combined from similar events): ";

    private readonly Lock _lock = new();
    private readonly ClassicLru<string, SpamRecord> _spam = new(CacheSize);
    private readonly ClassicLru<string, AggregateRecord> _aggregates = new(CacheSize);
    private readonly ClassicLru<string, Observation> _observed = new(CacheSize);

    /// <summary>
    /// EventCorrelate: aggregation, then the observation of earlier identical events, then the spam filter. The
    /// answer's <see cref="EventCorrelation.Event"/> is the event to create, or (with <see cref="EventCorrelation.ExistingName"/>)
    /// the stored event's new count, timestamps and message to patch onto it.
    /// </summary>
    public EventCorrelation Correlate(Corev1Event evt)
    {
        var now = time.GetUtcNow().UtcDateTime;
        lock (_lock)
        {
            var (aggregated, key) = Aggregate(evt, now);
            var (observed, existing) = Observe(aggregated, key);
            return new EventCorrelation(observed, key, existing, Skip: !TryAcceptSpam(observed, now));
        }
    }

    /// <summary>updateState: the server's copy of an event that was created or patched, so the next identical one patches it.</summary>
    public void Recorded(string key, Corev1Event stored)
    {
        lock (_lock)
        {
            _observed.AddOrUpdate(key, new Observation(stored.Count ?? 1, stored.FirstTimestamp, stored.Metadata.Name));
        }
    }

    /// <summary>Forgets an event the server no longer has (a patch answered 404), so it is created afresh.</summary>
    public void Forget(string key)
    {
        lock (_lock)
        {
            _observed.TryRemove(key);
        }
    }

    private (Corev1Event Event, string Key) Aggregate(Corev1Event evt, DateTime now)
    {
        var eventKey = EventKey(evt);
        var aggregateKey = AggregateKey(evt);
        if (!_aggregates.TryGet(aggregateKey, out var record) || now - record.LastTimestamp > AggregateInterval)
        {
            record = new AggregateRecord(new HashSet<string>(StringComparer.Ordinal), now);
        }
        record.Messages.Add(evt.Message ?? "");
        _aggregates.AddOrUpdate(aggregateKey, record with { LastTimestamp = now });
        if (record.Messages.Count < AggregateMaxEvents) return (evt, eventKey);

        // Keep the set from growing past the maximum (upstream drops an arbitrary member).
        record.Messages.Remove(record.Messages.First());
        var combined = new Corev1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = evt.Metadata?.GenerateName, NamespaceProperty = evt.Metadata?.NamespaceProperty },
            InvolvedObject = evt.InvolvedObject,
            Type = evt.Type,
            Reason = evt.Reason,
            Message = AggregatePrefix + evt.Message,
            Source = evt.Source,
            ReportingComponent = evt.ReportingComponent,
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
        };
        return (combined, aggregateKey);
    }

    private (Corev1Event Event, string? ExistingName) Observe(Corev1Event evt, string key)
    {
        if (!_observed.TryGet(key, out var last) || last.Count <= 0 || last.Name is null)
        {
            _observed.AddOrUpdate(key, new Observation(evt.Count ?? 1, evt.FirstTimestamp, null));
            return (evt, null);
        }
        var again = new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = last.Name, NamespaceProperty = evt.Metadata?.NamespaceProperty },
            InvolvedObject = evt.InvolvedObject,
            Type = evt.Type,
            Reason = evt.Reason,
            Message = evt.Message,
            Source = evt.Source,
            ReportingComponent = evt.ReportingComponent,
            FirstTimestamp = last.FirstTimestamp,
            LastTimestamp = evt.LastTimestamp,
            Count = last.Count + 1,
        };
        _observed.AddOrUpdate(key, last with { Count = last.Count + 1 });
        return (again, last.Name);
    }

    /// <summary>EventSourceObjectSpamFilter: a token bucket per source and object, refilled one token per <see cref="SpamRefill"/>.</summary>
    private bool TryAcceptSpam(Corev1Event evt, DateTime now)
    {
        var key = SpamKey(evt);
        var record = _spam.TryGet(key, out var found) ? found : new SpamRecord(SpamBurst, now);
        var refilled = Math.Min(SpamBurst, record.Tokens + (now - record.Updated) / SpamRefill);
        var accepted = refilled >= 1;
        _spam.AddOrUpdate(key, new SpamRecord(accepted ? refilled - 1 : refilled, now));
        return accepted;
    }

    /// <summary>getEventKey.</summary>
    private static string EventKey(Corev1Event evt) => string.Join('\0',
        SpamKey(evt), evt.InvolvedObject?.FieldPath, evt.Type, evt.Reason, evt.Message);

    /// <summary>getSpamKey: source and involved object.</summary>
    private static string SpamKey(Corev1Event evt) => string.Join('\0',
        evt.Source?.Component, evt.Source?.Host, evt.InvolvedObject?.Kind, evt.InvolvedObject?.NamespaceProperty,
        evt.InvolvedObject?.Name, evt.InvolvedObject?.Uid, evt.InvolvedObject?.ApiVersion);

    /// <summary>EventAggregatorByReasonFunc: everything but the message.</summary>
    private static string AggregateKey(Corev1Event evt) => string.Join('\0',
        SpamKey(evt), evt.Type, evt.Reason, evt.ReportingComponent, evt.ReportingInstance);

    private sealed record SpamRecord(double Tokens, DateTime Updated);

    private sealed record AggregateRecord(HashSet<string> Messages, DateTime LastTimestamp);

    private sealed record Observation(int Count, DateTime? FirstTimestamp, string? Name);
}
