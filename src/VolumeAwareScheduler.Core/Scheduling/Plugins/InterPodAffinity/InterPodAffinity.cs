using System.Collections.Frozen;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.State;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// Mirrors pkg/scheduler/framework/plugins/interpodaffinity/ (plugin.go, filtering.go, scoring.go; Kubernetes v1.37).
/// <list type="number">
/// <item>PreFilter counts, per topology pair (key, value) of the nodes: the existing pods whose required anti-affinity
/// terms the incoming pod matches (symmetry), the existing pods that match all of the incoming pod's required affinity
/// terms, and those that match one of its required anti-affinity terms. The incoming pod's namespaceSelectors are
/// resolved against the cluster's namespaces once; existing pods' selectors are matched against the labels of the
/// incoming pod's namespace. Skip when nothing can reject a node.</item>
/// <item>Filter: the node must carry every affinity term's topology key and share a domain with a matching pod, unless
/// no pod matches anywhere yet and the pod matches its own terms (the first pod of a group); no domain of the node may
/// hold a pod the incoming pod's anti-affinity selects, nor an existing pod whose anti-affinity selects it.</item>
/// <item>PreScore sums, per topology pair: the incoming pod's preferred affinity (+weight) and anti-affinity (-weight)
/// terms over existing pods, and the existing pods' required affinity (+hardPodAffinityWeight), preferred affinity
/// (+weight) and preferred anti-affinity (-weight) terms over the incoming pod. Score is the sum over the node's labels;
/// NormalizeScore maps min–max onto 0–100.</item>
/// </list>
/// Results equal upstream's with and without its hostname fast path (an optimization of the same rules).
/// </summary>
public sealed class InterPodAffinity : IPreFilterPlugin, IFilterPlugin, IPreScorePlugin, IScorePlugin, IScoreExtensions
{
    public const string PluginName = "InterPodAffinity";

    private const string PreFilterStateKey = "PreFilter" + PluginName;
    private const string PreScoreStateKey = "PreScore" + PluginName;

    private static readonly Status AffinityRejected = Status.Unresolvable(PluginName, Reasons.PodAffinityRulesNotMatch);
    private static readonly Status AntiAffinityRejected = Status.Unschedulable(PluginName, Reasons.PodAntiAffinityRulesNotMatch);
    private static readonly Status ExistingAntiAffinityRejected = Status.Unschedulable(PluginName, Reasons.ExistingPodsAntiAffinityRulesNotMatch);

    private readonly InterPodAffinityArgs _args;

    public InterPodAffinity(InterPodAffinityArgs? args = null)
    {
        _args = args ?? new InterPodAffinityArgs();
        var errors = _args.Validate();
        if (errors.Count > 0) throw new ArgumentException(string.Join("; ", errors), nameof(args));
    }

    public string Name => PluginName;

    public InterPodAffinityArgs Args => _args;

    public Status PreFilter(CycleState state, PodInfo pod, out PreFilterResult? result)
    {
        result = null;
        var cluster = state.Cluster;
        var affinity = Incoming(pod.RequiredPodAffinity, pod, cluster);
        var antiAffinity = Incoming(pod.RequiredPodAntiAffinity, pod, cluster);
        var namespaceLabels = NamespaceLabels(cluster, pod);

        // getExistingAntiAffinityCounts: only nodes that host pods with required anti-affinity.
        var existing = new Dictionary<(string, string), long>();
        var affinityCounts = new Dictionary<(string, string), long>();
        var antiAffinityCounts = new Dictionary<(string, string), long>();
        foreach (var node in cluster.AnyPodsWithRequiredAntiAffinity ? cluster.Nodes : [])
        {
            if (!cluster.HasPodsWithRequiredAntiAffinity(node.Name)) continue;
            foreach (var other in cluster.PodsOn(node.Name))
            {
                foreach (var term in other.RequiredPodAntiAffinity)
                {
                    if (term.Matches(pod, other.Key.Namespace, namespaceLabels)) Count(existing, node, term.TopologyKey, 1);
                }
            }
        }

        // getIncomingAffinityAntiAffinityCounts: every pod of every node.
        if (affinity.Count > 0 || antiAffinity.Count > 0)
        {
            foreach (var node in cluster.Nodes)
            {
                foreach (var other in cluster.PodsOn(node.Name))
                {
                    if (IncomingAffinityTerm.MatchesAll(affinity, other))
                    {
                        foreach (var term in affinity) Count(affinityCounts, node, term.TopologyKey, 1);
                    }
                    foreach (var term in antiAffinity)
                    {
                        if (term.Matches(other)) Count(antiAffinityCounts, node, term.TopologyKey, 1);
                    }
                }
            }
        }

        if (existing.Count == 0 && affinity.Count == 0 && antiAffinity.Count == 0) return Status.Skip(PluginName);
        state.Write(PreFilterStateKey, new InterPodAffinityPreFilterState(affinity, antiAffinity, existing, affinityCounts, antiAffinityCounts));
        return Status.Success;
    }

