using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins.Helper;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// Mirrors pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go. Filter: the first NoSchedule or
/// NoExecute taint the pod does not tolerate. Score: the number of PreferNoSchedule taints the pod does not tolerate
/// (counting only tolerations with an empty or PreferNoSchedule effect), normalized in reverse (fewest is best).
/// </summary>
public sealed class TaintToleration : IFilterPlugin, IPreScorePlugin, IScorePlugin, IScoreExtensions
{
    public const string PluginName = "TaintToleration";

    private static readonly Status Untolerated = Status.Unresolvable(PluginName, Reasons.UntoleratedTaints);

    public string Name => PluginName;

    public Status Filter(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex)
    {
        foreach (var taint in node.Taints)
        {
            if (taint.Effect == TaintEffect.PreferNoSchedule) continue;
            if (!Tolerated(pod.Tolerations, taint)) return Untolerated;
        }
        return Status.Success;
    }

    public Status PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> feasible)
    {
        // getAllTolerationPreferNoSchedule
        state.Write(PluginName, pod.Tolerations.Where(t => t.Effect is null or TaintEffect.PreferNoSchedule).ToArray());
        return Status.Success;
    }

    public long Score(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex, out Status status)
    {
        status = Status.Success;
        var tolerations = state.Read<Toleration[]>(PluginName) ?? [.. pod.Tolerations.Where(t => t.Effect is null or TaintEffect.PreferNoSchedule)];
        long intolerable = 0;
        foreach (var taint in node.Taints)
        {
            if (taint.Effect == TaintEffect.PreferNoSchedule && !Tolerated(tolerations, taint)) intolerable++;
        }
        return intolerable;
    }

    public Status NormalizeScore(CycleState state, PodInfo pod, Span<NodeScore> scores)
    {
        ScoreNormalizer.DefaultNormalizeScore(NodeScore.MaxNodeScore, reverse: true, scores);
        return Status.Success;
    }

    private static bool Tolerated(IEnumerable<Toleration> tolerations, Taint taint)
    {
        foreach (var toleration in tolerations)
        {
            if (toleration.Tolerates(taint)) return true;
        }
        return false;
    }
}
