namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// A PreFilter plugin's narrowing of the node set (framework/interface.go PreFilterResult): null node names mean all
/// nodes. Results of several plugins merge by intersection.
/// </summary>
public sealed record PreFilterResult(IReadOnlySet<string>? NodeNames)
{
    public static readonly PreFilterResult AllNodes = new((IReadOnlySet<string>?)null);

    public bool IsAllNodes => NodeNames is null;

    /// <summary>Merge: the intersection of both sets, where all nodes is the identity.</summary>
    public PreFilterResult Merge(PreFilterResult? other)
    {
        if (other is null || other.IsAllNodes) return this;
        if (IsAllNodes) return other;
        var intersection = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in NodeNames!)
        {
            if (other.NodeNames!.Contains(name)) intersection.Add(name);
        }
        return new PreFilterResult(intersection);
    }
}
