using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.LoadTests.Harness;

namespace VolumeAwareScheduler.LoadTests.Scenarios.Extender;

/// <summary>
/// One pod's scheduling cycle as kube-scheduler runs it against the extender: filter, prioritize over the nodes that
/// passed, bind to the best score (ties to the first node, as the scheduler's selectHost may pick any). A bind refused
/// because the state moved (another pod took the PV in between) is what kube-scheduler retries with a new cycle: so
/// does this, up to <see cref="Attempts"/> times, then gives the pod up (an outcome, not an error: with 32 cycles at
/// once on a small cluster, the same best node is wanted by many). Each pod is used once: bind changes the state.
/// </summary>
public sealed class BindCycle(ExtenderClient client, IReadOnlyList<PodInfo> pods, byte[][] heads, byte[] tail, long origin)
{
    public const int Attempts = 5;

    private readonly Dictionary<string, LatencyRecorder> _recorders = new(StringComparer.Ordinal)
    {
        ["filter"] = new(origin),
        ["prioritize"] = new(origin),
        ["bind"] = new(origin),
    };

    private readonly ConcurrentQueue<(PodInfo Pod, string Node)> _placements = new();
    private long _bound;
    private long _unschedulable;
    private long _conflicts;
    private long _gaveUp;

    public IReadOnlyDictionary<string, LatencyRecorder> Recorders => _recorders;

    public IEnumerable<(PodInfo Pod, string Node)> Placements => _placements;

    public (PodInfo Pod, string Node)? FirstBound => _placements.TryPeek(out var first) ? first : null;

    public long Bound => Interlocked.Read(ref _bound);

    public long Unschedulable => Interlocked.Read(ref _unschedulable);

    public long Conflicts => Interlocked.Read(ref _conflicts);

    public long GaveUp => Interlocked.Read(ref _gaveUp);

    public async ValueTask<OperationResult> RunAsync(long sequence, CancellationToken cancellationToken)
    {
        var i = (int)sequence;
        var pod = pods[i];
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            List<string> passed;
            using (var reply = await TimedAsync("filter", "/scheduler/filter", new SegmentsContent(heads[i], tail), cancellationToken).ConfigureAwait(false))
            {
                if (reply.Status != 200) return OperationResult.Fail($"filter HTTP {reply.Status}");
                using var document = JsonDocument.Parse(reply.Memory);
                var root = document.RootElement;
                if (root.GetProperty("Error").GetString() is { Length: > 0 }) return OperationResult.Fail("filter Error");
                passed = [.. root.GetProperty("NodeNames").EnumerateArray().Select(n => n.GetString()!)];
            }
            if (passed.Count == 0)
            {
                Interlocked.Increment(ref _unschedulable);
                return OperationResult.Ok;
            }

            var best = passed[0];
            if (passed.Count > 1)
            {
                // kube-scheduler calls prioritize with the nodes that passed every filter (here: the extender's own).
                var scores = new Dictionary<string, long>(StringComparer.Ordinal);
                using var reply = await TimedAsync("prioritize", "/scheduler/prioritize", new SegmentsContent(heads[i], WireBodies.NamesTail(passed)), cancellationToken).ConfigureAwait(false);
                if (reply.Status != 200) return OperationResult.Fail($"prioritize HTTP {reply.Status}");
                using var document = JsonDocument.Parse(reply.Memory);
                foreach (var entry in document.RootElement.EnumerateArray()) scores[entry.GetProperty("Host").GetString()!] = entry.GetProperty("Score").GetInt64();
                var top = long.MinValue;
                foreach (var node in passed)
                {
                    var score = scores.GetValueOrDefault(node, -1);
                    if (score > top)
                    {
                        top = score;
                        best = node;
                    }
                }
            }

            using (var reply = await TimedAsync("bind", "/scheduler/bind", new SegmentsContent(WireBodies.Bind(pod, best)), cancellationToken).ConfigureAwait(false))
            {
                if (reply.Status != 200) return OperationResult.Fail($"bind HTTP {reply.Status}");
                using var document = JsonDocument.Parse(reply.Memory);
                var error = document.RootElement.GetProperty("Error").GetString() ?? "";
                if (error.Length == 0)
                {
                    Interlocked.Increment(ref _bound);
                    _placements.Enqueue((pod, best));
                    return OperationResult.Ok;
                }
                if (!error.StartsWith("binding rejected", StringComparison.Ordinal)) return OperationResult.Fail("bind Error");
                Interlocked.Increment(ref _conflicts);
            }
        }
        Interlocked.Increment(ref _gaveUp);
        return OperationResult.Ok;
    }

    /// <summary>A verb's latencies within the bind phase, as a phase of its own (throughput over the whole phase).</summary>
    public PhaseResult PhaseOf(string verb, LatencyRecorder recorder, PhaseResult phase)
    {
        lock (recorder)
        {
            return phase with
            {
                Name = $"{verb} (in the bind cycle)",
                Completed = recorder.Histogram.TotalCount,
                Throughput = recorder.Histogram.TotalCount / Math.Max(phase.ElapsedSeconds, 1e-9),
                Latency = recorder.Summarize(),
                Timeline = [],
                Errors = [],
                AllocatedBytesPerOperation = 0,
            };
        }
    }

    private async Task<Reply> TimedAsync(string verb, string path, HttpContent content, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var reply = await client.PostAsync(path, content, cancellationToken).ConfigureAwait(false);
        var end = Stopwatch.GetTimestamp();
        var recorder = _recorders[verb];
        lock (recorder) recorder.Record(end - start, end);
        return reply;
    }
}
