using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Scheduling;

/// <summary>Cluster events, by kind and what happened to the object.</summary>
[Flags]
public enum ClusterEventAction : byte
{
    None = 0,
    Add = 1,
    Update = 2,
    Delete = 4,
    All = Add | Update | Delete,
}

public readonly record struct ClusterEvent(string Kind, ClusterEventAction Action);

/// <summary>
/// Which cluster events can cure a rejection, per rejecting plugin: the knowledge belongs to the rule that rejected.
/// Mirrors the plugins' EventsToRegister in pkg/scheduler/framework/plugins/ (volumebinding/volume_binding.go lists
/// PV, PVC, StorageClass, Node, CSINode, CSIDriver and CSIStorageCapacity changes).
/// </summary>
public static class RequeueHints
{
    private static readonly Dictionary<string, ClusterEvent[]> ByPlugin = new(StringComparer.Ordinal)
    {
        ["VolumeBinding"] =
        [
            new("PersistentVolume", ClusterEventAction.Add | ClusterEventAction.Update),
            new("PersistentVolumeClaim", ClusterEventAction.Add | ClusterEventAction.Update),
            new("StorageClass", ClusterEventAction.Add | ClusterEventAction.Update),
            new("Node", ClusterEventAction.Add | ClusterEventAction.Update),
            new("CSINode", ClusterEventAction.Add | ClusterEventAction.Update),
            new("CSIDriver", ClusterEventAction.Add | ClusterEventAction.Update),
            new("CSIStorageCapacity", ClusterEventAction.Add | ClusterEventAction.Update),
        ],
        ["VolumeRestrictions"] = [new("Pod", ClusterEventAction.Delete | ClusterEventAction.Update), new("PersistentVolumeClaim", ClusterEventAction.Add | ClusterEventAction.Update)],
        ["NodeAffinity"] = [new("Node", ClusterEventAction.Add | ClusterEventAction.Update)],
        ["NodeName"] = [new("Node", ClusterEventAction.Add)],
        ["NodeUnschedulable"] = [new("Node", ClusterEventAction.Add | ClusterEventAction.Update)],
        ["TaintToleration"] = [new("Node", ClusterEventAction.Add | ClusterEventAction.Update)],
        ["NodeResourcesFit"] = [new("Node", ClusterEventAction.Add | ClusterEventAction.Update), new("Pod", ClusterEventAction.Delete | ClusterEventAction.Update)],
        // interpodaffinity/plugin.go: assigned pods added, relabelled or deleted; nodes added or relabelled (UpdateNodeLabel, UpdateNodeTaint).
        ["InterPodAffinity"] = [new("Pod", ClusterEventAction.All), new("Node", ClusterEventAction.Add | ClusterEventAction.Update)],
        // podtopologyspread/plugin.go: pods added, relabelled or deleted; nodes added, deleted, relabelled or retainted.
        ["PodTopologySpread"] = [new("Pod", ClusterEventAction.All), new("Node", ClusterEventAction.All)],
    };

    /// <summary>True when <paramref name="evt"/> may cure a rejection by any of <paramref name="plugins"/>.</summary>
    public static bool MayCure(IEnumerable<string> plugins, ClusterEvent evt)
    {
        foreach (var plugin in plugins)
        {
            if (!ByPlugin.TryGetValue(plugin, out var events)) return true; // unknown rejecter: any event may help
            foreach (var candidate in events)
            {
                if (candidate.Kind == evt.Kind && (candidate.Action & evt.Action) != 0) return true;
            }
        }
        return false;
    }

    /// <summary>The plugins that rejected a pod in a cycle: PreFilter's, or every failing node's.</summary>
    public static IReadOnlySet<string> RejectingPlugins(SchedulingResult result)
    {
        var plugins = new HashSet<string>(StringComparer.Ordinal);
        if (result.PreFilter.IsRejected) plugins.Add(result.PreFilter.Plugin);
        foreach (var node in result.Nodes)
        {
            if (!node.Status.IsSuccess && node.Status.Plugin.Length > 0) plugins.Add(node.Status.Plugin);
        }
        if (result.Nodes.Count == 0) plugins.Add("NodeName"); // no node at all: a node being added is the cure
        return plugins;
    }
}
