using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// Mirrors pkg/scheduler/framework/plugins/imagelocality/image_locality.go. Score: for each image of the pod's init
/// containers and containers (the name with ":latest" when it has no tag or digest) that the node has, its size
/// scaled by the share of all nodes that have it (the spread, against the "node heating problem"); the sum, clamped
/// to [23Mi, 1000Mi × the number of containers], mapped onto 0–100. PreScore counts, over every node of the cluster,
/// how many nodes have each of the pod's images (upstream keeps that count in its image state cache).
/// </summary>
public sealed class ImageLocality : IPreScorePlugin, IScorePlugin
{
    public const string PluginName = "ImageLocality";

    private const long Mb = 1024 * 1024;
    private const long MinThreshold = 23 * Mb;
    private const long MaxContainerThreshold = 1000 * Mb;

    public string Name => PluginName;

    public Status PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> feasible)
    {
        state.Write(PluginName, ImageSpread.Of(state.Cluster.Nodes, pod));
        return Status.Success;
    }

    public long Score(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex, out Status status)
    {
        status = Status.Success;
        var spread = state.Read<ImageSpread>(PluginName) ?? ImageSpread.Of(state.Cluster.Nodes, pod);
        long sum = 0;
        for (var i = 0; i < spread.Names.Length; i++)
        {
            if (node.Images.TryGetValue(spread.Names[i], out var size)) sum += ScaledImageScore(size, spread.NodeCounts[i], spread.TotalNodes);
        }
        return CalculatePriority(sum, pod.Images.Length);
    }

    /// <summary>scaledImageScore: the size times the share of nodes that have the image.</summary>
    private static long ScaledImageScore(long size, int numNodes, int totalNodes) => (long)(size * ((double)numNodes / totalNodes));

    /// <summary>calculatePriority: the sum clamped to [minThreshold, maxContainerThreshold × containers], onto 0–100.</summary>
    public static long CalculatePriority(long sumScores, int numContainers)
    {
        var maxThreshold = MaxContainerThreshold * numContainers;
        if (sumScores < MinThreshold) sumScores = MinThreshold;
        else if (sumScores > maxThreshold) sumScores = maxThreshold;
        return NodeScore.MaxNodeScore * (sumScores - MinThreshold) / (maxThreshold - MinThreshold);
    }

    /// <summary>normalizedImageName: ":latest" appended when the name has no tag (no ":" after the last "/") and no digest.</summary>
    public static string NormalizedImageName(string name) =>
        name.LastIndexOf(':') <= name.LastIndexOf('/') ? name + ":latest" : name;

    /// <summary>The pod's images (normalized, one entry per container), how many nodes have each, and the node count.</summary>
    private sealed record ImageSpread(string[] Names, int[] NodeCounts, int TotalNodes)
    {
        public static ImageSpread Of(IReadOnlyList<NodeInfo> nodes, PodInfo pod)
        {
            var names = new string[pod.Images.Length];
            var counts = new int[names.Length];
            for (var i = 0; i < names.Length; i++) names[i] = NormalizedImageName(pod.Images[i]);
            foreach (var node in nodes)
            {
                if (node.Images.Count == 0) continue;
                for (var i = 0; i < names.Length; i++)
                {
                    if (node.Images.ContainsKey(names[i])) counts[i]++;
                }
            }
            return new ImageSpread(names, counts, nodes.Count);
        }
    }
}
