using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using VolumeAwareScheduler.ApiEmulator.Resources;
using VolumeAwareScheduler.ApiEmulator.Selectors;
using VolumeAwareScheduler.ApiEmulator.Storage;

namespace VolumeAwareScheduler.ApiEmulator.Http;

/// <summary>What one watch request asked for.</summary>
internal sealed record WatchRequest(
    ResourceKind Kind,
    string? Namespace,
    LabelSelector Labels,
    FieldSelector Fields,
    long? FromResourceVersion,
    bool AllowBookmarks,
    TimeSpan? Timeout);

/// <summary>
/// Streams a watch as newline-delimited JSON events over a chunked response, like the apiserver's
/// k8s.io/apiserver/pkg/endpoints/handlers/watch.go. Selector transitions are translated the way the watch
/// cache does (pkg/storage/cacher/cache_watcher.go convertToWatchEvent): an object entering the selection is
/// ADDED, one leaving it is DELETED.
/// </summary>
internal sealed class WatchStream(EmulatorContext emulator, WatchRequest request) : IResult
{
    // The framing of every event line, allocated once (the watch fan-out writes one line per event per watcher).
    private static readonly byte[] AddedPrefix = "{\"type\":\"ADDED\",\"object\":"u8.ToArray();
    private static readonly byte[] ModifiedPrefix = "{\"type\":\"MODIFIED\",\"object\":"u8.ToArray();
    private static readonly byte[] DeletedPrefix = "{\"type\":\"DELETED\",\"object\":"u8.ToArray();
    private static readonly byte[] Suffix = "}\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-cache, private";

