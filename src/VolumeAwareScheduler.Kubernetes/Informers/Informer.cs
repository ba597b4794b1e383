using System.Net;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;
using k8s.Models;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Kubernetes.Informers;

public enum InformerEventType : byte
{
    /// <summary>A full, consistent list: the receiver replaces everything it holds of this kind.</summary>
    Replace,
    Upsert,
    Delete,
    /// <summary>Carries nothing: once the receiver applies it, everything queued before it is applied.</summary>
    Barrier,
}

public sealed record InformerEvent(ResourceKind Kind, InformerEventType Type, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects)
{
    /// <summary>
    /// A <see cref="InformerEventType.Replace"/> of the periodic audit: the watch was healthy, so whatever the list
    /// changes in the receiver is a divergence (an event lost or misapplied), repaired and counted.
    /// </summary>
    public bool IsAudit { get; init; }

    /// <summary>A barrier event (<see cref="InformerEventType.Barrier"/>).</summary>
    public static readonly InformerEvent Barrier = new(default, InformerEventType.Barrier, []);
}

/// <summary>An informer of any kind, as its owner runs and watches it.</summary>
public interface IInformer
{
    ResourceKind Kind { get; }

    /// <summary>Completes after the first full list was handed on.</summary>
    Task Synced { get; }

    int Relists { get; }

    int Resumes { get; }

    int Audits { get; }

    Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>One page of a list: KubernetesClient's generated ListXxxAsync(continue, limit).</summary>
public delegate Task<TList> ListCall<TList>(string? continueToken, int limit, CancellationToken cancellationToken);

/// <summary>
/// A watch from a resourceVersion with bookmarks: KubernetesClient's generated WatchListXxxAsync(resourceVersion,
/// allowWatchBookmarks: true, timeoutSeconds, onError).
/// </summary>
public delegate IAsyncEnumerable<(WatchEventType Type, T Object)> WatchCall<T>(
    string resourceVersion, int timeoutSeconds, Action<Exception> onError, CancellationToken cancellationToken);

public sealed record InformerOptions
{
    public int PageSize { get; init; } = 500;
    /// <summary>Server-side watch timeout; the watch is then resumed from the last resourceVersion.</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>A watch silent for longer than this (no event, no bookmark) is dropped and resumed.</summary>
    public TimeSpan SilenceLimit { get; init; } = TimeSpan.FromMinutes(2);
    public TimeSpan MinReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// How often the cache is checked against a fresh list: when a watch ends this long after the last list, the
    /// informer lists again instead of resuming, and the receiver repairs and counts what differs. Null: never.
    /// </summary>
    public TimeSpan? AuditPeriod { get; init; } = TimeSpan.FromMinutes(30);
}

/// <summary>
/// The client-go reflector, in C#: a paged list, then a watch from the list's resourceVersion (with bookmarks),
/// resumed from the last seen resourceVersion when it ends, a full relist when the server answers 410 Gone /
/// "Expired", a watchdog for silent watches, and exponential reconnect delays. KubernetesClient gives only the
/// raw watch stream; this is the loop around it. <see cref="Synced"/> completes after the first full list.
/// </summary>
public sealed class Informer<T, TList>(
    ResourceKind kind,
    ListCall<TList> list,
    WatchCall<T> watch,
    ChannelWriter<InformerEvent> sink,
    TimeProvider time,
    InformerOptions? options = null) : IInformer
    where T : class, IKubernetesObject<V1ObjectMeta>
    where TList : IKubernetesObject<V1ListMeta>, IItems<T>
{
    private readonly InformerOptions _options = options ?? new InformerOptions();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ResourceKind Kind => kind;

    public Task Synced => _synced.Task;

    /// <summary>Counts for observability and tests.</summary>
    public int Relists { get; private set; }

    public int Resumes { get; private set; }

    /// <summary>Audits made: lists taken while the watch was healthy, to check the receiver against them.</summary>
    public int Audits { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string? resourceVersion = null;
        var failures = 0;
        var audit = false;
        var listedAt = time.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is not null && _options.AuditPeriod is { } period && time.GetElapsedTime(listedAt) >= period)
                {
                    resourceVersion = null; // the watch ended: list again, to check the cache against the server
                    audit = true;
                }
                if (resourceVersion is null)
                {
                    resourceVersion = await ListAsync(audit, cancellationToken);
                    listedAt = time.GetTimestamp();
                    if (audit) Audits++;
                    else Relists++;
                    audit = false;
                    _synced.TrySetResult();
                }
                resourceVersion = await WatchAsync(resourceVersion, cancellationToken);
                failures = 0;
                Resumes++;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (ResourceExpiredException)
            {
                resourceVersion = null; // 410: relist at once
                audit = false;
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or KubernetesException or IOException or TimeoutException or OperationCanceledException)
            {
                failures++;
                var delay = TimeSpan.FromTicks(Math.Min(_options.MaxReconnectDelay.Ticks, _options.MinReconnectDelay.Ticks << Math.Min(failures, 16)));
                if (e is HttpOperationException { Response.StatusCode: HttpStatusCode.Gone })
                {
                    resourceVersion = null;
                    audit = false;
                }
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
        }
        _synced.TrySetCanceled(cancellationToken);
    }

