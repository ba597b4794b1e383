using System.Diagnostics;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Clients;

/// <summary>
/// A second real client, written by others: the official Python client (Debian's python3-kubernetes, which .ci/run
/// installs) runs python_client_check.py against the emulator, with the kubelet on: it creates, lists, watches,
/// binds, patches, conflicts and deletes gracefully, and prints one line per check.
/// </summary>
public sealed class PythonClientTests
{
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Clients", "python_client_check.py");

    // Debian's interpreter, the one python3-kubernetes installs for (another python3 may come first on PATH).
    private static readonly string Python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    [SkippableFact]
    public async Task The_official_Python_client_creates_lists_watches_patches_and_deletes()
    {
        // Finding the package is enough, and cheap (importing it loads hundreds of model modules).
        var probe = await RunAsync(Python, "-c", "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('kubernetes') else 1)");
        Skip.If(probe is null || probe.ExitCode != 0,
            $"python3-kubernetes is not importable by {Python} here (apt-get install python3-kubernetes; .ci/run installs it).");

        await using var cluster = await TestCluster.StartAsync();
        var run = await RunAsync(Python, Script, cluster.Emulator.BaseAddress.ToString());

        Assert.NotNull(run);
        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.DoesNotContain(lines, l => l.StartsWith("FAILED", StringComparison.Ordinal));
        foreach (var expected in new[]
        {
            "ok: list pods with a set-based label selector",
            "ok: bind a pod with pods/binding",
            "ok: watch from a resourceVersion until the pod is Running and Ready (podIP, hostIP, qosClass)",
            "ok: list a node's unfinished pods (kubectl describe node's selector)",
            "ok: strategic merge patch of pod labels",
            "ok: JSON patch of node labels",
            "ok: merge patch of claim annotations",
            "ok: a replace with a stale resourceVersion is 409 Conflict (got 409)",
            "ok: reading a missing pod is 404 NotFound (got 404)",
            "ok: watch sees the pod DELETED after its grace period",
        })
        {
            Assert.Contains(expected, lines);
        }

        Assert.Equal("all checks passed", lines[^1]);
    }

    /// <summary>
    /// Runs a program to its end; null when it cannot start. The two-minute bound only keeps a hung run from hanging the
    /// suite (the script's own watches give up after 20 s each); it is generous because test machines can be very busy.
    /// </summary>
    private static async Task<ProcessResult?> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return new ProcessResult(process.ExitCode, await output, await error, string.Join(' ', args));
        }
    }

    private sealed record ProcessResult(int ExitCode, string Output, string Error, string Command)
    {
        public override string ToString() => $"{Python} {Command} exited {ExitCode}\nstdout: {Output}\nstderr: {Error}";
    }
}
