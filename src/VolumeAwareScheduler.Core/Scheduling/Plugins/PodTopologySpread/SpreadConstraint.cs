using VolumeAwareScheduler.Core.Matching;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// A topology spread constraint with its defaults applied and its selector final (common.go topologySpreadConstraint):
/// minDomains 1, nodeAffinityPolicy Honor and nodeTaintsPolicy Ignore when unset; matchLabelKeys merged in.
/// A null selector selects nothing.
/// </summary>
internal sealed record SpreadConstraint(int MaxSkew, string TopologyKey, LabelSelector? Selector, int MinDomains,
    NodeInclusionPolicy NodeAffinityPolicy, NodeInclusionPolicy NodeTaintsPolicy)
{
    public bool Selects(IReadOnlyDictionary<string, string> labels) => Selector is { } selector && SelectorMatching.Matches(selector, labels);

    /// <summary>labels.Selector.Empty(): a selector without requirements (it matches everything, yet counts nothing).</summary>
    public bool SelectorIsEmpty => Selector is { MatchLabels.Count: 0 } s && s.MatchExpressions.IsDefaultOrEmpty;

    /// <summary>
    /// matchNodeInclusionPolicies: with nodeAffinityPolicy Honor the node must match the pod's nodeSelector and required
    /// node affinity; with nodeTaintsPolicy Honor the pod must tolerate the node's NoSchedule and NoExecute taints.
    /// </summary>
    public bool IncludesNode(PodInfo pod, NodeInfo node)
    {
        if (NodeAffinityPolicy == NodeInclusionPolicy.Honor && !PodTopologySpread.MatchesRequiredNodeAffinity(pod, node)) return false;
        if (NodeTaintsPolicy == NodeInclusionPolicy.Honor)
        {
            foreach (var taint in node.Taints)
            {
                if (taint.Effect == TaintEffect.PreferNoSchedule) continue;
                if (!pod.Tolerations.Any(t => t.Tolerates(taint))) return false;
            }
        }
        return true;
    }

    /// <summary>countPodsMatchSelector: pods of <paramref name="ns"/>, not terminating, that the selector matches; an empty selector counts none.</summary>
    public int CountMatching(IEnumerable<PodInfo> pods, string ns)
    {
        if (SelectorIsEmpty) return 0;
        var count = 0;
        foreach (var pod in pods)
        {
            // Bypass terminating pods (kubernetes/kubernetes#87621).
            if (pod.IsDeleting || pod.Key.Namespace != ns) continue;
            if (Selects(pod.Labels)) count++;
        }
        return count;
    }
}