    public Status Filter(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex)
    {
        if (state.Read<InterPodAffinityPreFilterState>(PreFilterStateKey) is not { } s)
            return Status.Error(PluginName, $"error reading \"{PreFilterStateKey}\" from cycleState: not found");
        if (!SatisfiesAffinity(s, pod, node)) return AffinityRejected;
        if (!SatisfiesAntiAffinity(s, node)) return AntiAffinityRejected;
        if (!SatisfiesExistingPodsAntiAffinity(s, node)) return ExistingAntiAffinityRejected;
        return Status.Success;
    }

    /// <summary>nodeTopologyMatchesAffinity with the first-pod-of-a-group exception (satisfiesSelfAffinityCheck).</summary>
    private static bool SatisfiesAffinity(InterPodAffinityPreFilterState s, PodInfo pod, NodeInfo node)
    {
        if (s.Affinity.Count == 0) return true;
        var podsExist = true;
        foreach (var term in s.Affinity)
        {
            // All topology labels must exist on the node, also for the first pod of a group.
            if (!node.Labels.TryGetValue(term.TopologyKey, out var value)) return false;
            if (s.AffinityCounts.GetValueOrDefault((term.TopologyKey, value)) <= 0) podsExist = false;
        }
        if (podsExist) return true;
        // No pod anywhere matches the terms yet: a pod that matches its own terms may start the group.
        return s.AffinityCounts.Count == 0 && IncomingAffinityTerm.MatchesAll(s.Affinity, pod);
    }

    /// <summary>satisfyPodAntiAffinity: no domain of the node holds a pod one of the incoming pod's anti-affinity terms selects.</summary>
    private static bool SatisfiesAntiAffinity(InterPodAffinityPreFilterState s, NodeInfo node)
    {
        if (s.AntiAffinityCounts.Count == 0) return true;
        foreach (var term in s.AntiAffinity)
        {
            if (node.Labels.TryGetValue(term.TopologyKey, out var value) && s.AntiAffinityCounts.GetValueOrDefault((term.TopologyKey, value)) > 0) return false;
        }
        return true;
    }

    /// <summary>satisfyExistingPodsAntiAffinity: no domain of the node holds a pod whose required anti-affinity selects the incoming pod.</summary>
    private static bool SatisfiesExistingPodsAntiAffinity(InterPodAffinityPreFilterState s, NodeInfo node)
    {
        if (s.ExistingAntiAffinityCounts.Count == 0) return true;
        foreach (var (key, value) in node.Labels)
        {
            if (s.ExistingAntiAffinityCounts.GetValueOrDefault((key, value)) > 0) return false;
        }
        return true;
    }

