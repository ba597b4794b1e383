using System.Text.Json;
using VolumeAwareScheduler.Tests.Simulation;

namespace VolumeAwareScheduler.Tests.Extender;

/// <summary>explain over HTTP (by name, or with a pod body) and `simulate --explain`.</summary>
public sealed class ExplainTests
{
    [Fact]
    public async Task Explain_by_name_gives_per_node_verdicts_reasons_volumes_and_scores()
    {
        await using var host = await ExtenderTestHost.StartAsync(ExtenderTestHost.ClassicCluster);

        var (status, body) = await host.GetAsync("/scheduler/explain?pod=default/app");

        Assert.Equal(200, status);
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal("node-2", root.GetProperty("selectedNode").GetString());
        var nodes = root.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("node").GetString()!);
        Assert.False(nodes["node-1"].GetProperty("feasible").GetBoolean());
        Assert.Equal("node(s) didn't match Pod's node affinity/selector", nodes["node-1"].GetProperty("reasons")[0].GetString());
        var claim = nodes["node-2"].GetProperty("claims")[0];
        Assert.Equal("pv-b", claim.GetProperty("volume").GetString());
        Assert.Contains(claim.GetProperty("candidates").EnumerateArray(), c => c.GetProperty("volume").GetString() == "pv-a" && !c.GetProperty("chosen").GetBoolean());
        // The default profile's weighted sum; VolumeBinding's part is the claim's share of the PV: 5Gi of 10Gi.
        var volumeBinding = nodes["node-2"].GetProperty("scores").EnumerateArray().Single(s => s.GetProperty("plugin").GetString() == "VolumeBinding");
        Assert.Equal(50, volumeBinding.GetProperty("normalized").GetInt64());
        Assert.Equal(nodes["node-2"].GetProperty("scores").EnumerateArray().Sum(s => s.GetProperty("weighted").GetInt64()), nodes["node-2"].GetProperty("score").GetInt64());
        // Every filter's verdict, the rejecting one with its reasons.
        var nodeAffinity = nodes["node-1"].GetProperty("filters").EnumerateArray().Single(f => f.GetProperty("plugin").GetString() == "NodeAffinity");
        Assert.Equal("UnschedulableAndUnresolvable", nodeAffinity.GetProperty("code").GetString());
        Assert.Equal("node(s) didn't match Pod's node affinity/selector", nodeAffinity.GetProperty("reasons")[0].GetString());
        Assert.All(nodes["node-2"].GetProperty("filters").EnumerateArray(), f => Assert.Contains(f.GetProperty("code").GetString(), new[] { "Success", "Skip" }));
    }

    [Fact]
    public async Task Explain_of_a_posted_pod_needs_no_prior_filter()
    {
        await using var host = await ExtenderTestHost.StartAsync(ExtenderTestHost.ClassicCluster);

        var (status, body) = await host.PostAsync("/scheduler/explain", ExtenderBehaviourTests.ClassicPod);

        Assert.Equal(200, status);
        Assert.Equal("node-2", JsonDocument.Parse(body).RootElement.GetProperty("selectedNode").GetString());
    }

    [Theory]
    [InlineData("/scheduler/explain?pod=default/ghost", 404)]
    [InlineData("/scheduler/explain", 400)]
    public async Task Explain_of_an_unknown_or_missing_pod_is_a_problem(string path, int expected)
    {
        await using var host = await ExtenderTestHost.StartAsync(ExtenderTestHost.ClassicCluster);

        Assert.Equal(expected, (await host.GetAsync(path)).Status);
    }

    [Fact]
    public void Simulate_explain_prints_a_table_of_the_pods_decision()
    {
        var (exit, stdout, stderr) = SimulateGoldenTests.Run("simulate", "--cluster", ExtenderTestHost.ClassicCluster, "--explain", "default/app");

        Assert.True(exit == 0, stderr);
        Assert.Contains("Pod default/app: would be placed on node-2", stdout, StringComparison.Ordinal);
        Assert.Contains("node-1  rejected (NodeAffinity)", stdout, StringComparison.Ordinal);
        Assert.Contains("* pv-b: chosen", stdout, StringComparison.Ordinal);
        // Per node, each plugin's verdict and (feasible nodes) raw, normalized and weighted scores, summed in TOTAL.
        Assert.Matches(@"\n  NodeAffinity +UnschedulableAndUnresolvable +- +- +- +node\(s\) didn't match Pod's node affinity/selector\n", stdout);
        Assert.Matches(@"\n  TaintToleration +pass +0 +100 +300\n", stdout);
        Assert.Matches(@"\n  VolumeBinding +pass +50 +50 +50\n", stdout);
        Assert.Matches(@"\n  TOTAL +445\n", stdout);
    }

    [Fact]
    public void Simulate_explain_of_a_pod_not_in_the_file_is_bad_input()
    {
        var (exit, _, stderr) = SimulateGoldenTests.Run("simulate", "--cluster", ExtenderTestHost.ClassicCluster, "--explain", "default/ghost");

        Assert.Equal(2, exit);
        Assert.Contains("default/ghost is not a pending pod", stderr, StringComparison.Ordinal);
    }
}
