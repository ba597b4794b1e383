using System.Diagnostics;
using System.Threading.Channels;

namespace VolumeAwareScheduler.LoadTests.Harness;

/// <summary>
/// Runs one phase: the warm-up (same model, not recorded), then the measured load. Work reaches the workers through
/// a channel with one writer (the dispatcher, which owns the pace and the limit) and the workers as readers; each
/// worker records into its own <see cref="LatencyRecorder"/>, merged when the phase ends. Exceptions thrown by an
/// operation are counted by type, like the failures it returns.
/// </summary>
public sealed class LoadRunner(TextWriter output)
{
    public async Task<PhaseResult> RunAsync(LoadPhase phase, Operation operation, CancellationToken cancellationToken)
    {
        if (!phase.WarmUp.IsNone)
        {
            var warmUp = Stopwatch.StartNew();
            do
            {
                await RunCoreAsync(phase.Name + " (warm-up)", phase.Model, phase.WarmUp, operation, cancellationToken).ConfigureAwait(false);
            }
            while (phase.WarmUp.Count is not null && warmUp.Elapsed < phase.MinWarmUp);
        }

        // Start the measured part from a quiet heap so that one phase's garbage is not collected on another's clock.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var gen0Before = GC.CollectionCount(0);
        var gen2Before = GC.CollectionCount(2);
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var run = await RunCoreAsync(phase.Name, phase.Model, phase.Limit, operation, cancellationToken).ConfigureAwait(false);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var cpu = Environment.CpuUsage.TotalTime - cpuBefore;

        return new PhaseResult
        {
            Name = phase.Name,
            Group = phase.Group,
            Model = $"{phase.Model.Describe()}; {phase.Limit} after {phase.WarmUp} warm-up",
            Completed = run.Recorder.Histogram.TotalCount,
            ElapsedSeconds = run.Elapsed.TotalSeconds,
            Throughput = run.Recorder.Histogram.TotalCount / Math.Max(run.Elapsed.TotalSeconds, 1e-9),
            Latency = run.Recorder.Summarize(),
            ServiceTime = run.Service?.Summarize(),
            DispatchLag = run.DispatchLag?.Summarize(),
            Timeline = run.Recorder.Timeline(),
            Errors = run.Errors,
            Dropped = run.Dropped,
            AllocatedBytesPerOperation = run.Recorder.Histogram.TotalCount == 0 ? 0 : (double)allocated / run.Recorder.Histogram.TotalCount,
            Gen0Collections = GC.CollectionCount(0) - gen0Before,
            Gen2Collections = GC.CollectionCount(2) - gen2Before,
            CpuCores = cpu.TotalSeconds / Math.Max(run.Elapsed.TotalSeconds, 1e-9),
        };
    }

    private sealed record Run(LatencyRecorder Recorder, LatencyRecorder? Service, LatencyRecorder? DispatchLag, TimeSpan Elapsed, Dictionary<string, long> Errors, long Dropped);

    /// <summary>A unit of work: its sequence number and, in the open model, when it was due.</summary>
    private readonly record struct WorkItem(long Sequence, long DueTimestamp);

