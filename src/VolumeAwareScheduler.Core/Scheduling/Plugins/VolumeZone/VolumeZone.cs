using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// Mirrors pkg/scheduler/framework/plugins/volumezone/volume_zone.go. PreFilter collects the zone and region labels
/// of the PVs bound to the pod's persistentVolumeClaim volumes (unbound WaitForFirstConsumer claims are skipped: the
/// volume is chosen with the node); Filter rejects a node with topology labels whose values are not in a PV's set
/// (<c>a__b</c> lists several zones; a beta label on the PV also matches the node's GA label).
/// </summary>
public sealed class VolumeZone : IPreFilterPlugin, IFilterPlugin
{
    public const string PluginName = "VolumeZone";

    private const string BetaZone = "failure-domain.beta.kubernetes.io/zone";
    private const string BetaRegion = "failure-domain.beta.kubernetes.io/region";
    private const string Zone = "topology.kubernetes.io/zone";
    private const string Region = "topology.kubernetes.io/region";

    /// <summary>topologyLabels, in upstream's order.</summary>
    private static readonly string[] TopologyLabels = [BetaZone, BetaRegion, Zone, Region];

    private static readonly Status Conflict = Status.Unresolvable(PluginName, Reasons.VolumeZoneConflict);

    public string Name => PluginName;

    public Status PreFilter(CycleState state, PodInfo pod, out PreFilterResult? result)
    {
        result = null;
        var status = GetPVbyPod(state, pod, out var topologies);
        if (!status.IsSuccess) return status;
        if (topologies.Count == 0) return Status.Skip(PluginName);
        state.Write(PluginName, topologies);
        return Status.Success;
    }

    /// <summary>getPVbyPod: the topologies of the PVs bound to the pod's persistentVolumeClaim volumes.</summary>
    private static Status GetPVbyPod(CycleState state, PodInfo pod, out List<PvTopology> topologies)
    {
        topologies = [];
        foreach (var reference in pod.Claims)
        {
            if (reference.IsEphemeral) continue; // getPersistentVolumeClaimNameFromPod reads persistentVolumeClaim volumes only
            if (reference.ClaimName.Length == 0) return Status.Unresolvable(PluginName, "PersistentVolumeClaim had no name");
            var claim = state.Cluster.GetClaim(new ObjectKey(pod.Key.Namespace, reference.ClaimName));
            if (claim is null) return Status.Unresolvable(PluginName, Reasons.ClaimNotFound(reference.ClaimName));
            if (claim.VolumeName.Length == 0)
            {
                if (claim.StorageClassName.Length == 0) return Status.Unresolvable(PluginName, "PersistentVolumeClaim had no pv name and storageClass name");
                var storageClass = state.Cluster.GetStorageClass(claim.StorageClassName);
                if (storageClass is null) return Status.Unresolvable(PluginName, $"storageclasses.storage.k8s.io \"{claim.StorageClassName}\" not found");
                if (storageClass.BindingMode == VolumeBindingMode.WaitForFirstConsumer) continue; // skip unbound volumes
                return Status.Unresolvable(PluginName, "PersistentVolume had no name");
            }
            var volume = state.Cluster.Volumes.Get(claim.VolumeName);
            if (volume is null) return Status.Unresolvable(PluginName, $"persistentvolume \"{claim.VolumeName}\" not found");
            AddTopologies(volume, topologies);
        }
        return Status.Success;
    }

    public Status Filter(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex)
    {
        if (pod.Claims.IsEmpty) return Status.Success;
        if (state.Read<List<PvTopology>>(PluginName) is not { } topologies)
        {
            // As upstream, without PreFilter's data (PreFilter skipped, or not run) the PVs are read here.
            var status = GetPVbyPod(state, pod, out topologies);
            if (!status.IsSuccess) return status;
        }
        var constrained = false;
        foreach (var label in TopologyLabels)
        {
            if (node.Labels.ContainsKey(label))
            {
                constrained = true;
                break;
            }
        }
        if (!constrained) return Status.Success; // a single-zone cluster whose nodes carry no topology labels
        foreach (var topology in topologies)
        {
            if (!node.Labels.TryGetValue(topology.Key, out var value) && !node.Labels.TryGetValue(ToGALabel(topology.Key), out value)) return Conflict;
            if (!topology.Values.Contains(value)) return Conflict;
        }
        return Status.Success;
    }

    /// <summary>getPVTopologies: each topology label of the PV with its zone set; a malformed set is ignored.</summary>
    private static void AddTopologies(VolumeInfo volume, List<PvTopology> into)
    {
        foreach (var key in TopologyLabels)
        {
            if (volume.Labels.TryGetValue(key, out var value) && LabelZonesToSet(value) is { } zones) into.Add(new PvTopology(volume.Name, key, zones));
        }
    }

    /// <summary>LabelZonesToSet (cloud-provider volume/helpers): "__"-separated, trimmed, none empty; null when malformed.</summary>
    public static HashSet<string>? LabelZonesToSet(string value)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var zone in value.Split("__"))
        {
            var trimmed = zone.Trim();
            if (trimmed.Length == 0) return null;
            set.Add(trimmed);
        }
        return set;
    }

    private static string ToGALabel(string label) => label switch
    {
        BetaRegion => Region,
        BetaZone => Zone,
        _ => label,
    };

    private sealed record PvTopology(string VolumeName, string Key, HashSet<string> Values);
}
