using System.Collections.Immutable;

namespace VolumeAwareScheduler.Core.Model;

/// <summary>
/// One v1.TopologySpreadConstraint as written (defaults are applied by PodTopologySpread): minDomains null means 1,
/// nodeAffinityPolicy null means Honor, nodeTaintsPolicy null means Ignore; a null label selector selects no pod.
/// </summary>
public sealed record TopologySpreadConstraint(
    int MaxSkew,
    string TopologyKey,
    UnsatisfiableConstraintAction WhenUnsatisfiable,
    LabelSelector? LabelSelector,
    int? MinDomains = null,
    NodeInclusionPolicy? NodeAffinityPolicy = null,
    NodeInclusionPolicy? NodeTaintsPolicy = null)
{
    /// <summary>matchLabelKeys: the incoming pod's values of these labels are ANDed with the selector.</summary>
    public ImmutableArray<string> MatchLabelKeys { get; init; } = [];
}
