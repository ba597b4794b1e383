using System.Text;
using VolumeAwareScheduler.Tests.Simulation;

namespace VolumeAwareScheduler.Tests.Hostile;

/// <summary>
/// The file loaders under seeded hostile input: `simulate --cluster` (the manifest reader) and `--config` (the
/// KubeSchedulerConfiguration decoder) exit 0, or 2 with "error:" sentences, within the cancellation bound; never a
/// stack trace, another exit code, or a hang.
/// </summary>
public sealed class LoaderFuzzTests : IDisposable
{
    private const int Cases = 80;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("vas-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Example(params string[] parts) => Path.Combine([AppContext.BaseDirectory, .. parts]);

    [Fact]
    public async Task Hostile_cluster_dumps_exit_0_or_2_with_a_sentence()
    {
        var valid = await File.ReadAllTextAsync(Example("examples", "cluster.yaml"));
        var input = new HostileInput(seed: 1303);
        for (var i = 0; i < Cases; i++)
        {
            var path = Path.Combine(_dir, $"cluster-{i}.yaml");
            var bytes = input.MutateYaml(valid);
            await File.WriteAllBytesAsync(path, bytes);
            await AssertCleanExit($"case {i}", bytes, "simulate", "--cluster", path);
        }
    }

    [Fact]
    public async Task Hostile_scheduler_configurations_exit_0_or_2_with_a_sentence()
    {
        var valid = await File.ReadAllTextAsync(Example("scheduler-config", "volume-aware-scheduler-config.yaml"));
        var cluster = Example("examples", "cluster.yaml");
        var input = new HostileInput(seed: 4242);
        for (var i = 0; i < Cases; i++)
        {
            var path = Path.Combine(_dir, $"config-{i}.yaml");
            var bytes = input.MutateYaml(valid);
            await File.WriteAllBytesAsync(path, bytes);
            await AssertCleanExit($"case {i}", bytes, "simulate", "--cluster", cluster, "--config", path);
        }
    }

    private static async Task AssertCleanExit(string name, byte[] input, params string[] args)
    {
        using var timeout = new CancellationTokenSource(Bound);
        var shown = Encoding.UTF8.GetString(input);
        shown = shown.Length <= 300 ? shown : shown[..300] + "…";
        var run = Task.Run(() => SimulateGoldenTests.Run(args), CancellationToken.None);
        try
        {
            await run.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{name}: no exit within {Bound.TotalSeconds}s for {shown}");
        }
        var (exit, _, stderr) = await run;
        Assert.True(exit is 0 or 2, $"{name}: exit {exit}\n{stderr}\nfor {shown}");
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        if (exit == 2)
        {
            Assert.All(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("warning: ", StringComparison.Ordinal)),
                line => Assert.StartsWith("error: ", line, StringComparison.Ordinal));
        }
    }
}
