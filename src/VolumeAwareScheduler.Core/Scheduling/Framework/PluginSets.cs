namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// A <see cref="PluginSet"/> per extension point, MultiPoint included (kubescheduler.config.k8s.io/v1 Plugins).
/// Immutable; <see cref="With"/> returns a changed copy.
/// </summary>
public sealed class PluginSets : IEquatable<PluginSets>
{
    private static readonly int PointCount = Enum.GetValues<ExtensionPoint>().Length;
    private readonly PluginSet[] _sets;

    private PluginSets(PluginSet[] sets) => _sets = sets;

    public static PluginSets Empty { get; } = new([.. Enumerable.Repeat(PluginSet.Empty, PointCount)]);

    public PluginSet this[ExtensionPoint point] => _sets[(int)point];

    public PluginSets With(ExtensionPoint point, PluginSet set)
    {
        var sets = (PluginSet[])_sets.Clone();
        sets[(int)point] = set;
        return new PluginSets(sets);
    }

    /// <summary>The plugins a profile runs at each point, Score with its weights (framework.go ListPlugins).</summary>
    public static PluginSets Of(Profile profile)
    {
        var sets = Empty;
        PluginSet Names(IEnumerable<IPlugin> plugins) => new([.. plugins.Select(p => new PluginSpec(p.Name))]);
        sets = sets.With(ExtensionPoint.PreEnqueue, Names(profile.PreEnqueue));
        if (profile.QueueSort is { } queueSort) sets = sets.With(ExtensionPoint.QueueSort, Names([queueSort]));
        sets = sets.With(ExtensionPoint.PreFilter, Names(profile.PreFilter));
        sets = sets.With(ExtensionPoint.Filter, Names(profile.Filter));
        sets = sets.With(ExtensionPoint.PostFilter, Names(profile.PostFilter));
        sets = sets.With(ExtensionPoint.PreScore, Names(profile.PreScore));
        sets = sets.With(ExtensionPoint.Score, new PluginSet([.. profile.Score.Select(s => new PluginSpec(s.Plugin.Name, s.Weight))]));
        sets = sets.With(ExtensionPoint.Reserve, Names(profile.Reserve));
        sets = sets.With(ExtensionPoint.PreBind, Names(profile.PreBind));
        sets = sets.With(ExtensionPoint.Bind, Names(profile.Bind));
        return sets;
    }

    public bool Equals(PluginSets? other) => other is not null && _sets.SequenceEqual(other._sets);

    public override bool Equals(object? obj) => Equals(obj as PluginSets);

    public override int GetHashCode() => _sets.Count(s => !s.IsEmpty);

    /// <summary>One line per configured point, for assertions that read like the configuration.</summary>
    public override string ToString() =>
        string.Join("; ", Enum.GetValues<ExtensionPoint>().Where(p => !this[p].IsEmpty).Select(p => $"{ExtensionPoints.ConfigName(p)}: {this[p]}"));
}