        using var subscription = emulator.Store.Subscribe(request.Kind, request.Namespace, request.FromResourceVersion, droppable: true, out var expired);
        using var timeout = request.Timeout is { } limit
            ? new CancellationTokenSource(limit, emulator.Time)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, httpContext.RequestAborted);
        var resource = request.Kind.Plural;
        Log.WatchOpened(emulator.Logger, resource, request.FromResourceVersion?.ToString(CultureInfo.InvariantCulture) ?? "");

        var sent = 0;
        try
        {
            // The headers go out at once, before any event (watch.go serveWatch: WriteHeader, then Flush): a client
            // waits for them before it reads, and client-go's informers cannot stop while a watch has sent none.
            await response.StartAsync(linked.Token);
            await response.Body.FlushAsync(linked.Token);
            if (expired is not null)
            {
                await WriteLineAsync(response, "ERROR", expired.ToStatusBytes(), linked.Token);
                await response.Body.FlushAsync(linked.Token);
                return;
            }

            sent = await PumpAsync(response, subscription, linked.Token);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            // Timeout or client gone: the stream simply ends, as upstream.
        }
        catch (IOException)
        {
            // Client went away mid-write.
        }
        finally
        {
            Log.WatchClosed(emulator.Logger, resource, sent);
        }
    }

    private async Task<int> PumpAsync(HttpResponse response, WatchSubscription subscription, CancellationToken cancellationToken)
    {
        var sent = 0;
        var lastSent = request.FromResourceVersion ?? 0;
        using var bookmarkTimer = request.AllowBookmarks ? new PeriodicTimer(emulator.Options.BookmarkInterval, emulator.Time) : null;
        Task<bool>? bookmarkTick = null;
        Task<bool>? readable = null;
        var reader = subscription.Events;
        try
        {
            while (true)
            {
                readable ??= reader.WaitToReadAsync(cancellationToken).AsTask();
                bookmarkTick ??= bookmarkTimer?.WaitForNextTickAsync(cancellationToken).AsTask();
                var bookmarkDue = bookmarkTick is not null && await Task.WhenAny(readable, bookmarkTick) == bookmarkTick;
                if (bookmarkDue)
                {
                    // Bookmark due. Events up to the store's current version are already in our channel, so
                    // after draining them the bookmark may claim that version (cacher.go dispatchEvents).
                    var progress = emulator.Store.CurrentResourceVersion;
                    bookmarkTick = null;
                    (sent, lastSent) = await DrainAsync(response, reader, sent, lastSent, cancellationToken);
                    if (readable.IsCompleted && !await readable)
                    {
                        return sent;
                    }

                    await WriteLineAsync(response, "BOOKMARK", Bookmark(Math.Max(progress, lastSent)), cancellationToken);
                    await response.Body.FlushAsync(cancellationToken);
                    continue;
                }

                var more = await readable;
                readable = null;
                if (!more)
                {
                    return sent;
                }

                (sent, lastSent) = await DrainAsync(response, reader, sent, lastSent, cancellationToken);
                await response.Body.FlushAsync(cancellationToken);
            }
        }
        finally
        {
            bookmarkTimer?.Dispose();
            await Quiesce(readable);
            await Quiesce(bookmarkTick);
        }
    }

    private async Task<(int Sent, long LastSent)> DrainAsync(
        HttpResponse response, System.Threading.Channels.ChannelReader<StoreEvent> reader, int sent, long lastSent, CancellationToken cancellationToken)
    {
        while (reader.TryRead(out var storeEvent))
        {
            if (Translate(storeEvent) is not { } wire)
            {
                continue;
            }

            await WriteLineAsync(response, wire.Type, wire.Json, cancellationToken);
            sent++;
            lastSent = Math.Max(lastSent, storeEvent.ResourceVersion);
        }

        return (sent, lastSent);
    }

    private (string Type, byte[] Json)? Translate(StoreEvent storeEvent)
    {
        var nowMatches = Matches(storeEvent.Object);
        var wasMatching = storeEvent.Previous is { } previous && Matches(previous);
        return storeEvent.Type switch
        {
            StoreEventType.Added => nowMatches ? ("ADDED", storeEvent.Object.Json) : null,
            StoreEventType.Deleted => nowMatches || wasMatching ? ("DELETED", storeEvent.Object.Json) : null,
            _ when nowMatches && wasMatching => ("MODIFIED", storeEvent.Object.Json),
            _ when nowMatches => ("ADDED", storeEvent.Object.Json),
            _ when wasMatching => ("DELETED", WithResourceVersion(storeEvent.Previous!, storeEvent.ResourceVersion)),
            _ => null,
        };
    }

    private bool Matches(StoredObject obj) => request.Labels.Matches(obj.Labels) && request.Fields.Matches(obj.Fields);

    private static byte[] WithResourceVersion(StoredObject obj, long resourceVersion)
    {
        var json = obj.ToJsonObject();
        Json.Ensure(json, "metadata")["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture);
        return Json.ToBytes(json);
    }

    private byte[] Bookmark(long resourceVersion) => Json.ToBytes(new JsonObject
    {
        ["kind"] = request.Kind.Kind,
        ["apiVersion"] = request.Kind.GroupVersion,
        ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture) },
    });

    private static async Task WriteLineAsync(HttpResponse response, string type, byte[] objectJson, CancellationToken cancellationToken)
    {
        var prefix = type switch
        {
            "ADDED" => AddedPrefix,
            "MODIFIED" => ModifiedPrefix,
            "DELETED" => DeletedPrefix,
            _ => Encoding.UTF8.GetBytes($"{{\"type\":\"{type}\",\"object\":"),
        };
        await response.Body.WriteAsync(prefix, cancellationToken);
        await response.Body.WriteAsync(objectJson, cancellationToken);
        await response.Body.WriteAsync(Suffix, cancellationToken);
    }

    private static async Task Quiesce(Task? task)
    {
        if (task is null)
        {
            return;
        }

        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
            // Expected: the wait was cancelled with the stream.
        }
        catch (ObjectDisposedException)
        {
            // Expected: the bookmark timer was disposed.
        }
    }
}
