namespace VolumeAwareScheduler.Tests.Simulation;

/// <summary>
/// `simulate` applies DefaultPreemption's decision offline (testdata/preemption): the victims are removed and the
/// preemptor placed; the table says who was preempted (the JSON golden carries the same as "preempted").
/// </summary>
public sealed class SimulatePreemptionTests
{
    [Fact]
    public void The_table_names_the_pods_a_placed_pod_preempted()
    {
        var cluster = Path.Combine(AppContext.BaseDirectory, "Simulation", "testdata", "preemption", "cluster.yaml");
        var (exit, stdout, stderr) = SimulateGoldenTests.Run("simulate", "--cluster", cluster);

        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n');
        Assert.Contains("default/urgent preempted default/batch on node-2.", lines);
        Assert.Contains("default/polite is pending: 0/2 nodes are available: 2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.", lines);
    }
}
