using System.Globalization;
using k8s;
using k8s.Models;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.LoadTests.Generation;

namespace VolumeAwareScheduler.LoadTests.Scenarios.Extender;

/// <summary>
/// A generated cluster as a manifest file that <c>serve --cluster</c> reads (one JSON document per object, separated by
/// <c>---</c>; JSON is YAML), for measuring the real process with an outside tool (hey, wrk). Loading it runs the
/// simulator's PV-controller pass, so the state differs a little from the in-process one (claims prebound by a PV's
/// claimRef get bound at load): close enough for throughput, not for comparing answers.
/// </summary>
public static class ClusterManifest
{
    public static void Write(GeneratedCluster cluster, string path)
    {
        using var output = new StreamWriter(path);
        void Emit(object item)
        {
            output.WriteLine(KubernetesJson.Serialize(item));
            output.WriteLine("---");
        }
        foreach (var sc in cluster.StorageClasses)
        {
            Emit(new V1StorageClass
            {
                ApiVersion = "storage.k8s.io/v1", Kind = "StorageClass",
                Metadata = new V1ObjectMeta { Name = sc.Name, Annotations = sc.IsDefault ? new Dictionary<string, string> { ["storageclass.kubernetes.io/is-default-class"] = "true" } : null },
                Provisioner = sc.Provisioner,
                VolumeBindingMode = sc.BindingMode == VolumeBindingMode.WaitForFirstConsumer ? "WaitForFirstConsumer" : "Immediate",
            });
        }
        foreach (var driver in cluster.CsiDrivers)
        {
            Emit(new V1CSIDriver { ApiVersion = "storage.k8s.io/v1", Kind = "CSIDriver", Metadata = new V1ObjectMeta { Name = driver.Name }, Spec = new V1CSIDriverSpec { StorageCapacity = driver.StorageCapacity } });
        }
        foreach (var node in cluster.Nodes)
        {
            Emit(new V1Node
            {
                ApiVersion = "v1", Kind = "Node",
                Metadata = new V1ObjectMeta { Name = node.Name, Labels = node.Labels.ToDictionary() },
                Spec = new V1NodeSpec
                {
                    Unschedulable = node.Unschedulable ? true : null,
                    Taints = node.Taints.IsEmpty ? null : [.. node.Taints.Select(t => new V1Taint { Key = t.Key, Value = t.Value, Effect = t.Effect.ToString() })],
                },
                Status = new V1NodeStatus
                {
                    Allocatable = new Dictionary<string, ResourceQuantity>
                    {
                        ["cpu"] = new($"{node.Allocatable.MilliCpu}m"),
                        ["memory"] = new(node.Allocatable.MemoryBytes.ToString(CultureInfo.InvariantCulture)),
                        ["ephemeral-storage"] = new(node.Allocatable.EphemeralStorageBytes.ToString(CultureInfo.InvariantCulture)),
                        ["pods"] = new(node.Allocatable.Pods.ToString(CultureInfo.InvariantCulture)),
                    },
                },
            });
        }
        foreach (var capacity in cluster.Capacities)
        {
            Emit(new V1CSIStorageCapacity
            {
                ApiVersion = "storage.k8s.io/v1", Kind = "CSIStorageCapacity",
                Metadata = new V1ObjectMeta { Name = capacity.Key.Name, NamespaceProperty = capacity.Key.Namespace },
                StorageClassName = capacity.StorageClassName,
                NodeTopology = capacity.NodeTopology is { } topology ? new V1LabelSelector { MatchLabels = topology.MatchLabels.ToDictionary() } : null,
                Capacity = capacity.CapacityBytes is { } bytes ? new ResourceQuantity(bytes.ToString(CultureInfo.InvariantCulture)) : null,
            });
        }
        foreach (var volume in cluster.Volumes) Emit(Volume(volume));
        foreach (var claim in cluster.Claims)
        {
            Emit(new V1PersistentVolumeClaim
            {
                ApiVersion = "v1", Kind = "PersistentVolumeClaim",
                Metadata = new V1ObjectMeta { Name = claim.Key.Name, NamespaceProperty = claim.Key.Namespace, Uid = claim.Uid },
                Spec = new V1PersistentVolumeClaimSpec
                {
                    StorageClassName = claim.StorageClassName,
                    AccessModes = Modes(claim.AccessModes),
                    VolumeMode = claim.VolumeMode.ToString(),
                    Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(claim.RequestBytes.ToString(CultureInfo.InvariantCulture)) } },
                    Selector = claim.Selector is { } selector ? new V1LabelSelector { MatchLabels = selector.MatchLabels.ToDictionary() } : null,
                },
            });
        }
        foreach (var pod in cluster.RunningPods.Concat(cluster.PendingPods))
        {
            Emit(new V1Pod
            {
                ApiVersion = "v1", Kind = "Pod",
                Metadata = new V1ObjectMeta { Name = pod.Key.Name, NamespaceProperty = pod.Key.Namespace, Uid = pod.Uid },
                Spec = new V1PodSpec
                {
                    NodeName = pod.NodeName.Length > 0 ? pod.NodeName : null,
                    Containers = [new V1Container
                    {
                        Name = "c", Image = "busybox",
                        Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity>
                        {
                            ["cpu"] = new($"{pod.Requests.MilliCpu}m"),
                            ["memory"] = new(pod.Requests.MemoryBytes.ToString(CultureInfo.InvariantCulture)),
                        } },
                    }],
                    Volumes = pod.Claims.IsEmpty ? null : [.. pod.Claims.Select(c => new V1Volume { Name = c.VolumeName, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = c.ClaimName } })],
                },
            });
        }
    }

    private static V1PersistentVolume Volume(VolumeInfo volume) => new()
    {
        ApiVersion = "v1", Kind = "PersistentVolume",
        Metadata = new V1ObjectMeta
        {
            Name = volume.Name, Uid = volume.Uid, Labels = volume.Labels.ToDictionary(),
            DeletionTimestamp = volume.IsDeleting ? new DateTime(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc) : null,
            Finalizers = volume.IsDeleting ? ["kubernetes.io/pv-protection"] : null,
        },
        Spec = new V1PersistentVolumeSpec
        {
            StorageClassName = volume.StorageClassName,
            Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new(volume.CapacityBytes.ToString(CultureInfo.InvariantCulture)) },
            AccessModes = Modes(volume.AccessModes),
            VolumeMode = volume.VolumeMode.ToString(),
            Local = volume.CsiDriver is null ? new V1LocalVolumeSource { Path = "/mnt/disks/" + volume.Name } : null,
            Csi = volume.CsiDriver is { } driver ? new V1CSIPersistentVolumeSource { Driver = driver, VolumeHandle = volume.Name } : null,
            ClaimRef = volume.ClaimRef is { } r ? new V1ObjectReference { NamespaceProperty = r.Namespace, Name = r.Name, Uid = r.Uid.Length > 0 ? r.Uid : null } : null,
            NodeAffinity = volume.NodeAffinity is { } affinity ? new V1VolumeNodeAffinity
            {
                Required = new V1NodeSelector
                {
                    NodeSelectorTerms = [.. affinity.Terms.Select(t => new V1NodeSelectorTerm
                    {
                        MatchExpressions = [.. t.MatchExpressions.Select(e => new V1NodeSelectorRequirement { Key = e.Key, OperatorProperty = e.Operator.ToString(), Values = [.. e.Values] })],
                    })],
                },
            } : null,
        },
        Status = new V1PersistentVolumeStatus { Phase = volume.Phase.ToString() },
    };

    private static List<string> Modes(AccessModes modes)
    {
        var list = new List<string>();
        if (modes.HasFlag(AccessModes.ReadWriteOnce)) list.Add("ReadWriteOnce");
        if (modes.HasFlag(AccessModes.ReadOnlyMany)) list.Add("ReadOnlyMany");
        if (modes.HasFlag(AccessModes.ReadWriteMany)) list.Add("ReadWriteMany");
        if (modes.HasFlag(AccessModes.ReadWriteOncePod)) list.Add("ReadWriteOncePod");
        return list;
    }
}
