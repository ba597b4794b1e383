using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Plugins;

namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>A node's result in one cycle: its filter status, the volumes it would get, and its scores.</summary>
public sealed class NodeOutcome(NodeInfo node, int nodeIndex, Status status, CycleState? cycle)
{
    private List<PluginScore>? _scores;

    public NodeInfo Node { get; } = node;

    /// <summary>The node's position in <see cref="CycleState.Nodes"/>.</summary>
    public int NodeIndex { get; } = nodeIndex;

    public Status Status { get; } = status;

    /// <summary>What VolumeBinding's Filter chose for this node (empty for a pod without claims); null when infeasible.</summary>
    public PodVolumes? Volumes => Status.IsSuccess ? (cycle is null ? null : VolumeBinding.PodVolumesOn(cycle, NodeIndex)) ?? PodVolumes.Empty : null;

    /// <summary>Each score plugin's score, in the profile's order; empty until scored.</summary>
    public IReadOnlyList<PluginScore> Scores => _scores ?? [];

    /// <summary>The weighted sum of the plugins' normalized scores.</summary>
    public long TotalScore { get; private set; }

    /// <param name="plugins">How many score plugins the profile has: the list's capacity.</param>
    internal void AddScore(PluginScore score, int plugins)
    {
        (_scores ??= new List<PluginScore>(plugins)).Add(score);
        TotalScore += score.Weighted;
    }
}
