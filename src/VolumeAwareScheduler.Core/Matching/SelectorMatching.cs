using System.Globalization;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Matching;

/// <summary>
/// Label and node selector evaluation with Kubernetes semantics.
/// Mirrors component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go and apimachinery labels.Requirement.Matches.
/// Requirements are validated when objects are converted (as the API server validates them), so evaluation cannot fail.
/// </summary>
public static class SelectorMatching
{
    /// <summary>labels.Requirement.Matches for one requirement against a label set.</summary>
    public static bool Matches(SelectorRequirement requirement, IReadOnlyDictionary<string, string> labels)
    {
        var present = labels.TryGetValue(requirement.Key, out var value);
        switch (requirement.Operator)
        {
            case SelectorOperator.In:
                return present && Contains(requirement.Values, value!);
            case SelectorOperator.NotIn:
                return !present || !Contains(requirement.Values, value!);
            case SelectorOperator.Exists:
                return present;
            case SelectorOperator.DoesNotExist:
                return !present;
            case SelectorOperator.Gt:
            case SelectorOperator.Lt:
                if (!present || !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var actual)) return false;
                var bound = long.Parse(requirement.Values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                return requirement.Operator == SelectorOperator.Gt ? actual > bound : actual < bound;
            default:
                return false;
        }
    }

    private static bool Contains(System.Collections.Immutable.ImmutableArray<string> values, string value)
    {
        foreach (var candidate in values)
        {
            if (candidate == value) return true;
        }
        return false;
    }

    /// <summary>A LabelSelector: matchLabels and matchExpressions ANDed; an empty selector matches everything.</summary>
    public static bool Matches(LabelSelector selector, IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (key, expected) in selector.MatchLabels)
        {
            if (!labels.TryGetValue(key, out var actual) || actual != expected) return false;
        }
        foreach (var requirement in selector.MatchExpressions)
        {
            if (!Matches(requirement, labels)) return false;
        }
        return true;
    }

    /// <summary>
    /// One node selector term. An empty term matches nothing. matchFields is only consulted when the node
    /// has a name: upstream's CheckNodeAffinity for PersistentVolumes builds a nameless node from the labels,
    /// so a PV's matchFields are ignored there (nodeSelectorTerm.match: "len(nodeFields) > 0").
    /// </summary>
    public static bool Matches(NodeSelectorTerm term, IReadOnlyDictionary<string, string> labels, string nodeName)
    {
        if (term.MatchExpressions.IsEmpty && term.MatchFields.IsEmpty) return false;
        foreach (var requirement in term.MatchExpressions)
        {
            if (!Matches(requirement, labels)) return false;
        }
        if (!term.MatchFields.IsEmpty && nodeName.Length > 0)
        {
            foreach (var requirement in term.MatchFields)
            {
                // Only metadata.name is a node field; any other key reads as empty (fields.Set lookup).
                var fieldValue = requirement.Key == "metadata.name" ? nodeName : "";
                var equal = fieldValue == requirement.Values[0];
                if (requirement.Operator == SelectorOperator.In ? !equal : equal) return false;
            }
        }
        return true;
    }

    /// <summary>A node selector: terms ORed. A selector with no terms matches nothing.</summary>
    public static bool Matches(NodeSelector selector, IReadOnlyDictionary<string, string> labels, string nodeName)
    {
        foreach (var term in selector.Terms)
        {
            if (Matches(term, labels, nodeName)) return true;
        }
        return false;
    }

    /// <summary>
    /// CheckNodeAffinity (component-helpers/storage/volume/helpers.go): a PV without required affinity fits every
    /// node; otherwise its terms are matched against the node's labels only.
    /// </summary>
    public static bool VolumeFitsNode(VolumeInfo volume, NodeInfo node) =>
        volume.NodeAffinity is null || Matches(volume.NodeAffinity, node.Labels, nodeName: "");

    /// <summary>
    /// MatchTopologySelectorTerms (pkg/apis/core/v1/helper): no terms match everything; otherwise some term
    /// must have, for each of its keys, a node label whose value is listed.
    /// </summary>
    public static bool MatchesTopology(IReadOnlyList<TopologySelectorTerm> terms, IReadOnlyDictionary<string, string> labels)
    {
        if (terms.Count == 0) return true;
        foreach (var term in terms)
        {
            if (term.Requirements.IsEmpty) continue; // an empty term selects nothing
            var all = true;
            foreach (var (key, values) in term.Requirements)
            {
                if (!labels.TryGetValue(key, out var value) || !Contains(values, value))
                {
                    all = false;
                    break;
                }
            }
            if (all) return true;
        }
        return false;
    }
}