    public Status PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> feasible)
    {
        if (feasible.Count == 0) return Status.Skip(PluginName);
        var hasPreferred = !pod.PreferredPodAffinity.IsDefaultOrEmpty || !pod.PreferredPodAntiAffinity.IsDefaultOrEmpty;
        // Optionally ignore the preferences of existing pods when the incoming pod has none of its own.
        if (_args.IgnorePreferredTermsOfExistingPods && !hasPreferred) return Status.Skip(PluginName);

        var cluster = state.Cluster;
        var preferred = Incoming(pod.PreferredPodAffinity, pod, cluster);
        var preferredAnti = Incoming(pod.PreferredPodAntiAffinity, pod, cluster);
        var namespaceLabels = NamespaceLabels(cluster, pod);
        var score = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        foreach (var node in hasPreferred || cluster.AnyPodsWithAffinity ? cluster.Nodes : [])
        {
            // Unless the incoming pod has preferred terms, only pods with affinity terms can add anything.
            if (!hasPreferred && !cluster.HasPodsWithAffinity(node.Name)) continue;
            if (node.Labels.Count == 0) continue;
            foreach (var other in cluster.PodsOn(node.Name))
            {
                if (!hasPreferred && !other.HasPodAffinityTerms) continue;
                ProcessExistingPod(score, preferred, preferredAnti, namespaceLabels, pod, other, node);
            }
        }
        if (score.Count == 0) return Status.Skip(PluginName);
        state.Write(PreScoreStateKey, new InterPodAffinityPreScoreState(score));
        return Status.Success;
    }

    /// <summary>processExistingPod.</summary>
    private void ProcessExistingPod(Dictionary<string, Dictionary<string, long>> score, List<IncomingAffinityTerm> preferred,
        List<IncomingAffinityTerm> preferredAnti, IReadOnlyDictionary<string, string> namespaceLabels, PodInfo pod, PodInfo other, NodeInfo node)
    {
        // The incoming pod's preferred terms over the existing pod (namespaces already resolved).
        foreach (var term in preferred)
        {
            if (term.Matches(other)) Add(score, node, term.TopologyKey, term.Weight);
        }
        foreach (var term in preferredAnti)
        {
            if (term.Matches(other)) Add(score, node, term.TopologyKey, -term.Weight);
        }
        // The existing pod's terms over the incoming pod (symmetry).
        if (_args.HardPodAffinityWeight > 0)
        {
            foreach (var term in other.RequiredPodAffinity)
            {
                if (term.Matches(pod, other.Key.Namespace, namespaceLabels)) Add(score, node, term.TopologyKey, _args.HardPodAffinityWeight);
            }
        }
        foreach (var weighted in other.PreferredPodAffinity)
        {
            if (weighted.Term.Matches(pod, other.Key.Namespace, namespaceLabels)) Add(score, node, weighted.Term.TopologyKey, weighted.Weight);
        }
        foreach (var weighted in other.PreferredPodAntiAffinity)
        {
            if (weighted.Term.Matches(pod, other.Key.Namespace, namespaceLabels)) Add(score, node, weighted.Term.TopologyKey, -weighted.Weight);
        }
    }

    public long Score(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex, out Status status)
    {
        if (state.Read<InterPodAffinityPreScoreState>(PreScoreStateKey) is not { } s)
        {
            status = Status.Error(PluginName, $"error reading \"{PreScoreStateKey}\" from cycleState: not found");
            return 0;
        }
        status = Status.Success;
        long sum = 0;
        foreach (var (key, values) in s.TopologyScore)
        {
            if (node.Labels.TryGetValue(key, out var value)) sum += values.GetValueOrDefault(value);
        }
        return sum;
    }

    /// <summary>NormalizeScore: (score - min) / (max - min) × 100, truncated; all equal gives 0.</summary>
    public Status NormalizeScore(CycleState state, PodInfo pod, Span<NodeScore> scores)
    {
        if (state.Read<InterPodAffinityPreScoreState>(PreScoreStateKey) is not { TopologyScore.Count: > 0 }) return Status.Success;
        var min = long.MaxValue;
        var max = long.MinValue;
        foreach (var s in scores)
        {
            max = Math.Max(max, s.Score);
            min = Math.Min(min, s.Score);
        }
        var diff = max - min;
        for (var i = 0; i < scores.Length; i++)
        {
            var normalized = diff > 0 ? NodeScore.MaxNodeScore * ((double)(scores[i].Score - min) / diff) : 0;
            scores[i].Score = (long)normalized;
        }
        return Status.Success;
    }

    private static List<IncomingAffinityTerm> Incoming(IEnumerable<PodAffinityTerm> terms, PodInfo pod, ClusterState cluster) =>
        [.. terms.Select(t => new IncomingAffinityTerm(t, 0, pod, cluster))];

    private static List<IncomingAffinityTerm> Incoming(IEnumerable<WeightedPodAffinityTerm> terms, PodInfo pod, ClusterState cluster) =>
        [.. terms.Select(t => new IncomingAffinityTerm(t.Term, t.Weight, pod, cluster))];

    /// <summary>GetNamespaceLabelsSnapshot: the labels of the pod's namespace; none when the namespace is unknown.</summary>
    private static IReadOnlyDictionary<string, string> NamespaceLabels(ClusterState cluster, PodInfo pod) =>
        cluster.GetNamespace(pod.Key.Namespace)?.Labels ?? FrozenDictionary<string, string>.Empty;

    private static void Count(Dictionary<(string, string), long> counts, NodeInfo node, string topologyKey, long delta)
    {
        if (!node.Labels.TryGetValue(topologyKey, out var value)) return;
        var pair = (topologyKey, value);
        var next = counts.GetValueOrDefault(pair) + delta;
        if (next == 0) counts.Remove(pair);
        else counts[pair] = next;
    }

    private static void Add(Dictionary<string, Dictionary<string, long>> score, NodeInfo node, string topologyKey, long weight)
    {
        if (!node.Labels.TryGetValue(topologyKey, out var value)) return;
        if (!score.TryGetValue(topologyKey, out var values)) score[topologyKey] = values = new(StringComparer.Ordinal);
        values[value] = values.GetValueOrDefault(value) + weight;
    }
}
