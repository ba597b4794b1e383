using System.CommandLine;
using VolumeAwareScheduler.Kubernetes.Manifests;
using VolumeAwareScheduler.Simulation;

namespace VolumeAwareScheduler.Cli;

/// <summary>The executable's subcommands. Exit codes: 0 done, 1 failed at run time, 2 bad input or usage.</summary>
public static class CommandLine
{
    public const int ExitOk = 0;
    public const int ExitBadInput = 2;

    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var root = new RootCommand("VolumeAwareScheduler: WaitForFirstConsumer volume binding for Kubernetes, as a scheduler extender, a secondary scheduler, or offline.")
        {
            SimulateCommand(stdout, stderr),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) stderr.WriteLine($"error: {error.Message}");
            stderr.WriteLine("Run with --help for usage.");
            return ExitBadInput;
        }
        return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    private static Command SimulateCommand(TextWriter stdout, TextWriter stderr)
    {
        var cluster = new Option<string>("--cluster") { Description = "YAML dump of a cluster (several documents and/or kind: List).", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "table (for people) or json (one line per pod).", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json");
        var command = new Command("simulate", "Schedule the pending pods of a cluster dump offline, binding their claims as the cluster would.") { cluster, output };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(cluster)!;
            try
            {
                var (objects, warnings) = ManifestReader.ReadFile(path);
                foreach (var warning in warnings) stderr.WriteLine($"warning: {warning}");
                var simulator = new Simulator();
                var report = simulator.Run(objects, path);
                if (parse.GetValue(output) == "json") SimulationOutput.WriteJson(report, stdout);
                else SimulationOutput.WriteTable(report, stdout, simulator.State);
                return ExitOk;
            }
            catch (ManifestException e)
            {
                stderr.WriteLine($"error: {e.Message}");
                return ExitBadInput;
            }
        });
        return command;
    }
}
