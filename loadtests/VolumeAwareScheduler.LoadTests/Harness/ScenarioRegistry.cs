using System.CommandLine;
using System.Diagnostics;
using VolumeAwareScheduler.LoadTests.Harness.Reports;
using VolumeAwareScheduler.LoadTests.Scenarios;

namespace VolumeAwareScheduler.LoadTests.Harness;

/// <summary>
/// The scenarios, one command each. To add one (extender, e2e…): write a <see cref="Scenario"/> under Scenarios/ and
/// list it here. Exit codes: 0 passed, 1 failed (a correctness check), 2 bad usage.
/// </summary>
public static class ScenarioRegistry
{
    public const int ExitPassed = 0;
    public const int ExitFailed = 1;
    public const int ExitBadUsage = 2;

    public static IReadOnlyList<Scenario> All { get; } =
    [
        new IndexScenario(),
        new ExtenderScenario(),
        new E2eScenario(),
        new MemoryScenario(),
        new SoakScenario(),
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("VolumeAwareScheduler load tests. Reports are written to loadtests/reports/<scenario>-<timestamp>.{md,json,html} and <scenario>-latest.*.");
        foreach (var scenario in All) root.Subcommands.Add(CommandFor(scenario, args, stdout, stderr));
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) stderr.WriteLine($"error: {error.Message}");
            stderr.WriteLine("Run with --help for usage.");
            return ExitBadUsage;
        }
        return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    private static Command CommandFor(Scenario scenario, string[] args, TextWriter stdout, TextWriter stderr)
    {
        var common = new RunOptions.Definitions();
        var command = new Command(scenario.Name, scenario.Description);
        foreach (var option in common.All.Concat(scenario.Options)) command.Options.Add(option);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (options, errors) = common.Read(parse);
            if (errors.Count > 0)
            {
                foreach (var error in errors) stderr.WriteLine($"error: {error}");
                return ExitBadUsage;
            }
            var report = new ScenarioReport { Scenario = scenario.Name, StartedAt = DateTimeOffset.UtcNow, Environment = RunEnvironment.Describe() };
            var context = new ScenarioContext(options, parse, stdout, report);
            var clock = Stopwatch.StartNew();
            try
            {
                await scenario.RunAsync(context, cancellationToken).ConfigureAwait(false);
            }
            catch (ScenarioUsageException e)
            {
                stderr.WriteLine($"error: {e.Message}");
                return ExitBadUsage;
            }
            catch (ScenarioAbortedException e)
            {
                report.Checks.Add(new ReportCheck("scenario completed", false, e.Message));
            }
            report.ElapsedSeconds = clock.Elapsed.TotalSeconds;
            report.Environment["load average at end"] = RunEnvironment.LoadAverage();
            report.Command = "dotnet run --project loadtests/VolumeAwareScheduler.LoadTests -c Release -- " + string.Join(' ', args);
            var files = ReportWriter.Write(report, options.ReportsDirectory);
            stdout.WriteLine();
            foreach (var check in report.Checks) stdout.WriteLine($"{(check.Passed ? "PASS" : "FAIL")}  {check.Name}: {check.Detail}");
            foreach (var file in files) stdout.WriteLine($"report: {file}");
            return report.Passed ? ExitPassed : ExitFailed;
        });
        return command;
    }
}

/// <summary>Thrown by a scenario whose options do not make sense together (exit code 2, no report).</summary>
public sealed class ScenarioUsageException(string message) : Exception(message);

/// <summary>Thrown by a scenario that cannot go on (a fatal check failed); the report is still written.</summary>
public sealed class ScenarioAbortedException(string message) : Exception(message);
