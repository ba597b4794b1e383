using System.Collections.Frozen;
using System.Collections.Immutable;

namespace VolumeAwareScheduler.Core.Model;

/// <summary>Operators of NodeSelectorRequirement and LabelSelectorRequirement.</summary>
public enum SelectorOperator : byte
{
    In,
    NotIn,
    Exists,
    DoesNotExist,
    Gt,
    Lt,
}

public sealed record SelectorRequirement(string Key, SelectorOperator Operator, ImmutableArray<string> Values)
{
    public override string ToString() => Operator switch
    {
        SelectorOperator.Exists => Key,
        SelectorOperator.DoesNotExist => "!" + Key,
        SelectorOperator.In => $"{Key} in ({string.Join(",", Values)})",
        SelectorOperator.NotIn => $"{Key} notin ({string.Join(",", Values)})",
        SelectorOperator.Gt => $"{Key} > {string.Join(",", Values)}",
        _ => $"{Key} < {string.Join(",", Values)}",
    };

    public bool Equals(SelectorRequirement? other) =>
        other is not null && Key == other.Key && Operator == other.Operator && Values.SequenceEqual(other.Values);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Key);
        hash.Add(Operator);
        foreach (var value in Values) hash.Add(value);
        return hash.ToHashCode();
    }
}

/// <summary>One NodeSelectorTerm: its matchExpressions (on labels) and matchFields (on metadata.name) are ANDed.</summary>
public sealed record NodeSelectorTerm(ImmutableArray<SelectorRequirement> MatchExpressions, ImmutableArray<SelectorRequirement> MatchFields)
{
    public bool Equals(NodeSelectorTerm? other) =>
        other is not null && MatchExpressions.SequenceEqual(other.MatchExpressions) && MatchFields.SequenceEqual(other.MatchFields);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var r in MatchExpressions) hash.Add(r);
        hash.Add('|');
        foreach (var r in MatchFields) hash.Add(r);
        return hash.ToHashCode();
    }

    public override string ToString()
    {
        var parts = MatchExpressions.Select(r => r.ToString()).Concat(MatchFields.Select(r => "field:" + r));
        return "{" + string.Join(", ", parts) + "}";
    }
}

/// <summary>A NodeSelector: its terms are ORed.</summary>
public sealed record NodeSelector(ImmutableArray<NodeSelectorTerm> Terms)
{
    public bool Equals(NodeSelector? other) => other is not null && Terms.SequenceEqual(other.Terms);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var t in Terms) hash.Add(t);
        return hash.ToHashCode();
    }

    public override string ToString() => string.Join(" OR ", Terms.Select(t => t.ToString()));
}

/// <summary>A metav1.LabelSelector: matchLabels and matchExpressions, ANDed.</summary>
public sealed record LabelSelector(FrozenDictionary<string, string> MatchLabels, ImmutableArray<SelectorRequirement> MatchExpressions)
{
    public static readonly LabelSelector Everything = new(FrozenDictionary<string, string>.Empty, []);

    public override string ToString()
    {
        var parts = MatchLabels.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")
            .Concat(MatchExpressions.Select(r => r.ToString()));
        return string.Join(",", parts);
    }
}

/// <summary>A StorageClass allowedTopologies term: every key must have a label whose value is listed.</summary>
public sealed record TopologySelectorTerm(ImmutableArray<(string Key, ImmutableArray<string> Values)> Requirements)
{
    public override string ToString() =>
        "{" + string.Join(", ", Requirements.Select(r => $"{r.Key} in ({string.Join(",", r.Values)})")) + "}";
}
