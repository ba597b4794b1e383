using System.Threading.Channels;
using k8s;
using k8s.Models;
using VolumeAwareScheduler.Kubernetes.Conversion;
using VolumeAwareScheduler.Kubernetes.Informers;

namespace VolumeAwareScheduler.Kubernetes.Cache;

/// <summary>
/// The live cluster: one informer per registered kind (<see cref="ResourceKinds"/>), all feeding one channel that the
/// <see cref="ClusterCache"/> drains as the single writer. The same code runs against a real API server and
/// against the emulator; only the client's configuration differs.
/// </summary>
public sealed class LiveCluster : IAsyncDisposable
{
    private readonly Channel<InformerEvent> _events = Channel.CreateBounded<InformerEvent>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly List<Task> _synced = [];
    private readonly List<IInformer> _informers = [];
    private readonly TimeProvider _time;

    public LiveCluster(IKubernetes client, TimeProvider time, InformerOptions? options = null)
    {
        // Best effort here (the executable installs it first thing): the lists and watches then read quantities as text.
        QuantityJson.Install();
        Cache = new ClusterCache();
        _time = time;
        foreach (var kind in ResourceKinds.All)
        {
            var informer = kind.CreateInformer(client, _events.Writer, time, options);
            _informers.Add(informer);
            _loops.Add(Task.Run(() => informer.RunAsync(_stop.Token)));
            _synced.Add(informer.Synced);
        }
        _loops.Add(Cache.RunAsync(_events.Reader, _stop.Token));
        Synced = WhenAppliedAsync(time);
    }

    public ClusterCache Cache { get; }

    /// <summary>Audit lists taken so far, over every informer (<see cref="InformerOptions.AuditPeriod"/>).</summary>
    public int Audits => _informers.Sum(i => i.Audits);

    /// <summary>Completes when every informer's first full list has been applied by the cache.</summary>
    public Task Synced { get; }

    private async Task WhenAppliedAsync(TimeProvider time)
    {
        await Task.WhenAll(_synced).ConfigureAwait(false);
        // The lists are in the channel; a barrier behind them completes once the cache has applied them all.
        await _events.Writer.WriteAsync(InformerEvent.Barrier, _stop.Token).ConfigureAwait(false);
        await Cache.WaitForAsync(c => c.BarriersApplied > 0, Timeout.InfiniteTimeSpan, time, _stop.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// Liveness: null while every informer loop and the cache loop run and, once synced, the cache applies a barrier
    /// queued behind whatever the informers delivered within <paramref name="timeout"/>; otherwise what is wrong.
    /// Before the first sync only the loops are checked (the sync barrier must be the first one applied).
    /// </summary>
    public async Task<string?> ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_stop.IsCancellationRequested) return "stopped";
        if (_loops.Exists(t => t.IsCompleted)) return "an informer or the cache loop has stopped";
        if (!Synced.IsCompletedSuccessfully) return null;
        var before = Cache.BarriersApplied;
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            // Off the caller's thread: a wedged cache may hold its lock, and waiting for it must not block a request thread.
            var applied = await Task.Run(async () =>
            {
                await _events.Writer.WriteAsync(InformerEvent.Barrier, linked.Token).ConfigureAwait(false);
                return await Cache.WaitForAsync(c => c.BarriersApplied > before, timeout, _time, linked.Token).ConfigureAwait(false);
            }, linked.Token).WaitAsync(linked.Token).ConfigureAwait(false);
            return applied ? null : $"the cache did not apply informer events within {timeout.TotalSeconds:0.#} s";
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return $"the cache did not apply informer events within {timeout.TotalSeconds:0.#} s";
        }
        catch (ChannelClosedException)
        {
            return "stopped";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _events.Writer.TryComplete();
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
