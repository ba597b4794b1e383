using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using VolumeAwareScheduler.Kubernetes.Queue;
using VolumeAwareScheduler.Standalone;

namespace VolumeAwareScheduler.LoadTests.Scenarios.E2e;

/// <summary>Reads the scheduler's progress feed (its one reader): counts outcomes, remembers which pods were found unschedulable.</summary>
public sealed class OutcomeCounter
{
    private readonly ConcurrentDictionary<string, (int Count, long Last)> _unschedulable = new(StringComparer.Ordinal);
    private long _bound;
    private long _unschedulableCount;
    private long _bindingFailed;
    private long _other;

    public bool WasUnschedulable(string pod) => _unschedulable.ContainsKey(pod);

    /// <summary>
    /// Whether the pod was found unschedulable and its backoff since that last attempt has run out, by the queue's rule
    /// (QueueOptions defaults: 1 s doubling per unschedulable attempt up to 10 s, the expiry truncated to its second and
    /// over when that second is): a curing event now moves it straight to the active queue.
    /// </summary>
    public bool IsOutOfBackoff(string pod)
    {
        if (!_unschedulable.TryGetValue(pod, out var seen)) return false;
        var backoff = TimeSpan.FromSeconds(Math.Min(10, Math.Pow(2, Math.Min(seen.Count, 5) - 1)));
        return Stopwatch.GetElapsedTime(seen.Last) > backoff + SchedulingQueue.BackoffOrderingWindow + TimeSpan.FromMilliseconds(100);
    }

    public long BindingFailures => Interlocked.Read(ref _bindingFailed);

    public async Task DrainAsync(ChannelReader<SchedulingProgress> progress)
    {
        await foreach (var outcome in progress.ReadAllAsync().ConfigureAwait(false))
        {
            switch (outcome)
            {
                case PodBound:
                    Interlocked.Increment(ref _bound);
                    break;
                case PodUnschedulable:
                    Interlocked.Increment(ref _unschedulableCount);
                    var now = Stopwatch.GetTimestamp();
                    _unschedulable.AddOrUpdate(outcome.Pod.Name, (1, now), (_, seen) => (seen.Count + 1, now));
                    break;
                case BindingFailed:
                    Interlocked.Increment(ref _bindingFailed);
                    break;
                default:
                    Interlocked.Increment(ref _other);
                    break;
            }
        }
    }

    public override string ToString() =>
        $"{Interlocked.Read(ref _bound):N0} bound, {Interlocked.Read(ref _unschedulableCount):N0} unschedulable, {Interlocked.Read(ref _bindingFailed):N0} binding failures"
        + (Interlocked.Read(ref _other) > 0 ? $", {Interlocked.Read(ref _other):N0} other" : "");
}
