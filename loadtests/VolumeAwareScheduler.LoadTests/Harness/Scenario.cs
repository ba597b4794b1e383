using System.CommandLine;
using VolumeAwareScheduler.LoadTests.Harness.Reports;

namespace VolumeAwareScheduler.LoadTests.Harness;

/// <summary>
/// A load-test scenario: one file under Scenarios/, registered in <see cref="ScenarioRegistry"/>. It gets the common
/// options (<see cref="RunOptions"/>) and may declare its own; it fills a <see cref="ScenarioReport"/> and decides
/// whether the run passed. Timings never decide that: only correctness does (a report shows the numbers).
/// </summary>
public abstract class Scenario
{
    /// <summary>The command-line name, e.g. "index".</summary>
    public abstract string Name { get; }

    public abstract string Description { get; }

    /// <summary>Options of this scenario only, added to its command next to the common ones.</summary>
    public virtual IEnumerable<Option> Options => [];

    /// <summary>
    /// Run under the scheduler executable's runtime configuration (its GC settings) rather than the harness's: for a
    /// scenario that measures what the process holds, so that it measures what ships (<see cref="ShippedRuntime"/>).
    /// </summary>
    public virtual bool RunsOnShippedRuntime => false;

    public abstract Task RunAsync(ScenarioContext context, CancellationToken cancellationToken);
}

/// <summary>What a running scenario gets: its options, the console, the runner and the report it fills.</summary>
public sealed class ScenarioContext(RunOptions options, ParseResult parse, TextWriter output, ScenarioReport report)
{
    public RunOptions Options { get; } = options;

    /// <summary>Reads one of the scenario's own options.</summary>
    public T? GetValue<T>(Option<T> option) => parse.GetValue(option);

    public TextWriter Output { get; } = output;

    public ScenarioReport Report { get; } = report;

    public LoadRunner Runner { get; } = new(output);

    /// <summary>Runs a phase, adds its result to the report and prints its one-line summary.</summary>
    public async Task<PhaseResult> RunPhaseAsync(LoadPhase phase, Operation operation, CancellationToken cancellationToken)
    {
        var result = await Runner.RunAsync(phase, operation, cancellationToken).ConfigureAwait(false);
        Report.Phases.Add(result);
        if (result.ServiceTime is { } service && result.DispatchLag is { } lag)
        {
            Output.WriteLine($"    service time p50 {Format.Duration(service.P50Ns)}  p99 {Format.Duration(service.P99Ns)};  dispatch lag p50 {Format.Duration(lag.P50Ns)}  p99 {Format.Duration(lag.P99Ns)}"
                + (result.Dropped > 0 ? $";  dropped {result.Dropped}" : ""));
        }
        Output.WriteLine($"    p50 {Format.Duration(result.Latency.P50Ns)}  p99 {Format.Duration(result.Latency.P99Ns)}  max {Format.Duration(result.Latency.MaxNs)}"
            + $"  {result.Throughput:0.##} ops/s  {Format.Bytes(result.AllocatedBytesPerOperation)}/op  cpu {result.CpuCores:0.00} cores" + (result.ErrorCount > 0 ? $"  errors {result.ErrorCount}" : ""));
        return result;
    }

    /// <summary>Prints a step of the scenario (not a measurement).</summary>
    public void Step(string message) => Output.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");
}
