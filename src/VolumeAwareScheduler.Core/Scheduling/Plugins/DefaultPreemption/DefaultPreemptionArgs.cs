using VolumeAwareScheduler.Core.Configuration;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// DefaultPreemptionArgs (kubescheduler.config.k8s.io/v1), with v1's defaults: how many nodes preemption dry-runs
/// before it picks among the candidates found (at least minCandidateNodesPercentage of the nodes where preemption may
/// help, and at least minCandidateNodesAbsolute of them).
/// </summary>
public sealed record DefaultPreemptionArgs
{
    public const string Kind = "DefaultPreemptionArgs";

    public int MinCandidateNodesPercentage { get; init; } = 10;

    public int MinCandidateNodesAbsolute { get; init; } = 100;

    /// <summary>The args of a pluginConfig entry (null: the defaults), validated as upstream does.</summary>
    public static DefaultPreemptionArgs Decode(ConfigNode? node)
    {
        if (node is null) return new DefaultPreemptionArgs();
        var map = PluginArgs.Open(node, Kind, "minCandidateNodesPercentage", "minCandidateNodesAbsolute");
        var args = new DefaultPreemptionArgs
        {
            MinCandidateNodesPercentage = map["minCandidateNodesPercentage"]?.ExpectInt32() ?? 10,
            MinCandidateNodesAbsolute = map["minCandidateNodesAbsolute"]?.ExpectInt32() ?? 100,
        };
        var invalid = args.Validate();
        if (invalid.Count > 0) throw new ConfigException([.. invalid.Select(e => ConfigPath.Child(node.Path, e))]);
        return args;
    }

    /// <summary>ValidateDefaultPreemptionArgs (apis/config/validation/validation_pluginargs.go): every problem, with its field path.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MinCandidateNodesPercentage is < 0 or > 100)
            errors.Add($"minCandidateNodesPercentage: Invalid value: {MinCandidateNodesPercentage}: not in valid range [0, 100]");
        if (MinCandidateNodesAbsolute < 0)
            errors.Add($"minCandidateNodesAbsolute: Invalid value: {MinCandidateNodesAbsolute}: not in valid range [0, inf)");
        if (MinCandidateNodesPercentage == 0 && MinCandidateNodesAbsolute == 0)
        {
            errors.Add("minCandidateNodesPercentage: Invalid value: 0: cannot be zero at the same time as minCandidateNodesAbsolute");
            errors.Add("minCandidateNodesAbsolute: Invalid value: 0: cannot be zero at the same time as minCandidateNodesPercentage");
        }
        return errors;
    }
}
