using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// PodTopologySpreadArgs (kubescheduler.config.k8s.io/v1): the constraints given to a pod that has none of its own,
/// with the selector of the Services, ReplicationControllers, ReplicaSets and StatefulSets that select the pod.
/// </summary>
public sealed record PodTopologySpreadArgs
{
    /// <summary>
    /// The args of a pluginConfig entry: the defaults (System defaulting) when none are given; configured defaults
    /// (<c>defaultConstraints</c>, <c>defaultingType</c>) are refused as not supported yet rather than ignored.
    /// </summary>
    public static PodTopologySpreadArgs Decode(Configuration.ConfigNode? node)
    {
        if (node is null) return new PodTopologySpreadArgs();
        var map = Framework.PluginArgs.Open(node, "PodTopologySpreadArgs", "defaultConstraints", "defaultingType");
        foreach (var field in new[] { "defaultConstraints", "defaultingType" })
        {
            if (map[field] is { } value) throw Framework.PluginArgs.NotSupportedYet(value.Path, "PodTopologySpread uses the system default constraints");
        }
        return new PodTopologySpreadArgs();
    }

    /// <summary>systemDefaultConstraints (podtopologyspread/plugin.go).</summary>
    public static readonly IReadOnlyList<TopologySpreadConstraint> SystemDefaultConstraints =
    [
        new(3, "kubernetes.io/hostname", UnsatisfiableConstraintAction.ScheduleAnyway, null),
        new(5, "topology.kubernetes.io/zone", UnsatisfiableConstraintAction.ScheduleAnyway, null),
    ];

    public TopologySpreadDefaulting DefaultingType { get; init; } = TopologySpreadDefaulting.System;

    /// <summary>defaultConstraints, used with <see cref="TopologySpreadDefaulting.List"/>; their label selectors must be unset.</summary>
    public IReadOnlyList<TopologySpreadConstraint> DefaultConstraints { get; init; } = [];

    /// <summary>The default constraints in effect.</summary>
    public IReadOnlyList<TopologySpreadConstraint> EffectiveDefaultConstraints =>
        DefaultingType == TopologySpreadDefaulting.System ? SystemDefaultConstraints : DefaultConstraints;

    /// <summary>ValidatePodTopologySpreadArgs (apis/config/validation): every problem, with its field path.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (DefaultingType == TopologySpreadDefaulting.System && DefaultConstraints.Count > 0)
            errors.Add("defaultConstraints: Invalid value: when .defaultingType is \"System\", .defaultConstraints must be empty");
        var seen = new HashSet<(string, UnsatisfiableConstraintAction)>();
        for (var i = 0; i < DefaultConstraints.Count; i++)
        {
            var c = DefaultConstraints[i];
            if (c.MaxSkew <= 0) errors.Add($"defaultConstraints[{i}].maxSkew: Invalid value: {c.MaxSkew}: must be greater than zero");
            if (string.IsNullOrEmpty(c.TopologyKey)) errors.Add($"defaultConstraints[{i}].topologyKey: Required value: can not be empty");
            if (c.LabelSelector is not null) errors.Add($"defaultConstraints[{i}].labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod");
            if (!seen.Add((c.TopologyKey, c.WhenUnsatisfiable))) errors.Add($"defaultConstraints[{i}]: Duplicate value: {{{c.TopologyKey}, {c.WhenUnsatisfiable}}}");
        }
        return errors;
    }
}
