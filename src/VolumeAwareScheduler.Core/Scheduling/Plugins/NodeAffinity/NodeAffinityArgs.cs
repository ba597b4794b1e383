using VolumeAwareScheduler.Core.Configuration;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// NodeAffinityArgs (kubescheduler.config.k8s.io/v1). Its one field, <c>addedAffinity</c> (a node affinity every pod
/// of the profile must also satisfy), is not implemented here yet, so only empty args are accepted.
/// </summary>
public sealed record NodeAffinityArgs
{
    public const string Kind = "NodeAffinityArgs";

    public static NodeAffinityArgs Decode(ConfigNode? node)
    {
        if (node is null) return new NodeAffinityArgs();
        var map = PluginArgs.Open(node, Kind, "addedAffinity");
        if (map["addedAffinity"] is { } added)
            throw PluginArgs.NotSupportedYet(added.Path, "NodeAffinity does not apply an added affinity to the profile's pods");
        return new NodeAffinityArgs();
    }
}
