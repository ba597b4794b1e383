using System.Collections.Frozen;
using System.Collections.Immutable;

namespace VolumeAwareScheduler.Core.Model;

public enum TaintEffect : byte
{
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

public sealed record Taint(string Key, string Value, TaintEffect Effect);

public enum TolerationOperator : byte
{
    Equal,
    Exists,
}

/// <summary>A toleration; an empty Key with Exists tolerates every taint; a null Effect matches every effect.</summary>
public sealed record Toleration(string Key, TolerationOperator Operator, string Value, TaintEffect? Effect)
{
    /// <summary>ToleratesTaint (k8s.io/api/core/v1/toleration.go).</summary>
    public bool Tolerates(Taint taint)
    {
        if (Effect is { } effect && effect != taint.Effect) return false;
        if (Key.Length > 0 && Key != taint.Key) return false;
        return Operator switch
        {
            TolerationOperator.Exists => true,
            _ => Value == taint.Value,
        };
    }
}

/// <summary>Resource amounts in the units the scheduler compares: millicores, bytes, pod count.</summary>
public readonly record struct Resources(long MilliCpu, long MemoryBytes, long EphemeralStorageBytes, long Pods)
{
    public static Resources operator +(Resources a, Resources b) =>
        new(a.MilliCpu + b.MilliCpu, a.MemoryBytes + b.MemoryBytes, a.EphemeralStorageBytes + b.EphemeralStorageBytes, a.Pods + b.Pods);

    public static Resources operator -(Resources a, Resources b) =>
        new(a.MilliCpu - b.MilliCpu, a.MemoryBytes - b.MemoryBytes, a.EphemeralStorageBytes - b.EphemeralStorageBytes, a.Pods - b.Pods);
}

public sealed record NodeInfo
{
    public required string Name { get; init; }
    public FrozenDictionary<string, string> Labels { get; init; } = FrozenDictionary<string, string>.Empty;
    public ImmutableArray<Taint> Taints { get; init; } = [];
    public bool Unschedulable { get; init; }
    public Resources Allocatable { get; init; }
    /// <summary>Allocatable scalar resources (extended, hugepages-*, attachable-volumes-*), by resource name.</summary>
    public FrozenDictionary<string, long> AllocatableScalars { get; init; } = FrozenDictionary<string, long>.Empty;
    /// <summary>status.images: every name of every image on the node, with the image's size in bytes.</summary>
    public FrozenDictionary<string, long> Images { get; init; } = FrozenDictionary<string, long>.Empty;
}

/// <summary>One pod volume that refers to a claim: a persistentVolumeClaim source or a generic ephemeral volume.</summary>
public sealed record PodClaimReference(string VolumeName, string ClaimName, bool IsEphemeral, bool ReadOnly);

public sealed record WeightedNodeSelectorTerm(int Weight, NodeSelectorTerm Term);

public sealed record PodInfo
{
    public required ObjectKey Key { get; init; }
    public string Uid { get; init; } = "";
    public string NodeName { get; init; } = "";
    public string SchedulerName { get; init; } = "default-scheduler";
    public int Priority { get; init; }
    public FrozenDictionary<string, string> NodeSelector { get; init; } = FrozenDictionary<string, string>.Empty;
    public NodeSelector? RequiredNodeAffinity { get; init; }
    public ImmutableArray<WeightedNodeSelectorTerm> PreferredNodeAffinity { get; init; } = [];
    public ImmutableArray<Toleration> Tolerations { get; init; } = [];
    /// <summary>Effective requests (max of init containers and the sum of containers, plus overhead); Pods is always 1.</summary>
    public Resources Requests { get; init; } = new(0, 0, 0, 1);
    public ImmutableArray<PodClaimReference> Claims { get; init; } = [];
    public bool IsDeleting { get; init; }
    /// <summary>spec.schedulingGates, by name: while any is left the pod is not scheduled.</summary>
    public ImmutableArray<string> SchedulingGates { get; init; } = [];
    /// <summary>Container ports with a hostPort (containers and restartable init containers), sanitized.</summary>
    public ImmutableArray<HostPort> HostPorts { get; init; } = [];
    /// <summary>Effective requests of scalar resources (extended, hugepages-*), computed as <see cref="Requests"/>; zeros left out.</summary>
    public FrozenDictionary<string, long> ScalarRequests { get; init; } = FrozenDictionary<string, long>.Empty;
    /// <summary>The images of the init containers, then of the containers, as the spec names them.</summary>
    public ImmutableArray<string> Images { get; init; } = [];

    private readonly Resources? _nonZeroRequests;

    /// <summary>
    /// Requests as the scorers count them (GetNonzeroRequests): a container that does not request cpu or memory
    /// counts 100m and 200Mi. When not set, the pod is taken as one container.
    /// </summary>
    public Resources NonZeroRequests
    {
        get => _nonZeroRequests ?? ResourceNames.NonZero(Requests);
        init => _nonZeroRequests = value;
    }
    public FrozenDictionary<string, string> Labels { get; init; } = FrozenDictionary<string, string>.Empty;
    /// <summary>The controlling owner (a ReplicaSet, StatefulSet...); null when none.</summary>
    public ControllerReference? Controller { get; init; }
    public ImmutableArray<PodAffinityTerm> RequiredPodAffinity { get; init; } = [];
    public ImmutableArray<WeightedPodAffinityTerm> PreferredPodAffinity { get; init; } = [];
    public ImmutableArray<PodAffinityTerm> RequiredPodAntiAffinity { get; init; } = [];
    public ImmutableArray<WeightedPodAffinityTerm> PreferredPodAntiAffinity { get; init; } = [];
    public ImmutableArray<TopologySpreadConstraint> TopologySpreadConstraints { get; init; } = [];
    /// <summary>spec.preemptionPolicy: Never keeps the pod from preempting others (DefaultPreemption).</summary>
    public PreemptionPolicy PreemptionPolicy { get; init; }
    /// <summary>status.startTime; null while the pod has not started, which GetPodStartTime counts as now (later than any start).</summary>
    public DateTimeOffset? StartTime { get; init; }
    /// <summary>status.nominatedNodeName: the node preemption (or a waiting binding) nominated the pod to; "" when none.</summary>
    public string NominatedNodeName { get; init; } = "";
    /// <summary>The reason of the pod's DisruptionTarget condition when its status is True ("PreemptionByScheduler"...); "" when none.</summary>
    public string DisruptionTargetReason { get; init; } = "";

    /// <summary>Any pod (anti-)affinity term, required or preferred (framework NodeInfo.PodsWithAffinity).</summary>
    public bool HasPodAffinityTerms =>
        !RequiredPodAffinity.IsDefaultOrEmpty || !PreferredPodAffinity.IsDefaultOrEmpty
        || !RequiredPodAntiAffinity.IsDefaultOrEmpty || !PreferredPodAntiAffinity.IsDefaultOrEmpty;
}
