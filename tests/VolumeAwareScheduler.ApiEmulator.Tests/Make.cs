using System.Text.Json.Nodes;
using k8s.Models;

namespace VolumeAwareScheduler.ApiEmulator.Tests;

/// <summary>Builders for the objects tests need, typed (for the client) and as JSON (for seeding).</summary>
public static class Make
{
    public static V1Node Node(string name, IDictionary<string, string>? labels = null) => new()
    {
        ApiVersion = "v1",
        Kind = "Node",
        Metadata = new V1ObjectMeta { Name = name, Labels = labels ?? new Dictionary<string, string> { ["kubernetes.io/hostname"] = name } },
    };

    public static V1Pod Pod(string name, string ns = "default", string? nodeName = null, IDictionary<string, string>? labels = null, string? schedulerName = null) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
        Spec = new V1PodSpec
        {
            NodeName = nodeName,
            SchedulerName = schedulerName,
            Containers = [new V1Container { Name = "app", Image = "registry.k8s.io/pause:3.10" }],
        },
    };

    public static V1PersistentVolume Volume(string name, string capacity = "10Gi", string storageClass = "manual", V1ObjectReference? claimRef = null, IDictionary<string, string>? labels = null) => new()
    {
        ApiVersion = "v1",
        Kind = "PersistentVolume",
        Metadata = new V1ObjectMeta { Name = name, Labels = labels },
        Spec = new V1PersistentVolumeSpec
        {
            Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new ResourceQuantity(capacity) },
            AccessModes = ["ReadWriteOnce"],
            StorageClassName = storageClass,
            ClaimRef = claimRef,
            HostPath = new V1HostPathVolumeSource { Path = "/tmp/" + name },
        },
    };

    public static V1PersistentVolumeClaim Claim(string name, string request = "5Gi", string storageClass = "manual", string ns = "default", IDictionary<string, string>? annotations = null) => new()
    {
        ApiVersion = "v1",
        Kind = "PersistentVolumeClaim",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Annotations = annotations },
        Spec = new V1PersistentVolumeClaimSpec
        {
            AccessModes = ["ReadWriteOnce"],
            StorageClassName = storageClass,
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new ResourceQuantity(request) } },
        },
    };

    public static V1StorageClass StorageClass(string name, string provisioner = "kubernetes.io/no-provisioner", string bindingMode = "WaitForFirstConsumer") => new()
    {
        ApiVersion = "storage.k8s.io/v1",
        Kind = "StorageClass",
        Metadata = new V1ObjectMeta { Name = name },
        Provisioner = provisioner,
        VolumeBindingMode = bindingMode,
    };

    public static V1PriorityClass PriorityClass(string name, int value, bool globalDefault = false, string? preemptionPolicy = null) => new()
    {
        ApiVersion = "scheduling.k8s.io/v1",
        Kind = "PriorityClass",
        Metadata = new V1ObjectMeta { Name = name },
        Value = value,
        GlobalDefault = globalDefault,
        PreemptionPolicy = preemptionPolicy,
    };

    /// <summary>A disruption budget over pods labelled <c>app=name</c> unless a selector is given.</summary>
    public static V1PodDisruptionBudget Budget(string name, IntOrString? minAvailable = null, IntOrString? maxUnavailable = null,
        V1LabelSelector? selector = null, string? unhealthyPodEvictionPolicy = null, string ns = "default") => new()
    {
        ApiVersion = "policy/v1",
        Kind = "PodDisruptionBudget",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1PodDisruptionBudgetSpec
        {
            MinAvailable = minAvailable,
            MaxUnavailable = maxUnavailable,
            Selector = selector ?? new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            UnhealthyPodEvictionPolicy = unhealthyPodEvictionPolicy,
        },
    };

    public static V1Eviction Eviction(string podName, string ns = "default") => new()
    {
        ApiVersion = "policy/v1",
        Kind = "Eviction",
        Metadata = new V1ObjectMeta { Name = podName, NamespaceProperty = ns },
    };

    /// <summary>A pod status as the kubelet reports it: the phase, and the Ready condition when running.</summary>
    public static V1PodStatus Status(string phase, bool ready) => new()
    {
        Phase = phase,
        Conditions = phase == "Running"
            ? [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }]
            : null,
    };

    public static JsonObject Json(object value) => (JsonObject)JsonNode.Parse(k8s.KubernetesJson.Serialize(value))!;
}
