using System.Collections.Frozen;
using System.Collections.Immutable;
using VolumeAwareScheduler.Core.Matching;

namespace VolumeAwareScheduler.Core.Model;

/// <summary>
/// One v1.PodAffinityTerm: the pods selected by <see cref="LabelSelector"/> (null selects none) in the namespaces the
/// term names, in the topology domain <see cref="TopologyKey"/> of the node. matchLabelKeys and mismatchLabelKeys are
/// already merged into the selector (<see cref="WithLabelKeys"/>), as the API server does when it creates the pod.
/// </summary>
public sealed record PodAffinityTerm(LabelSelector? LabelSelector, ImmutableArray<string> Namespaces, LabelSelector? NamespaceSelector, string TopologyKey)
{
    /// <summary>
    /// Whether the term covers namespace <paramref name="ns"/>, for a term written in a pod of
    /// <paramref name="ownerNamespace"/> (framework/types.go getNamespacesFromPodAffinityTerm and AffinityTerm.Matches):
    /// the owner's namespace when the term lists none and has no namespaceSelector; otherwise the listed namespaces
    /// and those whose labels the namespaceSelector matches (an empty selector matches every namespace).
    /// </summary>
    public bool SelectsNamespace(string ns, string ownerNamespace, IReadOnlyDictionary<string, string>? namespaceLabels)
    {
        if (Namespaces.IsDefaultOrEmpty && NamespaceSelector is null) return ns == ownerNamespace;
        if (!Namespaces.IsDefaultOrEmpty && Namespaces.Contains(ns)) return true;
        return NamespaceSelector is { } selector && SelectorMatching.Matches(selector, namespaceLabels ?? FrozenDictionary<string, string>.Empty);
    }

    /// <summary>
    /// AffinityTerm.Matches: <paramref name="pod"/> is in a covered namespace (<paramref name="namespaceLabels"/> are the
    /// labels of the pod's namespace) and its labels match the selector.
    /// </summary>
    public bool Matches(PodInfo pod, string ownerNamespace, IReadOnlyDictionary<string, string>? namespaceLabels) =>
        SelectsNamespace(pod.Key.Namespace, ownerNamespace, namespaceLabels)
        && LabelSelector is { } selector && SelectorMatching.Matches(selector, pod.Labels);

    /// <summary>
    /// The API server's merge of matchLabelKeys and mismatchLabelKeys into the label selector at pod creation
    /// (pkg/registry/core/pod/strategy.go applyMatchLabelKeysAndMismatchLabelKeys; MatchLabelKeysInPodAffinity, GA in
    /// v1.33): each key the pod has a label for adds "key in (value)" or "key notin (value)". A null selector stays
    /// null (it selects nothing anyway). Merging a term that was already merged adds the same requirements again,
    /// which selects the same pods.
    /// </summary>
    public PodAffinityTerm WithLabelKeys(IReadOnlyDictionary<string, string> podLabels, IReadOnlyList<string>? matchLabelKeys, IReadOnlyList<string>? mismatchLabelKeys)
    {
        if (LabelSelector is not { } selector || ((matchLabelKeys?.Count ?? 0) == 0 && (mismatchLabelKeys?.Count ?? 0) == 0)) return this;
        var expressions = ImmutableArray.CreateBuilder<SelectorRequirement>();
        if (!selector.MatchExpressions.IsDefault) expressions.AddRange(selector.MatchExpressions);
        foreach (var key in matchLabelKeys ?? [])
        {
            if (podLabels.TryGetValue(key, out var value)) expressions.Add(new SelectorRequirement(key, SelectorOperator.In, [value]));
        }
        foreach (var key in mismatchLabelKeys ?? [])
        {
            if (podLabels.TryGetValue(key, out var value)) expressions.Add(new SelectorRequirement(key, SelectorOperator.NotIn, [value]));
        }
        return this with { LabelSelector = selector with { MatchExpressions = expressions.ToImmutable() } };
    }
}
