using System.Text.RegularExpressions;
using VolumeAwareScheduler.Tests.Simulation;

namespace VolumeAwareScheduler.Tests.Demo;

/// <summary>The README's first command, end to end: emulator, standalone scheduler, the late volume, the summary.</summary>
public sealed class DemoCommandTests
{
    private static string Example(string file) => Path.Combine(AppContext.BaseDirectory, "examples", "demo", file);

    [Fact]
    public void Demo_tells_the_story_and_places_every_pod_on_its_volumes_node()
    {
        var (exit, stdout, stderr) = SimulateGoldenTests.Run("demo", "--cluster", Example("cluster.yaml"), "--late-volume", Example("late-volume.yaml"));

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        var lines = stdout.Split('\n');
        // The pod pinned to the GPU node gets that node's large disk; the StatefulSet's small claims take the small disks.
        Assert.Contains(lines, l => l.Contains("default/trainer", StringComparison.Ordinal) && l.Contains("→ node-b1", StringComparison.Ordinal) && l.Contains("trainer-data → ssd-node-b1-1", StringComparison.Ordinal));
        // The archiver waits, with kube-scheduler's message, until the late volume appears, then lands on its node.
        Assert.Contains(lines, l => l.Contains("default/archiver", StringComparison.Ordinal) && l.Contains("pending: 0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind.", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("default/archiver", StringComparison.Ordinal) && l.Contains("archive-data → hdd-node-a2-0", StringComparison.Ordinal) && l.Contains("requeued by the new volume", StringComparison.Ordinal));
        // Anti-affinity step: the replicas created together land on three different nodes, each on that node's PV.
        var db = lines.Where(l => Regex.IsMatch(l, @"default/db-\d +→ ")).ToList();
        Assert.Equal(3, db.Count);
        // A replica created before its claim is retried: its line then says what requeued it after the PV.
        Assert.All(db, l => Assert.Matches(@"→ (node-\w+) +data-db-\d → nvme-\1(  \(after \d+ attempts; requeued by .+\))?$", l));
        Assert.Equal(3, db.Select(l => Regex.Match(l, @"→ (node-\w+)").Groups[1].Value).Distinct().Count());
        Assert.Contains(lines, l => l.EndsWith("db: 3 replicas on 3 nodes, each on its node's PV", StringComparison.Ordinal));
        // Scheduling gate step: shown gated with the API server's condition, then released and bound, in that order.
        var gated = Array.FindIndex(lines, l => l.Contains("default/report     pending, not attempted: PodScheduled=False reason SchedulingGated", StringComparison.Ordinal));
        var released = Array.FindIndex(lines, l => l.Contains("removing the gate", StringComparison.Ordinal));
        var reportBound = Array.FindIndex(lines, l => Regex.IsMatch(l, @"default/report +→ node-\w+ +no claims"));
        Assert.True(gated >= 0 && gated < released && released < reportBound, stdout);
        Assert.DoesNotContain(lines.Take(released), l => Regex.IsMatch(l, @"default/report +→ "));
        // Preemption: the high-priority pod evicts the low-priority one on the full node and is bound there.
        Assert.Contains(lines, l => l.Contains("default/urgent", StringComparison.Ordinal) && l.Contains("preempts default/batch on node-small", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("default/urgent", StringComparison.Ordinal) && l.Contains("→ node-small", StringComparison.Ordinal));
        // Summary: every pod placed (the victim gone), every claim bound, no volume twice.
        var summary = lines.SkipWhile(l => !l.StartsWith("POD ", StringComparison.Ordinal)).Skip(1).Where(l => l.Length > 0).ToList();
        Assert.Equal(10, summary.Count);
        Assert.DoesNotContain(summary, l => l.StartsWith("default/batch ", StringComparison.Ordinal));
        Assert.DoesNotContain(summary, l => l.Contains("<pending>", StringComparison.Ordinal) || l.Contains("<unbound>", StringComparison.Ordinal));
        var volumes = summary.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]).Where(v => v != "-").ToList();
        Assert.Equal(8, volumes.Count);
        Assert.Equal(volumes.Count, volumes.Distinct().Count());
    }
}
