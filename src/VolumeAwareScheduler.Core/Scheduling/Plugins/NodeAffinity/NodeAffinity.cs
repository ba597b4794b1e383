using VolumeAwareScheduler.Core.Matching;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins.Helper;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// Mirrors pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go. PreFilter: Skip for a pod without
/// nodeSelector and required node affinity; a PreFilterResult when every required term names nodes by
/// <c>metadata.name In</c>. Filter: spec.nodeSelector and required node affinity. Score: the summed weights of the
/// preferred terms the node matches, normalized so the best node gets 100.
/// </summary>
public sealed class NodeAffinity : IPreFilterPlugin, IFilterPlugin, IPreScorePlugin, IScorePlugin, IScoreExtensions
{
    public const string PluginName = "NodeAffinity";

    private static readonly Status Rejected = Status.Unresolvable(PluginName, Reasons.NodeAffinityMismatch);

    public string Name => PluginName;

    public Status PreFilter(CycleState state, PodInfo pod, out PreFilterResult? result)
    {
        result = null;
        if (pod.RequiredNodeAffinity is null && pod.NodeSelector.Count == 0) return Status.Skip(PluginName);
        if (pod.RequiredNodeAffinity is not { Terms.Length: > 0 } required) return Status.Success;

        HashSet<string>? nodeNames = null;
        foreach (var term in required.Terms)
        {
            HashSet<string>? termNodeNames = null;
            foreach (var field in term.MatchFields)
            {
                if (field.Key != "metadata.name" || field.Operator != SelectorOperator.In) continue;
                // The requirements of one term are ANDed: intersect.
                if (termNodeNames is null) termNodeNames = new HashSet<string>(field.Values, StringComparer.Ordinal);
                else termNodeNames.IntersectWith(field.Values);
            }
            if (termNodeNames is null) return Status.Success; // a term without node names: every node may match (terms are ORed)
            (nodeNames ??= new HashSet<string>(StringComparer.Ordinal)).UnionWith(termNodeNames);
        }
        if (nodeNames is { Count: 0 }) return Status.Unresolvable(PluginName, Reasons.NodeAffinityConflict);
        if (nodeNames is not null) result = new PreFilterResult(nodeNames);
        return Status.Success;
    }

    public Status Filter(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex)
    {
        foreach (var (key, value) in pod.NodeSelector)
        {
            if (!node.Labels.TryGetValue(key, out var actual) || actual != value) return Rejected;
        }
        if (pod.RequiredNodeAffinity is { } required && !SelectorMatching.Matches(required, node.Labels, node.Name)) return Rejected;
        return Status.Success;
    }

    public Status PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> feasible) =>
        pod.PreferredNodeAffinity.IsEmpty ? Status.Skip(PluginName) : Status.Success;

    /// <summary>PreferredSchedulingTerms.Score: empty terms and zero weights count for nothing.</summary>
    public long Score(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex, out Status status)
    {
        status = Status.Success;
        long sum = 0;
        foreach (var preferred in pod.PreferredNodeAffinity)
        {
            if (preferred.Weight != 0 && !IsEmpty(preferred.Term) && SelectorMatching.Matches(preferred.Term, node.Labels, node.Name)) sum += preferred.Weight;
        }
        return sum;
    }

    public Status NormalizeScore(CycleState state, PodInfo pod, Span<NodeScore> scores)
    {
        ScoreNormalizer.DefaultNormalizeScore(NodeScore.MaxNodeScore, reverse: false, scores);
        return Status.Success;
    }

    private static bool IsEmpty(NodeSelectorTerm term) => term.MatchExpressions.IsEmpty && term.MatchFields.IsEmpty;
}
