using VolumeAwareScheduler.Hosting;

namespace VolumeAwareScheduler.Tests.Extender;

/// <summary>serve --cluster loads the file as simulate does: the same StatefulSet expansion, the same warnings.</summary>
public sealed class ServeClusterFileTests
{
    private static string Case(string name) => Path.Combine(AppContext.BaseDirectory, "Simulation", "testdata", name, "cluster.yaml");

    [Fact]
    public async Task Pending_pods_of_a_running_dump_are_only_the_ordinals_the_controller_would_still_schedule()
    {
        await using var source = ClusterSource.Load(Case("statefulset-running-cluster-dump"));

        Assert.Equal(
            ["streaming/kafka-2", "streaming/zookeeper-2", "streaming/zookeeper-3"],
            source.PendingPods.Select(p => p.Key.ToString()));
        Assert.Equal("local-pv-node-a-1", source.Cache!.Read(static s => s.GetClaim(new("streaming", "data-kafka-0"))!.VolumeName));
        Assert.Equal("standard", source.Cache!.Read(static s => s.GetClaim(new("streaming", "datadir-zookeeper-3"))!.StorageClassName));
    }

    [Fact]
    public async Task Ignored_kinds_are_warned_once_per_kind()
    {
        var warnings = new StringWriter();
        var path = Case("chart-ignored-kinds");

        await using var source = ClusterSource.Load(path, warnings);

        var expected = File.ReadAllLines(Path.Combine(Path.GetDirectoryName(path)!, "expected-stderr.txt"))
            .Where(l => l.Length > 0).Select(l => l.Replace("{cluster}", path, StringComparison.Ordinal));
        Assert.Equal(expected, warnings.ToString().ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
