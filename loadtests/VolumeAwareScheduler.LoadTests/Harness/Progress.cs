using System.Diagnostics;

namespace VolumeAwareScheduler.LoadTests.Harness;

/// <summary>
/// The live progress of a phase: on a terminal one line rewritten four times a second; when the output is redirected
/// (CI logs) one plain line per second. Counters are updated by the workers; the reporter only reads them.
/// </summary>
public sealed class Progress : IAsyncDisposable
{
    private readonly string _name;
    private readonly long? _expected;
    private readonly TextWriter _output;
    private readonly bool _interactive;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _completed;
    private long _errors;
    private long _lastCompleted;
    private long _lastTimestamp;

    private Progress(string name, long? expected, TextWriter output, bool interactive)
    {
        _name = name;
        _expected = expected;
        _output = output;
        _interactive = interactive;
        _lastTimestamp = _started;
        _loop = RunAsync();
    }

    /// <summary>True when stdout is a terminal.</summary>
    public static bool IsInteractive => !Console.IsOutputRedirected;

    public static Progress Start(string name, long? expected, TextWriter output) => new(name, expected, output, IsInteractive);

    public void Completed(bool ok)
    {
        Interlocked.Increment(ref _completed);
        if (!ok) Interlocked.Increment(ref _errors);
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(_interactive ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false)) Write(final: false);
        }
        catch (OperationCanceledException)
        {
            // Stopped by DisposeAsync.
        }
    }

    private void Write(bool final)
    {
        var now = Stopwatch.GetTimestamp();
        var completed = Interlocked.Read(ref _completed);
        var elapsed = Stopwatch.GetElapsedTime(_started, now);
        var window = Stopwatch.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
        var rate = final ? completed / Math.Max(elapsed.TotalSeconds, 1e-9) : (completed - _lastCompleted) / Math.Max(window, 1e-9);
        _lastCompleted = completed;
        _lastTimestamp = now;
        var of = _expected is { } expected ? $"/{expected}" : "";
        var line = $"  {_name,-44} {elapsed.TotalSeconds,7:0.0}s  {completed,9}{of} ops  {rate,10:0.0} ops/s  errors {Interlocked.Read(ref _errors)}";
        lock (_output)
        {
            if (_interactive) _output.Write("\r" + line.PadRight(Math.Max(line.Length, SafeWidth() - 1)) + (final ? Environment.NewLine : ""));
            else _output.WriteLine(line);
        }
    }

    private static int SafeWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 120;
        }
        catch (IOException)
        {
            return 120;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        Write(final: true);
    }
}
