using k8s.Models;

namespace VolumeAwareScheduler.Testing.Kubernetes;

/// <summary>Small V1 object factories for tests that go through the API (emulator, KubernetesClient).</summary>
public static class Objects
{
    public static V1Node Node(string name, string zone = "zone-a") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = name, ["topology.kubernetes.io/zone"] = zone } },
        Status = new V1NodeStatus { Allocatable = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("4"), ["memory"] = new("8Gi"), ["pods"] = new("110") } },
    };

    public static V1StorageClass LocalClass(string name = "local") => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Provisioner = "kubernetes.io/no-provisioner",
        VolumeBindingMode = "WaitForFirstConsumer",
    };

    public static V1PersistentVolume LocalVolume(string name, string node, string size = "10Gi", string storageClass = "local") => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PersistentVolumeSpec
        {
            Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new(size) },
            AccessModes = ["ReadWriteOnce"],
            StorageClassName = storageClass,
            Local = new V1LocalVolumeSource { Path = "/mnt/" + name },
            NodeAffinity = new V1VolumeNodeAffinity
            {
                Required = new V1NodeSelector
                {
                    NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "kubernetes.io/hostname", OperatorProperty = "In", Values = [node] }] }],
                },
            },
        },
    };

    public static V1PersistentVolumeClaim Claim(string name, string size = "5Gi", string storageClass = "local", string ns = "default") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1PersistentVolumeClaimSpec
        {
            AccessModes = ["ReadWriteOnce"],
            StorageClassName = storageClass,
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(size) } },
        },
    };

    public static V1Pod Pod(string name, string? claim, string schedulerName = "volume-aware-scheduler", string ns = "default", IDictionary<string, string>? nodeSelector = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1PodSpec
        {
            SchedulerName = schedulerName,
            NodeSelector = nodeSelector,
            Containers = [new V1Container { Name = "c", Image = "busybox" }],
            Volumes = claim is null ? null : [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim } }],
        },
    };
}
