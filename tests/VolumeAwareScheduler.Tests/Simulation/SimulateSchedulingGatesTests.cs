namespace VolumeAwareScheduler.Tests.Simulation;

/// <summary>The table output of <c>simulate</c> for a pod its scheduling gates keep out of the queue.</summary>
public sealed class SimulateSchedulingGatesTests
{
    [Fact]
    public void Table_shows_a_gated_pod_as_not_attempted_with_its_gates()
    {
        var cluster = Path.Combine(AppContext.BaseDirectory, "Simulation", "testdata", "scheduling-gates-and-host-ports", "cluster.yaml");

        var (exit, stdout, stderr) = SimulateGoldenTests.Run("simulate", "--cluster", cluster);

        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("default/gated", StringComparison.Ordinal) && l.Contains("<gated>", StringComparison.Ordinal));
        Assert.Contains("default/gated was not attempted: waiting for scheduling gates: [example.com/quota example.com/review]", lines);
        Assert.Contains("2 of 4 pod(s) placed.", lines);
    }
}
