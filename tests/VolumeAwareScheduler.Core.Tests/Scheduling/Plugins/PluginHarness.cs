using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.State;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Plugins;

/// <summary>
/// Runs one plugin the way the framework would, over a cluster of nodes and the pods already on them (upstream's
/// NewNodeInfo(pods...) and snapshot). Pods given without a node go onto the first node.
/// </summary>
internal static class PluginHarness
{
    public static ClusterState Cluster(IEnumerable<NodeInfo> nodes, IEnumerable<PodInfo>? existing = null)
    {
        var cluster = new ClusterState(new VolumeIndex());
        var list = nodes.ToList();
        foreach (var node in list) cluster.UpsertNode(node);
        foreach (var pod in existing ?? []) cluster.UpsertPod(pod.NodeName.Length > 0 ? pod : pod with { NodeName = list[0].Name });
        return cluster;
    }

    /// <summary>PreFilter (when the plugin has it), then Filter on each node; a PreFilter that is not Success is the answer for all.</summary>
    public static Status[] Filter(IPlugin plugin, ClusterState cluster, PodInfo pod)
    {
        var state = new CycleState(cluster, cluster.Nodes);
        if (plugin is IPreFilterPlugin pre)
        {
            var status = pre.PreFilter(state, pod, out _);
            if (!status.IsSuccess) return [.. cluster.Nodes.Select(_ => status)];
        }
        var filter = (IFilterPlugin)plugin;
        return [.. cluster.Nodes.Select((n, i) => filter.Filter(state, pod, n, i))];
    }

    /// <summary>PreScore (when the plugin has it and <paramref name="preScore"/>), Score on each node, NormalizeScore when the plugin has it.</summary>
    public static long[] Score(IScorePlugin plugin, ClusterState cluster, PodInfo pod, bool preScore = true)
    {
        var state = new CycleState(cluster, cluster.Nodes);
        if (preScore && plugin is IPreScorePlugin pre)
        {
            var status = pre.PreScore(state, pod, cluster.Nodes);
            Assert.True(status.IsSuccess || status.IsSkip, status.Message);
        }
        var scores = new NodeScore[cluster.Nodes.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            var score = plugin.Score(state, pod, cluster.Nodes[i], i, out var status);
            Assert.True(status.IsSuccess, status.Message);
            scores[i] = new NodeScore(cluster.Nodes[i].Name, score);
        }
        if (plugin is IScoreExtensions extensions) Assert.True(extensions.NormalizeScore(state, pod, scores).IsSuccess);
        return [.. scores.Select(s => s.Score)];
    }
}
