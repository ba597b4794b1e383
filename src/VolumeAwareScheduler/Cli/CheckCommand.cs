using System.CommandLine;
using System.Net.Http;
using k8s;
using k8s.Autorest;
using VolumeAwareScheduler.Core.Invariants;
using VolumeAwareScheduler.Core.State;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Kubernetes.Manifests;

namespace VolumeAwareScheduler.Cli;

/// <summary>
/// `check`: the volume-binding invariants (<see cref="InvariantChecker"/>) over a YAML dump (--cluster) or a live
/// cluster (--server, --kubeconfig, else in-cluster, else ~/.kube/config), listed once. One line per violation on
/// stdout. Exit 0 when clean, 1 when any invariant is broken, 2 for bad input (a file, a flag, an unreachable server).
/// </summary>
public static class CheckCommand
{
    public const int ExitViolations = 1;

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var cluster = new Option<string?>("--cluster") { Description = "YAML dump of a cluster (as for simulate), checked as it is: nothing is settled or scheduled first." };
        var server = new Option<string?>("--server") { Description = "Live: API server URL without credentials (e.g. the emulator of `demo --keep-running`)." };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Live: path to a kubeconfig; default: in-cluster config, else ~/.kube/config." };
        var timeout = new Option<int>("--timeout-seconds") { Description = "Live: how long listing nodes, PVs, claims and pods may take.", DefaultValueFactory = _ => 60 };
        var command = new Command("check", "Check the volume-binding invariants (no PV bound twice, bound claims point back, pods inside their PVs' node affinity, no selected node missing, no stale prebinding) over a dump or a live cluster.")
        {
            cluster, server, kubeconfig, timeout,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(cluster);
            if (path is not null && (parse.GetValue(server) is not null || parse.GetValue(kubeconfig) is not null))
            {
                stderr.WriteLine("error: --cluster reads a dump; --server and --kubeconfig read a live cluster: give one source.");
                return CommandLine.ExitBadInput;
            }
            if (parse.GetValue(server) is not null && parse.GetValue(kubeconfig) is not null)
            {
                stderr.WriteLine("error: --kubeconfig and --server cannot be used together.");
                return CommandLine.ExitBadInput;
            }
            if (parse.GetValue(timeout) <= 0)
            {
                stderr.WriteLine("error: --timeout-seconds must be positive.");
                return CommandLine.ExitBadInput;
            }
            ClusterState state;
            string source;
            if (path is not null)
            {
                try
                {
                    state = StateLoader.FromManifests(ManifestReader.ReadFile(path), path);
                    source = path;
                }
                catch (ManifestException e)
                {
                    stderr.WriteLine($"error: {e.Message}");
                    return CommandLine.ExitBadInput;
                }
            }
            else
            {
                if (!CommandLine.TryBuildClientConfiguration(parse.GetValue(server), parse.GetValue(kubeconfig), stderr, out var config)) return CommandLine.ExitBadInput;
                source = config.Host ?? "(in-cluster)";
                var skipped = new List<string>();
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(TimeSpan.FromSeconds(parse.GetValue(timeout)));
                try
                {
                    using var client = new k8s.Kubernetes(config);
                    state = await StateLoader.ListAsync(client, skipped, deadline.Token);
                }
                catch (Exception e) when (e is HttpRequestException or HttpOperationException or OperationCanceledException or UriFormatException)
                {
                    var why = e switch
                    {
                        OperationCanceledException => $"no answer within {parse.GetValue(timeout)}s",
                        HttpOperationException h => $"HTTP {(int)h.Response.StatusCode} (the account needs list on nodes, persistentvolumes, persistentvolumeclaims and pods)",
                        _ => e.Message.TrimEnd('.'),
                    };
                    stderr.WriteLine($"error: cannot list the cluster from {source}: {why}.");
                    return CommandLine.ExitBadInput;
                }
                foreach (var item in skipped) stderr.WriteLine($"warning: left out, does not convert: {item}");
            }

            var violations = InvariantChecker.Check(state);
            foreach (var violation in violations) stdout.WriteLine(violation.Message);
            var counts = $"{state.Nodes.Count} node(s), {state.Volumes.Count} PV(s), {state.Claims.Count()} claim(s), {state.Pods.Count()} pod(s)";
            if (violations.Count == 0)
            {
                stdout.WriteLine($"ok: {source}: {counts}; every invariant holds.");
                return CommandLine.ExitOk;
            }
            stdout.WriteLine($"{violations.Count} violation(s) in {source}: {counts}.");
            return ExitViolations;
        });
        return command;
    }
}