    private async Task<string> ListAsync(bool audit, CancellationToken cancellationToken)
    {
        var items = new List<IKubernetesObject<V1ObjectMeta>>();
        string? continueToken = null;
        string resourceVersion;
        do
        {
            var page = await list(continueToken, _options.PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items ?? []) items.Add(InformerTransforms.StripManagedFields(item));
            continueToken = page.Metadata?.ContinueProperty;
            resourceVersion = page.Metadata?.ResourceVersion ?? "0";
        }
        while (!string.IsNullOrEmpty(continueToken));
        await sink.WriteAsync(new InformerEvent(kind, InformerEventType.Replace, items) { IsAudit = audit }, cancellationToken).ConfigureAwait(false);
        return resourceVersion;
    }

    /// <summary>Watches from <paramref name="resourceVersion"/> until the stream ends; returns the last version seen.</summary>
    private async Task<string> WatchAsync(string resourceVersion, CancellationToken cancellationToken)
    {
        using var watchCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var watchdog = new Watchdog(time, _options.SilenceLimit, watchCancel);
        Exception? streamError = null;
        try
        {
            await foreach (var (type, item) in watch(resourceVersion, (int)_options.WatchTimeout.TotalSeconds, e => streamError ??= e, watchCancel.Token).ConfigureAwait(false))
            {
                watchdog.Pet();
                if (item?.Metadata?.ResourceVersion is { Length: > 0 } version) resourceVersion = version;
                if (item is not null) InformerTransforms.StripManagedFields(item);
                switch (type)
                {
                    case WatchEventType.Added:
                    case WatchEventType.Modified:
                        await sink.WriteAsync(new InformerEvent(kind, InformerEventType.Upsert, [item!]), cancellationToken).ConfigureAwait(false);
                        break;
                    case WatchEventType.Deleted:
                        await sink.WriteAsync(new InformerEvent(kind, InformerEventType.Delete, [item!]), cancellationToken).ConfigureAwait(false);
                        break;
                    case WatchEventType.Bookmark:
                        break;
                    case WatchEventType.Error:
                        throw new ResourceExpiredException();
                }
                if (streamError is KubernetesException { Status.Code: 410 } || streamError is KubernetesException { Status.Reason: "Expired" or "Gone" })
                    throw new ResourceExpiredException();
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && watchdog.Fired)
        {
            // The watchdog dropped a silent watch: resume from where we are.
        }
        if (streamError is KubernetesException { Status.Code: 410 } || streamError is KubernetesException { Status.Reason: "Expired" or "Gone" })
            throw new ResourceExpiredException();
        return resourceVersion;
    }

    private sealed class ResourceExpiredException : Exception;

    /// <summary>Cancels the watch when nothing arrives for the silence limit.</summary>
    private sealed class Watchdog : IDisposable
    {
        private readonly ITimer _timer;
        private readonly TimeSpan _limit;

        public Watchdog(TimeProvider time, TimeSpan limit, CancellationTokenSource target)
        {
            _limit = limit;
            _timer = time.CreateTimer(_ =>
            {
                Fired = true;
                try { target.Cancel(); } catch (ObjectDisposedException) { }
            }, null, limit, Timeout.InfiniteTimeSpan);
        }

        public bool Fired { get; private set; }

        public void Pet() => _timer.Change(_limit, Timeout.InfiniteTimeSpan);

        public void Dispose() => _timer.Dispose();
    }
}
