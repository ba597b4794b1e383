using VolumeAwareScheduler.Core.Matching;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.State;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// A term of the pod being scheduled, with its namespaceSelector resolved once per cycle against the cluster's
/// namespaces (plugin.go mergeAffinityTermNamespacesIfNotEmpty): an empty selector keeps matching every namespace,
/// any other becomes the names of the namespaces it selects.
/// </summary>
internal sealed class IncomingAffinityTerm
{
    private readonly HashSet<string> _namespaces = new(StringComparer.Ordinal);
    private readonly bool _everyNamespace;
    private readonly LabelSelector? _selector;

    public IncomingAffinityTerm(PodAffinityTerm term, int weight, PodInfo owner, ClusterState cluster)
    {
        Weight = weight;
        TopologyKey = term.TopologyKey;
        _selector = term.LabelSelector;
        if (term.Namespaces.IsDefaultOrEmpty && term.NamespaceSelector is null) _namespaces.Add(owner.Key.Namespace);
        else if (!term.Namespaces.IsDefaultOrEmpty) _namespaces.UnionWith(term.Namespaces);
        if (term.NamespaceSelector is not { } namespaceSelector) return;
        if (namespaceSelector.MatchLabels.Count == 0 && namespaceSelector.MatchExpressions.IsDefaultOrEmpty)
        {
            _everyNamespace = true;
            return;
        }
        foreach (var ns in cluster.Namespaces)
        {
            if (SelectorMatching.Matches(namespaceSelector, ns.Labels)) _namespaces.Add(ns.Name);
        }
    }

    public string TopologyKey { get; }

    /// <summary>The term's weight (preferred terms); 0 for required terms.</summary>
    public int Weight { get; }

    /// <summary>AffinityTerm.Matches with the namespaces resolved: a pod of a covered namespace whose labels the selector matches.</summary>
    public bool Matches(PodInfo pod) =>
        (_everyNamespace || _namespaces.Contains(pod.Key.Namespace))
        && _selector is { } selector && SelectorMatching.Matches(selector, pod.Labels);

    /// <summary>podMatchesAllAffinityTerms: true when there are terms and <paramref name="pod"/> matches every one.</summary>
    public static bool MatchesAll(IReadOnlyList<IncomingAffinityTerm> terms, PodInfo pod)
    {
        if (terms.Count == 0) return false;
        foreach (var term in terms)
        {
            if (!term.Matches(pod)) return false;
        }
        return true;
    }
}
