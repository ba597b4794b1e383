using VolumeAwareScheduler.Core.Configuration;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>InterPodAffinityArgs (kubescheduler.config.k8s.io/v1), with v1's defaults.</summary>
public sealed record InterPodAffinityArgs
{
    /// <summary>
    /// hardPodAffinityWeight: what an existing pod's required affinity term that the incoming pod matches adds to the
    /// score of its topology domain (0–100, default 1).
    /// </summary>
    public int HardPodAffinityWeight { get; init; } = 1;

    /// <summary>ignorePreferredTermsOfExistingPods: score nothing for a pod without preferred terms of its own.</summary>
    public bool IgnorePreferredTermsOfExistingPods { get; init; }

    public const string Kind = "InterPodAffinityArgs";

    /// <summary>The args of a pluginConfig entry (null: the defaults), validated as upstream does.</summary>
    public static InterPodAffinityArgs Decode(ConfigNode? node)
    {
        if (node is null) return new InterPodAffinityArgs();
        var map = PluginArgs.Open(node, Kind, "hardPodAffinityWeight", "ignorePreferredTermsOfExistingPods");
        var args = new InterPodAffinityArgs
        {
            HardPodAffinityWeight = map["hardPodAffinityWeight"]?.ExpectInt32() ?? 1,
            IgnorePreferredTermsOfExistingPods = map["ignorePreferredTermsOfExistingPods"]?.ExpectBool() ?? false,
        };
        var invalid = args.Validate();
        if (invalid.Count > 0) throw new ConfigException([.. invalid.Select(e => ConfigPath.Child(node.Path, e))]);
        return args;
    }

    /// <summary>ValidateInterPodAffinityArgs (apis/config/validation): every problem, with its field path.</summary>
    public IReadOnlyList<string> Validate() =>
        HardPodAffinityWeight is < 0 or > 100
            ? [$"hardPodAffinityWeight: Invalid value: {HardPodAffinityWeight}: not in valid range [0-100]"]
            : [];
}
