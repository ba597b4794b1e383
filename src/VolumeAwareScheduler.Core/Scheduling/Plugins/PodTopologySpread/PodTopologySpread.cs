using System.Collections.Immutable;
using VolumeAwareScheduler.Core.Matching;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins.Helper;
using VolumeAwareScheduler.Core.State;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// Mirrors pkg/scheduler/framework/plugins/podtopologyspread/ (plugin.go, common.go, filtering.go, scoring.go;
/// Kubernetes v1.37, with NodeInclusionPolicyInPodTopologySpread and MatchLabelKeysInPodTopologySpread on).
/// A pod's own constraints are used when it has any; otherwise the default constraints (<see cref="PodTopologySpreadArgs"/>)
/// with the selector of the Services and controller that select it (<see cref="SpreadSelector.DefaultSelector"/>).
/// <list type="number">
/// <item>PreFilter, DoNotSchedule constraints: over every node that has all the constraints' topology keys and that each
/// constraint's node inclusion policies admit, the matching pods of the pod's namespace per domain (terminating pods
/// left out) and the smallest count.</item>
/// <item>Filter: a node without a topology key is unresolvable; otherwise matching pods in the node's domain, plus one
/// when the pod matches its own selector, minus the global minimum (0 while there are fewer domains than minDomains)
/// must not exceed maxSkew.</item>
/// <item>PreScore/Score, ScheduleAnyway constraints: each feasible node scores Σ count·log(domains+2) + (maxSkew−1)
/// over its domains (hostname domains counted on the node itself); with the system defaults a node without a zone label
/// still spreads by hostname. NormalizeScore: fewest is best, (max + min − score) / max × 100; ignored nodes get 0.</item>
/// </list>
/// </summary>
public sealed class PodTopologySpread : IPreFilterPlugin, IFilterPlugin, IPreScorePlugin, IScorePlugin, IScoreExtensions
{
    public const string PluginName = "PodTopologySpread";

    private const string PreFilterStateKey = "PreFilter" + PluginName;
    private const string PreScoreStateKey = "PreScore" + PluginName;
    private const string HostnameLabel = "kubernetes.io/hostname";

    private static readonly Status NodeLabelMissing = Status.Unresolvable(PluginName, Reasons.TopologySpreadNodeLabelNotMatch);
    private static readonly Status SkewTooLarge = Status.Unschedulable(PluginName, Reasons.TopologySpreadConstraintsNotMatch);

    private readonly PodTopologySpreadArgs _args;
    private readonly bool _systemDefaulted;

    public PodTopologySpread(PodTopologySpreadArgs? args = null)
    {
        _args = args ?? new PodTopologySpreadArgs();
        var errors = _args.Validate();
        if (errors.Count > 0) throw new ArgumentException(string.Join("; ", errors), nameof(args));
        _systemDefaulted = _args.DefaultingType == TopologySpreadDefaulting.System;
    }

    public string Name => PluginName;

    public PodTopologySpreadArgs Args => _args;

