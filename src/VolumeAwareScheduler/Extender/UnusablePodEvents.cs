using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using VolumeAwareScheduler.Kubernetes.Writers;
using VolumeAwareScheduler.Telemetry;

namespace VolumeAwareScheduler.Extender;

/// <summary>
/// Tells whoever looks at a pod why the extender cannot use it: a Warning Event (reason FailedScheduling) naming the
/// field, written by the live extender. kube-scheduler's own event for our 400 says only "failed filter with extender
/// at URL …, code 400" (extender.go send); the reason is here. kube-scheduler retries an erroring pod with backoff, so
/// each pod and reason is reported once (a bounded memory; a restart reports again). Without an API server (a
/// snapshot), nothing is written.
/// </summary>
public sealed class UnusablePodEvents(ApiWriter? writer, ILogger<UnusablePodEvents> logger) : IAsyncDisposable
{
    public const string Component = "volume-aware-scheduler";
    private const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, string> _reported = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _writes = [];

    /// <summary>Starts writing the Event (owned, awaited on dispose) unless this pod was already reported for this reason.</summary>
    public void Report(UnusablePod pod)
    {
        if (writer is null || _stop.IsCancellationRequested) return;
        var identity = pod.Uid.Length > 0 ? pod.Uid : pod.Key.ToString();
        if (_reported.TryGetValue(identity, out var reported) && reported == pod.Reason) return;
        if (_reported.Count >= Capacity) _reported.Clear();
        _reported[identity] = pod.Reason;
        Log.UnusablePod(logger, pod.Key.ToString(), pod.Reason);
        var write = WriteAsync(pod, _stop.Token);
        lock (_writes)
        {
            _writes.RemoveAll(t => t.IsCompleted);
            _writes.Add(write);
        }
    }

    /// <summary>The writes started so far, for tests and shutdown.</summary>
    public Task WhenWrittenAsync()
    {
        lock (_writes) return Task.WhenAll([.. _writes]);
    }

    private async Task WriteAsync(UnusablePod pod, CancellationToken cancellationToken)
    {
        await Task.Yield(); // off the request thread
        try
        {
            await writer!.RecordEventAsync(pod.Key, pod.Uid, "Warning", "FailedScheduling", pod.Reason, Component, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WriteFailedException or k8s.Autorest.HttpOperationException or HttpRequestException or IOException or OperationCanceledException
            or ObjectDisposedException)
        {
            // ObjectDisposedException: the client went away with the host while this was in flight.
            Log.UnusablePodNotReported(logger, pod.Key.ToString(), e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await WhenWrittenAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
