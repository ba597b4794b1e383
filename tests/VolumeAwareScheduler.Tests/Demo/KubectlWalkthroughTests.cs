using System.CommandLine;
using System.Diagnostics;
using System.Text.RegularExpressions;
using VolumeAwareScheduler.Cli;

namespace VolumeAwareScheduler.Tests.Demo;

/// <summary>
/// The README's "Walkthrough with kubectl", run as written: `demo --keep-running` in-process, then every kubectl
/// command of the README's walkthrough section with the real kubectl, PORT replaced by the demo's port.
/// </summary>
public sealed class KubectlWalkthroughTests
{
    private const string KubectlPath = "/usr/bin/kubectl";
    private const string Message = "0/4 nodes are available: 1 Insufficient cpu, 3 node(s) didn't find available persistent volumes to bind. preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.";

    [Fact]
    public void Readme_walkthrough_section_holds_the_commands_with_the_port_placeholder()
    {
        var commands = ReadmeWalkthrough.Commands(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "README.md")), 12345);

        Assert.True(commands.Count >= 8, $"{commands.Count} commands");
        Assert.All(commands, c => Assert.Equal(["kubectl", "--server", "http://127.0.0.1:12345"], c[..3]));
        Assert.Contains(commands, c => c.SequenceEqual(["kubectl", "--server", "http://127.0.0.1:12345", "apply", "-f", "examples/walkthrough/statefulset.yaml"]));
        Assert.Contains(commands, c => c.SequenceEqual(["kubectl", "--server", "http://127.0.0.1:12345", "apply", "-f", "examples/walkthrough/pv.yaml"]));
    }

    [Theory]
    [InlineData("get pods", new[] { "get", "pods" })]
    [InlineData("  wait  --for=create   pod/x ", new[] { "wait", "--for=create", "pod/x" })]
    [InlineData("wait --for=jsonpath='{.status.phase}'=Running pod/x", new[] { "wait", "--for=jsonpath={.status.phase}=Running", "pod/x" })]
    [InlineData("get pods -l \"app in (a, b)\"", new[] { "get", "pods", "-l", "app in (a, b)" })]
    [InlineData("get '' x", new[] { "get", "", "x" })]
    public void Words_are_split_as_a_shell_splits_them(string line, string[] expected) =>
        Assert.Equal(expected, ReadmeWalkthrough.Words(line));

    [Fact]
    public async Task Readme_walkthrough_runs_as_written_against_demo_keep_running()
    {
        if (!File.Exists(KubectlPath))
        {
            // Without kubectl there is nothing to drive; CI installs it (Debian's kubernetes-client).
            return;
        }
        var baseDir = AppContext.BaseDirectory;
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        using var stopDemo = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        var stdout = new AwaitingWriter(new Regex(@"kubectl --server http://127\.0\.0\.1:(\d+) "));
        var stderr = new StringWriter();
        var root = new RootCommand { DemoCommand.Create(stdout, stderr) };
        var demo = root.Parse([
            "demo",
            "--cluster", Path.Combine(baseDir, "examples", "demo", "cluster.yaml"),
            "--late-volume", Path.Combine(baseDir, "examples", "demo", "late-volume.yaml"),
            "--keep-running",
        ]).InvokeAsync(cancellationToken: stopDemo.Token);
        var results = new List<KubectlResult>();
        var home = Directory.CreateTempSubdirectory("walkthrough-");
        try
        {
            var line = await Task.WhenAny(stdout.Match, demo).WaitAsync(deadline.Token);
            Assert.True(line == stdout.Match, $"demo ended before printing the kubectl line\n{stdout}\n{stderr}");
            var port = int.Parse((await stdout.Match).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

            foreach (var command in ReadmeWalkthrough.Commands(File.ReadAllText(Path.Combine(baseDir, "README.md")), port))
            {
                var result = await KubectlAsync(command[1..], baseDir, home.FullName, deadline.Token);
                results.Add(result);
                Assert.True(result.ExitCode == 0, Transcript(results, stdout));
            }

            var transcript = Transcript(results, stdout);
            Assert.True(results.Count >= 8, transcript);
            // Before the new volume: cache-0 Running on the node of the file's volume, cache-1 Pending, its claim unbound.
            var before = Single(results, "get pods,pvc -o wide");
            Assert.True(Row(before, "pod/cache-0") is { } c0 && c0.Contains("Running", StringComparison.Ordinal) && c0.Contains("node-a2", StringComparison.Ordinal), transcript);
            Assert.True(Row(before, "pod/cache-1") is { } c1 && c1.Contains("Pending", StringComparison.Ordinal), transcript);
            Assert.True(Row(before, "persistentvolumeclaim/data-cache-0") is { } d0 && d0.Contains("Bound", StringComparison.Ordinal) && d0.Contains("cache-node-a2", StringComparison.Ordinal), transcript);
            Assert.True(Row(before, "persistentvolumeclaim/data-cache-1") is { } d1 && d1.Contains("Pending", StringComparison.Ordinal), transcript);
            // The pending pod's event: kube-scheduler's reason and FitError message, from our scheduler.
            var describe = Single(results, "describe pod cache-1").Output;
            Assert.True(Regex.IsMatch(describe, @"Warning\s+FailedScheduling\s+.*volume-aware-scheduler\s+" + Regex.Escape(Message)), transcript);
            // After the new volume: cache-1 Ready and Running on its node, its claim bound to it.
            Assert.Contains("condition met", Single(results, "wait --for=condition=Ready pod/cache-1 --timeout=30s").Output, StringComparison.Ordinal);
            Assert.True(Row(Single(results, "get pvc data-cache-1"), "data-cache-1") is { } d && d.Contains("Bound", StringComparison.Ordinal) && d.Contains("cache-node-b1", StringComparison.Ordinal), transcript);
            var after = Single(results, "get pods -l app=cache -o wide");
            Assert.True(Row(after, "cache-1") is { } r && r.Contains("Running", StringComparison.Ordinal) && r.Contains("node-b1", StringComparison.Ordinal), transcript);
        }
        finally
        {
            await stopDemo.CancelAsync();
            await demo.WaitAsync(TimeSpan.FromSeconds(60));
            home.Delete(recursive: true);
        }
    }

    private static KubectlResult Single(List<KubectlResult> results, string args) =>
        results.Single(r => r.Arguments == args);

    /// <summary>The output line whose first column is <paramref name="name"/>.</summary>
    private static string? Row(KubectlResult result, string name) =>
        result.Output.Split('\n').FirstOrDefault(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var first, ..] && first == name);

    private static string Transcript(List<KubectlResult> results, AwaitingWriter demo) =>
        string.Join("\n", results.Select(r => r.ToString())) + "\n--- demo ---\n" + demo;

    /// <summary>kubectl with exactly the README's arguments, HOME pointing at an empty directory (no kubeconfig).</summary>
    private static async Task<KubectlResult> KubectlAsync(string[] args, string workingDirectory, string home, CancellationToken deadline)
    {
        var start = new ProcessStartInfo(KubectlPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["HOME"] = home;
        start.Environment.Remove("KUBECONFIG");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(deadline);
        var error = process.StandardError.ReadToEndAsync(deadline);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        limit.CancelAfter(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        // args[0..1] are --server and its URL; the rest is what the assertions name.
        return new KubectlResult(process.ExitCode, await output, await error, string.Join(' ', args[2..]));
    }

    private sealed record KubectlResult(int ExitCode, string Output, string Error, string Arguments)
    {
        public override string ToString() => $"$ kubectl ... {Arguments}\nexit {ExitCode}\n{Output}{Error}";
    }
}