    public Status PreFilter(CycleState state, PodInfo pod, out PreFilterResult? result)
    {
        result = null;
        var cluster = state.Cluster;
        var constraints = Constraints(pod, cluster, UnsatisfiableConstraintAction.DoNotSchedule);
        if (constraints.Count == 0) return Status.Skip(PluginName);

        // A constraint whose inclusion policies admit every node reads the counts the cluster state keeps per selector
        // (the same numbers as the loop below, without visiting every node and pod); the others are counted here.
        var matchNum = new Dictionary<string, int>[constraints.Count];
        string[]? keys = null;
        bool[]? slow = null;
        for (var i = 0; i < matchNum.Length; i++)
        {
            var c = constraints[i];
            if (IncludesEveryNode(c, pod))
            {
                keys ??= [.. constraints.Select(k => k.TopologyKey).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
                matchNum[i] = cluster.MatchingPodsByDomain(pod.Key.Namespace, c.Selector ?? LabelSelector.Everything, keys, c.TopologyKey);
            }
            else
            {
                matchNum[i] = new Dictionary<string, int>(StringComparer.Ordinal);
                (slow ??= new bool[constraints.Count])[i] = true;
            }
        }
        if (slow is not null) CountOnEveryNode(cluster, pod, constraints, slow, matchNum);

        var minMatchNum = new int[constraints.Count];
        for (var i = 0; i < constraints.Count; i++) minMatchNum[i] = matchNum[i].Count == 0 ? int.MaxValue : matchNum[i].Values.Min();
        var selfMatch = new bool[constraints.Count];
        for (var i = 0; i < constraints.Count; i++) selfMatch[i] = constraints[i].Selects(pod.Labels);
        state.Write(PreFilterStateKey, new PodTopologySpreadPreFilterState(constraints, matchNum, minMatchNum, selfMatch));
        return Status.Success;
    }

    /// <summary>
    /// calPreFilterState's loop for the constraints marked in <paramref name="todo"/>: over every node with all the
    /// topology keys that the constraint's inclusion policies admit, the matching pods per domain.
    /// </summary>
    private static void CountOnEveryNode(ClusterState cluster, PodInfo pod, List<SpreadConstraint> constraints, bool[] todo, Dictionary<string, int>[] matchNum)
    {
        foreach (var node in cluster.Nodes)
        {
            if (!HasAllTopologyKeys(node, constraints)) continue;
            for (var i = 0; i < constraints.Count; i++)
            {
                var c = constraints[i];
                if (!todo[i] || !c.IncludesNode(pod, node)) continue;
                var value = node.Labels[c.TopologyKey];
                matchNum[i][value] = matchNum[i].GetValueOrDefault(value) + c.CountMatching(cluster.PodsOn(node.Name), pod.Key.Namespace);
            }
        }
    }

    /// <summary>
    /// Whether matchNodeInclusionPolicies admits every node for <paramref name="pod"/>: node affinity ignored or the pod
    /// without nodeSelector and required node affinity, and taints ignored.
    /// </summary>
    private static bool IncludesEveryNode(SpreadConstraint c, PodInfo pod) =>
        (c.NodeAffinityPolicy == NodeInclusionPolicy.Ignore || (pod.NodeSelector.Count == 0 && pod.RequiredNodeAffinity is null))
        && c.NodeTaintsPolicy == NodeInclusionPolicy.Ignore;

    public Status Filter(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex)
    {
        if (state.Read<PodTopologySpreadPreFilterState>(PreFilterStateKey) is not { } s)
            return Status.Error(PluginName, $"reading \"{PreFilterStateKey}\" from cycleState: not found");
        for (var i = 0; i < s.Constraints.Count; i++)
        {
            var c = s.Constraints[i];
            if (!node.Labels.TryGetValue(c.TopologyKey, out var value)) return NodeLabelMissing;
            // 'existing matching num' + 'if self-match (1 or 0)' - 'global minimum' <= 'maxSkew'
            var self = s.SelfMatch[i] ? 1 : 0;
            var skew = (long)s.TpValueToMatchNum[i].GetValueOrDefault(value) + self - s.MinMatchNumOf(i);
            if (skew > c.MaxSkew) return SkewTooLarge;
        }
        return Status.Success;
    }

    public Status PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> feasible)
    {
        var cluster = state.Cluster;
        if (cluster.Nodes.Count == 0) return Status.Skip(PluginName);
        var constraints = Constraints(pod, cluster, UnsatisfiableConstraintAction.ScheduleAnyway);
        if (constraints.Count == 0) return Status.Skip(PluginName);
        // Only non-default constraints require every topology key: with the system defaults, a node without a zone
        // label still spreads by hostname.
        var requireAllTopologies = !pod.TopologySpreadConstraints.IsDefaultOrEmpty || !_systemDefaulted;

        // initPreScoreState: the domains of the feasible nodes; nodes missing a key are ignored when required.
        var ignored = new HashSet<string>(StringComparer.Ordinal);
        var counts = new Dictionary<string, long>[constraints.Count];
        for (var i = 0; i < counts.Length; i++) counts[i] = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var node in feasible)
        {
            if (requireAllTopologies && !HasAllTopologyKeys(node, constraints))
            {
                ignored.Add(node.Name);
                continue;
            }
            for (var i = 0; i < constraints.Count; i++)
            {
                if (constraints[i].TopologyKey == HostnameLabel) continue; // counted per node in Score
                counts[i].TryAdd(node.Labels.GetValueOrDefault(constraints[i].TopologyKey, ""), 0);
            }
        }
        var weights = new double[constraints.Count];
        for (var i = 0; i < constraints.Count; i++)
        {
            var size = constraints[i].TopologyKey == HostnameLabel ? feasible.Count - ignored.Count : counts[i].Count;
            weights[i] = TopologyNormalizingWeight(size);
        }

