using VolumeAwareScheduler.Cli;

namespace VolumeAwareScheduler.Tests.Simulation;

/// <summary>
/// Golden cases: testdata/&lt;case&gt;/cluster.yaml through `simulate --output json` must print exactly expected.jsonl
/// on stdout, and on stderr exactly expected-stderr.txt ("{cluster}" standing for the file's path) or nothing.
/// Expected reason strings are kube-scheduler's (v1.37).
/// </summary>
public sealed class SimulateGoldenTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Path.Combine(AppContext.BaseDirectory, "Simulation", "testdata")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Simulate_json_matches_golden(string caseName)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Simulation", "testdata", caseName);
        var (exit, stdout, stderr) = Run("simulate", "--cluster", Path.Combine(dir, "cluster.yaml"), "--output", "json");

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        var expected = File.ReadAllLines(Path.Combine(dir, "expected.jsonl")).Where(l => l.Length > 0);
        Assert.Equal(expected, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var stderrPath = Path.Combine(dir, "expected-stderr.txt");
        var expectedStderr = File.Exists(stderrPath)
            ? File.ReadAllLines(stderrPath).Where(l => l.Length > 0).Select(l => l.Replace("{cluster}", Path.Combine(dir, "cluster.yaml"), StringComparison.Ordinal))
            : [];
        Assert.Equal(expectedStderr, stderr.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Bundled_example_places_the_pinned_pod_on_node_2_with_node_2s_volume()
    {
        var (exit, stdout, _) = Run("simulate", "--cluster", Path.Combine(AppContext.BaseDirectory, "examples", "cluster.yaml"), "--output", "json");

        Assert.Equal(0, exit);
        Assert.Contains(
            """{"pod":"ml/trainer","node":"node-2","bindings":[{"claim":"ml/trainer-data","volume":"local-pv-node-2"}],"provisions":[]}""",
            stdout.Split('\n'));
    }

    internal static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CommandLine.Run(args, stdout, stderr);
        return (exit, stdout.ToString().Replace("\r\n", "\n", StringComparison.Ordinal), stderr.ToString());
    }
}