    private async Task<Run> RunCoreAsync(string name, LoadModel model, LoadLimit limit, Operation operation, CancellationToken cancellationToken)
    {
        var (workers, open) = model switch
        {
            ClosedModel closed => (closed.Concurrency, (OpenModel?)null),
            OpenModel o => (o.Workers, o),
            _ => throw new ArgumentOutOfRangeException(nameof(model), model, "unknown load model"),
        };
        if (workers < 1) throw new ArgumentOutOfRangeException(nameof(model), "a load model needs at least one worker");

        var channel = open is null
            ? Channel.CreateBounded<WorkItem>(new BoundedChannelOptions(workers) { SingleWriter = true, SingleReader = workers == 1 })
            : Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleWriter = true, SingleReader = workers == 1 });
        var origin = Stopwatch.GetTimestamp();
        var recorders = new LatencyRecorder[workers];
        var services = new LatencyRecorder?[workers];
        var errors = new Dictionary<string, long>[workers];
        long started = 0;
        await using var progress = Progress.Start(name, limit.Count, output);

        var tasks = new Task[workers + 1];
        for (var w = 0; w < workers; w++)
        {
            var index = w;
            recorders[w] = new LatencyRecorder(origin);
            services[w] = open is null ? null : new LatencyRecorder(origin);
            errors[w] = new Dictionary<string, long>(StringComparer.Ordinal);
            tasks[w] = Task.Run(() => WorkAsync(channel.Reader, operation, recorders[index], services[index], errors[index], progress,
                () => Interlocked.Increment(ref started), cancellationToken), cancellationToken);
        }
        long dropped = 0;
        var lag = open is null ? null : new LatencyRecorder(origin);
        tasks[workers] = open is null
            ? DispatchClosedAsync(channel.Writer, limit, origin, cancellationToken)
            : Task.Run(async () => dropped = await DispatchOpenAsync(channel.Writer, open, limit, origin, () => Interlocked.Read(ref started), lag!, cancellationToken)
                .ConfigureAwait(false), cancellationToken);
        await Task.WhenAll(tasks).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(origin);

        for (var w = 1; w < workers; w++)
        {
            recorders[0].Merge(recorders[w]);
            if (services[0] is { } service) service.Merge(services[w]!);
            foreach (var (kind, count) in errors[w]) errors[0][kind] = errors[0].GetValueOrDefault(kind) + count;
        }
        if (dropped > 0) errors[0]["dropped (backlog full)"] = dropped;
        return new Run(recorders[0], services[0], lag, elapsed, errors[0], dropped);
    }

    private static async Task DispatchClosedAsync(ChannelWriter<WorkItem> writer, LoadLimit limit, long origin, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            for (long sequence = 0; !Done(limit, sequence, origin); sequence++)
            {
                await writer.WriteAsync(new WorkItem(sequence, 0), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            failure = e;
        }
        writer.TryComplete(failure);
    }

    /// <summary>
    /// Emits every operation that is due, then sleeps until the next one; returns how many were dropped. Timers are
    /// coarse (a millisecond or more), so operations leave in small bursts, a little late: that lateness is recorded
    /// (<see cref="PhaseResult.DispatchLag"/>) so that the harness's share of the corrected latency can be told apart.
    /// </summary>
    private static async Task<long> DispatchOpenAsync(ChannelWriter<WorkItem> writer, OpenModel model, LoadLimit limit, long origin,
        Func<long> started, LatencyRecorder lag, CancellationToken cancellationToken)
    {
        var interval = Stopwatch.Frequency / model.RatePerSecond;
        long dropped = 0;
        Exception? failure = null;
        try
        {
            long sequence = 0;
            while (!Done(limit, sequence, origin))
            {
                var due = origin + (long)(sequence * interval);
                var wait = due - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    // Timers are coarse (about 1 ms); a late wake-up is no error: latency counts from `due`.
                    await Task.Delay(TimeSpan.FromSeconds(Math.Max(wait / (double)Stopwatch.Frequency, 0.001)), cancellationToken).ConfigureAwait(false);
                    continue;
                }
                if (sequence - started() >= model.MaxOutstanding) dropped++;
                else writer.TryWrite(new WorkItem(sequence, due));
                var now = Stopwatch.GetTimestamp();
                lag.Record(now - due, now);
                sequence++;
            }
        }
        catch (OperationCanceledException e)
        {
            failure = e;
        }
        writer.TryComplete(failure);
        return dropped;
    }

    private static bool Done(LoadLimit limit, long sequence, long origin) =>
        (limit.Count is { } count && sequence >= count)
        || (limit.Duration is { } duration && Stopwatch.GetElapsedTime(origin) >= duration);

    private static async Task WorkAsync(ChannelReader<WorkItem> reader, Operation operation, LatencyRecorder recorder, LatencyRecorder? service,
        Dictionary<string, long> errors, Progress progress, Action onStart, CancellationToken cancellationToken)
    {
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
            {
                onStart();
                var start = Stopwatch.GetTimestamp();
                OperationResult result;
                try
                {
                    result = await operation(item.Sequence, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    result = OperationResult.Fail(e.GetType().Name);
                }
                var end = Stopwatch.GetTimestamp();
                if (service is null)
                {
                    recorder.Record(end - start, end);
                }
                else
                {
                    recorder.Record(end - item.DueTimestamp, end);
                    service.Record(end - start, end);
                }
                if (result.ErrorKind is { } kind) errors[kind] = errors.GetValueOrDefault(kind) + 1;
                progress.Completed(result.IsOk);
            }
        }
    }
}