        // The matching pods of every node of the cluster in those domains: from the counts the cluster state keeps when
        // the constraint's inclusion policies admit every node (with the system defaults, a node without the key is in
        // domain ""), else node by node.
        string[]? keys = null;
        bool[]? slow = null;
        for (var i = 0; i < constraints.Count; i++)
        {
            var c = constraints[i];
            if (c.TopologyKey == HostnameLabel || counts[i].Count == 0) continue;
            if (!IncludesEveryNode(c, pod))
            {
                (slow ??= new bool[constraints.Count])[i] = true;
                continue;
            }
            keys ??= requireAllTopologies ? [.. constraints.Select(k => k.TopologyKey).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)] : [];
            var all = cluster.MatchingPodsByDomain(pod.Key.Namespace, c.Selector ?? LabelSelector.Everything, keys, c.TopologyKey);
            foreach (var value in counts[i].Keys.ToList()) counts[i][value] = all.GetValueOrDefault(value);
        }
        foreach (var node in slow is null ? [] : cluster.Nodes)
        {
            if (requireAllTopologies && !HasAllTopologyKeys(node, constraints)) continue;
            for (var i = 0; i < constraints.Count; i++)
            {
                var c = constraints[i];
                if (!slow![i] || !c.IncludesNode(pod, node)) continue;
                var value = node.Labels.GetValueOrDefault(c.TopologyKey, "");
                if (!counts[i].TryGetValue(value, out var count)) continue;
                counts[i][value] = count + c.CountMatching(cluster.PodsOn(node.Name), pod.Key.Namespace);
            }
        }
        state.Write(PreScoreStateKey, new PodTopologySpreadPreScoreState(constraints, ignored, counts, weights));
        return Status.Success;
    }

    public long Score(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex, out Status status)
    {
        if (state.Read<PodTopologySpreadPreScoreState>(PreScoreStateKey) is not { } s)
        {
            status = Status.Error(PluginName, $"error reading \"{PreScoreStateKey}\" from cycleState: not found");
            return 0;
        }
        status = Status.Success;
        if (s.IgnoredNodes.Contains(node.Name)) return 0;
        double score = 0;
        for (var i = 0; i < s.Constraints.Count; i++)
        {
            var c = s.Constraints[i];
            if (!node.Labels.TryGetValue(c.TopologyKey, out var value)) continue;
            var count = c.TopologyKey == HostnameLabel
                ? c.CountMatching(state.Cluster.PodsOn(node.Name), pod.Key.Namespace)
                : s.TopologyValueToPodCounts[i].GetValueOrDefault(value);
            score += ScoreForCount(count, c.MaxSkew, s.TopologyNormalizingWeight[i]);
        }
        return (long)Math.Round(score, MidpointRounding.AwayFromZero);
    }

    /// <summary>NormalizeScore: fewest matching pods is best; ignored nodes get 0; all zero gives every node 100.</summary>
    public Status NormalizeScore(CycleState state, PodInfo pod, Span<NodeScore> scores)
    {
        if (state.Read<PodTopologySpreadPreScoreState>(PreScoreStateKey) is not { } s) return Status.Success;
        var min = long.MaxValue;
        long max = 0;
        var ignored = new bool[scores.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            if (s.IgnoredNodes.Contains(scores[i].Name))
            {
                ignored[i] = true;
                continue;
            }
            min = Math.Min(min, scores[i].Score);
            max = Math.Max(max, scores[i].Score);
        }
        for (var i = 0; i < scores.Length; i++)
        {
            if (ignored[i]) scores[i].Score = 0;
            else if (max == 0) scores[i].Score = NodeScore.MaxNodeScore;
            else scores[i].Score = NodeScore.MaxNodeScore * (max + min - scores[i].Score) / max;
        }
        return Status.Success;
    }

    /// <summary>
    /// getConstraints for one action: the pod's constraints of that action (filterTopologySpreadConstraints), or the
    /// default constraints of that action with the default selector (buildDefaultConstraints), none when nothing selects
    /// the pod.
    /// </summary>
    private List<SpreadConstraint> Constraints(PodInfo pod, ClusterState cluster, UnsatisfiableConstraintAction action)
    {
        if (!pod.TopologySpreadConstraints.IsDefaultOrEmpty) return Filtered(pod.TopologySpreadConstraints, pod, action);
        var defaults = Filtered(_args.EffectiveDefaultConstraints, pod, action);
        if (defaults.Count == 0) return defaults;
        var selector = SpreadSelector.DefaultSelector(pod, cluster);
        if (selector.MatchLabels.Count == 0 && selector.MatchExpressions.IsDefaultOrEmpty) return [];
        return [.. defaults.Select(c => c with { Selector = selector })];
    }

    /// <summary>filterTopologySpreadConstraints: the constraints of one action, defaults applied, matchLabelKeys ANDed with the selector.</summary>
    private static List<SpreadConstraint> Filtered(IEnumerable<TopologySpreadConstraint> constraints, PodInfo pod, UnsatisfiableConstraintAction action)
    {
        var result = new List<SpreadConstraint>();
        foreach (var c in constraints)
        {
            if (c.WhenUnsatisfiable != action) continue;
            var selector = c.LabelSelector;
            if (selector is not null && !c.MatchLabelKeys.IsDefaultOrEmpty)
            {
                var merged = ImmutableArray.CreateBuilder<SelectorRequirement>();
                if (!selector.MatchExpressions.IsDefault) merged.AddRange(selector.MatchExpressions);
                foreach (var key in c.MatchLabelKeys)
                {
                    if (pod.Labels.TryGetValue(key, out var value)) merged.Add(new SelectorRequirement(key, SelectorOperator.In, [value]));
                }
                selector = selector with { MatchExpressions = merged.ToImmutable() };
            }
            result.Add(new SpreadConstraint(c.MaxSkew, c.TopologyKey, selector, c.MinDomains ?? 1,
                c.NodeAffinityPolicy ?? NodeInclusionPolicy.Honor, c.NodeTaintsPolicy ?? NodeInclusionPolicy.Ignore));
        }
        return result;
    }

    /// <summary>nodeLabelsMatchSpreadConstraints: the node has every constraint's topology key.</summary>
    private static bool HasAllTopologyKeys(NodeInfo node, IReadOnlyList<SpreadConstraint> constraints)
    {
        foreach (var c in constraints)
        {
            if (!node.Labels.ContainsKey(c.TopologyKey)) return false;
        }
        return true;
    }

    /// <summary>nodeaffinity.GetRequiredNodeAffinity(pod).Match(node): the pod's nodeSelector and required node affinity.</summary>
    internal static bool MatchesRequiredNodeAffinity(PodInfo pod, NodeInfo node)
    {
        foreach (var (key, value) in pod.NodeSelector)
        {
            if (!node.Labels.TryGetValue(key, out var actual) || actual != value) return false;
        }
        return pod.RequiredNodeAffinity is not { } required || SelectorMatching.Matches(required, node.Labels, node.Name);
    }

    /// <summary>topologyNormalizingWeight: log(size + 2), so that small topologies are not watered down by big ones.</summary>
    private static double TopologyNormalizingWeight(int size) => Math.Log(size + 2);

    /// <summary>scoreForCount: maxSkew − 1 is added so that differences between domains are watered down.</summary>
    private static double ScoreForCount(long count, int maxSkew, double weight) => count * weight + (maxSkew - 1);
}
