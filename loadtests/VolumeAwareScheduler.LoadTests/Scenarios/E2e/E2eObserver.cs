using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;

namespace VolumeAwareScheduler.LoadTests.Scenarios.E2e;

/// <summary>
/// Times what happens in the emulator, seen in-process at the moment the store commits each change
/// (<see cref="ApiEmulator.ApiEmulator.WatchAsync"/>: no HTTP, so the observer adds no watch of its own to the load):
/// when each pod was created and bound (spec.nodeName set), when each claim became Bound, when each PV was created.
/// Timestamps are <see cref="Stopwatch"/> ticks.
/// </summary>
public sealed class E2eObserver : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _loops;
    private readonly Channel<string> _bound = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _claimWaiters = new(StringComparer.Ordinal);

    public E2eObserver(ApiEmulator.ApiEmulator emulator, string @namespace)
    {
        _loops =
        [
            Task.Run(() => WatchPodsAsync(emulator, @namespace, _stop.Token)),
            Task.Run(() => WatchClaimsAsync(emulator, @namespace, _stop.Token)),
            Task.Run(() => WatchVolumesAsync(emulator, _stop.Token)),
        ];
    }

    public ConcurrentDictionary<string, long> PodCreated { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, long> PodBound { get; } = new(StringComparer.Ordinal);

    /// <summary>The node each pod was bound to.</summary>
    public ConcurrentDictionary<string, string> PodNode { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, long> ClaimBound { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, long> VolumeCreated { get; } = new(StringComparer.Ordinal);

    /// <summary>When a PV first named each claim in its claimRef (the scheduler's PreBind write), by claim name.</summary>
    public ConcurrentDictionary<string, long> ClaimPrebound { get; } = new(StringComparer.Ordinal);

    /// <summary>Waits until every pod in <paramref name="pods"/> is bound; false when <paramref name="timeout"/> passes first. One waiter at a time.</summary>
    public async Task<bool> WaitForBoundAsync(IReadOnlyCollection<string> pods, TimeSpan timeout, Action<int>? progress, CancellationToken cancellationToken)
    {
        var remaining = pods.Where(p => !PodBound.ContainsKey(p)).ToHashSet(StringComparer.Ordinal);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var lastReport = Stopwatch.GetTimestamp();
        try
        {
            while (remaining.Count > 0)
            {
                // Names bound since the set was taken arrive here too; names bound before are already out of the set.
                var name = await _bound.Reader.ReadAsync(deadline.Token).ConfigureAwait(false);
                remaining.Remove(name);
                if (progress is not null && Stopwatch.GetElapsedTime(lastReport) >= TimeSpan.FromSeconds(5))
                {
                    progress(pods.Count - remaining.Count);
                    lastReport = Stopwatch.GetTimestamp();
                }
            }
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return pods.All(PodBound.ContainsKey);
        }
    }

    /// <summary>Completes once the claim is Bound (the PV controller's work done), as seen when the store commits it.</summary>
    public Task WaitForClaimBoundAsync(string claim, CancellationToken cancellationToken)
    {
        var waiter = _claimWaiters.GetOrAdd(claim, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        // Bound before the waiter was added: the watch loop may have looked for a waiter before there was one.
        if (ClaimBound.ContainsKey(claim)) waiter.TrySetResult();
        return waiter.Task.WaitAsync(cancellationToken);
    }

    private async Task WatchPodsAsync(ApiEmulator.ApiEmulator emulator, string ns, CancellationToken cancellationToken)
    {
        await foreach (var change in emulator.WatchAsync("pods", ns, cancellationToken).ConfigureAwait(false))
        {
            var now = Stopwatch.GetTimestamp();
            if (change.Type == "ADDED") PodCreated.TryAdd(change.Name, now);
            if (change.Type == "DELETED" || PodBound.ContainsKey(change.Name)) continue;
            var node = (string?)change.Object["spec"]?["nodeName"];
            if (string.IsNullOrEmpty(node)) continue;
            PodNode[change.Name] = node;
            if (PodBound.TryAdd(change.Name, now)) _bound.Writer.TryWrite(change.Name);
        }
    }

    private async Task WatchClaimsAsync(ApiEmulator.ApiEmulator emulator, string ns, CancellationToken cancellationToken)
    {
        await foreach (var change in emulator.WatchAsync("persistentvolumeclaims", ns, cancellationToken).ConfigureAwait(false))
        {
            var now = Stopwatch.GetTimestamp();
            if (change.Type == "DELETED" || ClaimBound.ContainsKey(change.Name)) continue;
            if ((string?)change.Object["status"]?["phase"] != "Bound") continue;
            ClaimBound.TryAdd(change.Name, now);
            if (_claimWaiters.TryGetValue(change.Name, out var waiter)) waiter.TrySetResult();
        }
    }

    private async Task WatchVolumesAsync(ApiEmulator.ApiEmulator emulator, CancellationToken cancellationToken)
    {
        await foreach (var change in emulator.WatchAsync("persistentvolumes", null, cancellationToken).ConfigureAwait(false))
        {
            var now = Stopwatch.GetTimestamp();
            if (change.Type == "ADDED") VolumeCreated.TryAdd(change.Name, now);
            if (change.Type != "MODIFIED") continue;
            if (change.Object["spec"]?["claimRef"]?["name"] is { } claim) ClaimPrebound.TryAdd((string)claim!, now);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
        _stop.Dispose();
    }
}
