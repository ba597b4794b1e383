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

    /// <summary>How many nodes have each image, for the node list it was counted over (the last one asked about).</summary>
    private NodeImageCounts? _counts;

    public string Name => PluginName;

    public Status PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> feasible)
    {
        state.Write(PluginName, ImageSpread.Of(CountsFor(state.Cluster.Nodes), pod));
        return Status.Success;
    }

    /// <summary>
    /// The image counts of <paramref name="nodes"/>: counted once per node list rather than once per cycle (the
    /// cluster hands out the same list until a node changes, and nodes are immutable). Replaced, never changed, so
    /// concurrent cycles may share it.
    /// </summary>
    private NodeImageCounts CountsFor(IReadOnlyList<NodeInfo> nodes)
    {
        var counts = Volatile.Read(ref _counts);
        if (counts is not null && ReferenceEquals(counts.Nodes, nodes)) return counts;
        counts = NodeImageCounts.Of(nodes);
        Volatile.Write(ref _counts, counts);
        return counts;
    }

    public long Score(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex, out Status status)
    {
        status = Status.Success;
        var spread = state.Read<ImageSpread>(PluginName) ?? ImageSpread.Of(CountsFor(state.Cluster.Nodes), pod);
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
        public static ImageSpread Of(NodeImageCounts nodeCounts, PodInfo pod)
        {
            var names = new string[pod.Images.Length];
            var counts = new int[names.Length];
            for (var i = 0; i < names.Length; i++)
            {
                names[i] = NormalizedImageName(pod.Images[i]);
                counts[i] = nodeCounts.Counts.GetValueOrDefault(names[i]);
            }
            return new ImageSpread(names, counts, nodeCounts.Nodes.Count);
        }
    }

    /// <summary>For each image some node of <paramref name="Nodes"/> has, how many of them have it.</summary>
    private sealed record NodeImageCounts(IReadOnlyList<NodeInfo> Nodes, Dictionary<string, int> Counts)
    {
        public static NodeImageCounts Of(IReadOnlyList<NodeInfo> nodes)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var node in nodes)
            {
                foreach (var image in node.Images.Keys) counts[image] = counts.GetValueOrDefault(image) + 1;
            }
            return new NodeImageCounts(nodes, counts);
        }
    }
}
