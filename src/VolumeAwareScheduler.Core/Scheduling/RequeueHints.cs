using VolumeAwareScheduler.Core.Model;
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

public readonly record struct ClusterEvent(ResourceKind Kind, ClusterEventAction Action);

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
            new(ResourceKind.PersistentVolume, ClusterEventAction.Add | ClusterEventAction.Update),
            new(ResourceKind.PersistentVolumeClaim, ClusterEventAction.Add | ClusterEventAction.Update),
            new(ResourceKind.StorageClass, ClusterEventAction.Add | ClusterEventAction.Update),
            new(ResourceKind.Node, ClusterEventAction.Add | ClusterEventAction.Update),
            new(ResourceKind.CSINode, ClusterEventAction.Add | ClusterEventAction.Update),
            new(ResourceKind.CSIDriver, ClusterEventAction.Add | ClusterEventAction.Update),
            new(ResourceKind.CSIStorageCapacity, ClusterEventAction.Add | ClusterEventAction.Update),
        ],
        // volumerestrictions/volume_restrictions.go (v1.37): a pod holding the claim goes away, a node is added, the
        // missing claim is created. spec.volumes is immutable, so a pod update cannot cure it.
        ["VolumeRestrictions"] = [new(ResourceKind.Pod, ClusterEventAction.Delete), new(ResourceKind.Node, ClusterEventAction.Add), new(ResourceKind.PersistentVolumeClaim, ClusterEventAction.Add)],
        // nodevolumelimits/csi.go EventsToRegister: a CSINode added, a pod deleted, a claim added; and, as csi_test.go
        // TestCSILimitsAfterCSINodeUpdatedQHint shows (MutableCSINodeAllocatableCount, GA in v1.36), a CSINode updated.
        // VolumeAttachment deletions are not watched here.
        ["NodeVolumeLimits"] = [new(ResourceKind.CSINode, ClusterEventAction.Add | ClusterEventAction.Update), new(ResourceKind.Pod, ClusterEventAction.Delete), new(ResourceKind.PersistentVolumeClaim, ClusterEventAction.Add)],
        // volumezone EventsToRegister: StorageClass added, Node added or relabelled, PVC and PV added or updated.
        ["VolumeZone"] =
        [
            new(ResourceKind.StorageClass, ClusterEventAction.Add),
            new(ResourceKind.Node, ClusterEventAction.Add | ClusterEventAction.Update),
            new(ResourceKind.PersistentVolumeClaim, ClusterEventAction.Add | ClusterEventAction.Update),
            new(ResourceKind.PersistentVolume, ClusterEventAction.Add | ClusterEventAction.Update),
        ],
        ["NodeAffinity"] = [new(ResourceKind.Node, ClusterEventAction.Add | ClusterEventAction.Update)],
        ["NodeName"] = [new(ResourceKind.Node, ClusterEventAction.Add)],
        ["NodeUnschedulable"] = [new(ResourceKind.Node, ClusterEventAction.Add | ClusterEventAction.Update)],
        ["TaintToleration"] = [new(ResourceKind.Node, ClusterEventAction.Add | ClusterEventAction.Update)],
        ["NodeResourcesFit"] = [new(ResourceKind.Node, ClusterEventAction.Add | ClusterEventAction.Update), new(ResourceKind.Pod, ClusterEventAction.Delete | ClusterEventAction.Update)],
        // nodeports/node_ports.go: an assigned pod deleted frees its ports; a node added (and, without queueing hints,
        // a node's taints or labels updated) may be free.
        ["NodePorts"] = [new(ResourceKind.Pod, ClusterEventAction.Delete), new(ResourceKind.Node, ClusterEventAction.Add | ClusterEventAction.Update)],
        // schedulinggates/scheduling_gates.go: the pod's own update that removes its gates.
        ["SchedulingGates"] = [new(ResourceKind.Pod, ClusterEventAction.Update)],
        // interpodaffinity/plugin.go: assigned pods added, relabelled or deleted; nodes added or relabelled (UpdateNodeLabel, UpdateNodeTaint).
        ["InterPodAffinity"] = [new(ResourceKind.Pod, ClusterEventAction.All), new(ResourceKind.Node, ClusterEventAction.Add | ClusterEventAction.Update)],
        // podtopologyspread/plugin.go: pods added, relabelled or deleted; nodes added, deleted, relabelled or retainted.
        ["PodTopologySpread"] = [new(ResourceKind.Pod, ClusterEventAction.All), new(ResourceKind.Node, ClusterEventAction.All)],
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
        plugins.UnionWith(result.NarrowedBy); // nodes a PreFilterResult left out were rejected by those plugins
        foreach (var node in result.Nodes)
        {
            if (!node.Status.IsSuccess && node.Status.Plugin.Length > 0) plugins.Add(node.Status.Plugin);
        }
        if (result.Nodes.Count == 0) plugins.Add("NodeName"); // no node at all: a node being added is the cure
        return plugins;
    }
}
