namespace VolumeAwareScheduler.Core.Scheduling;

/// <summary>
/// Failure reasons, word for word as kube-scheduler writes them. Reason strings are API: they appear in
/// FailedScheduling events, in FitError messages and in the extender's FailedNodes, and users grep for them.
/// Pinned to Kubernetes v1.37; where a string has changed, its comment names the change and gives the older text.
/// Sources: pkg/scheduler/framework/plugins/volumebinding/binder.go and volume_binding.go;
/// pkg/scheduler/framework/plugins/volumerestrictions/volume_restrictions.go;
/// pkg/scheduler/framework/plugins/{nodename,nodeunschedulable,nodeaffinity,tainttoleration,noderesources}/;
/// pkg/scheduler/schedule_one.go and pkg/scheduler/framework/types.go (FitError).
/// </summary>
public static class Reasons
{
    public const string KubernetesVersion = "v1.37";

    // VolumeBinding (binder.go ConflictReasons)
    public const string BindConflict = "node(s) didn't find available persistent volumes to bind";

    /// <summary>
    /// ErrReasonNodeConflict. Since v1.33 (kubernetes/kubernetes#129887); before: "node(s) had volume node affinity
    /// conflict".
    /// </summary>
    public const string NodeConflict = "node(s) didn't match PersistentVolume's node affinity";

    public const string NotEnoughSpace = "node(s) did not have enough free storage";
    public const string PVNotExist = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";

    // VolumeBinding PreFilter (volume_binding.go)
    public const string UnboundImmediateClaims = "pod has unbound immediate PersistentVolumeClaims";

    /// <summary>The lister's NotFound error text (VolumeRestrictions' and VolumeBinding's PreFilter both return it).</summary>
    public static string ClaimNotFound(string claimName) => $"persistentvolumeclaim \"{claimName}\" not found";

    public static string ClaimBeingDeleted(string claimName) => $"persistentvolumeclaim \"{claimName}\" is being deleted";

    public static string ClaimLost(string claimName, string volumeName) =>
        $"persistentvolumeclaim \"{claimName}\" bound to non-existent persistentvolume \"{volumeName}\"";

    public static string EphemeralClaimNotCreated(string claimName) =>
        $"waiting for ephemeral volume controller to create the persistentvolumeclaim \"{claimName}\"";

    /// <summary>ephemeral.VolumeIsForPod (component-helpers/storage/ephemeral).</summary>
    public static string EphemeralClaimNotOwned(string claimNamespace, string claimName, string podNamespace, string podName) =>
        $"PVC {claimNamespace}/{claimName} was not created for pod {podNamespace}/{podName} (pod is not owner)";

    /// <summary>
    /// VolumeRestrictions Filter, ErrReasonReadWriteOncePodConflict: returned per node with code Unschedulable, so the
    /// FitError counts it per node and preemption may act (kubernetes/kubernetes#129145, the text clusters print in
    /// v1.37); before: "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode".
    /// </summary>
    public const string ReadWriteOncePodConflict = "node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod";

    /// <summary>NodeVolumeLimits Filter, ErrReasonMaxVolumeCountExceeded (nodevolumelimits/utils.go, used by csi.go).</summary>
    public const string MaxVolumeCountExceeded = "node(s) exceed max volume count";

    /// <summary>NodeVolumeLimits Filter: the "looking up PVC" error csi.go wraps a missing claim of the new pod in.</summary>
    public static string LookingUpClaim(string ns, string claimName) => $"looking up PVC {ns}/{claimName}: {ClaimNotFound(claimName)}";

    /// <summary>volumezone/volume_zone.go ErrReasonConflict.</summary>
    public const string VolumeZoneConflict = "node(s) had no available volume zone";

    // Other filter plugins
    public const string NodeNameMismatch = "node(s) didn't match the requested node name";
    public const string NodeUnschedulable = "node(s) were unschedulable";
    public const string NodeAffinityMismatch = "node(s) didn't match Pod's node affinity/selector";

    /// <summary>nodeaffinity errReasonConflict: every required term names nodes by metadata.name, and none is left.</summary>
    public const string NodeAffinityConflict = "pod affinity terms conflict";
    public const string TooManyPods = "Too many pods";

    /// <summary>
    /// TaintToleration Filter (tainttoleration/taint_toleration.go): the reason no longer names the taint, which is
    /// logged at V(4) instead; before: "node(s) had untolerated taint {key: value}".
    /// </summary>
    public const string UntoleratedTaints = "node(s) had untolerated taint(s)";

    public static string Insufficient(string resource) => $"Insufficient {resource}";

    // NodeResourcesFit (noderesources/fit.go fitsRequest), as constants so that a rejection allocates nothing.
    public const string InsufficientCpu = "Insufficient cpu";
    public const string InsufficientMemory = "Insufficient memory";
    public const string InsufficientEphemeralStorage = "Insufficient ephemeral-storage";

    /// <summary>nodeports/node_ports.go ErrReason.</summary>
    public const string NodePortsConflict = "node(s) didn't have free ports for the requested pod ports";

    /// <summary>schedulinggates/scheduling_gates.go: the gate names as Go prints a string slice ("[a b]").</summary>
    public static string WaitingForSchedulingGates(IEnumerable<string> gates) => $"waiting for scheduling gates: [{string.Join(' ', gates)}]";
    // InterPodAffinity (interpodaffinity/filtering.go, v1.37)
    public const string PodAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
    public const string PodAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";
    public const string ExistingPodsAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules";

    // PodTopologySpread (podtopologyspread/plugin.go, v1.37)
    public const string TopologySpreadConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
    public const string TopologySpreadNodeLabelNotMatch = TopologySpreadConstraintsNotMatch + " (missing required label)";

    /// <summary>schedule_one.go ErrNoNodesAvailable: the cluster has no node at all.</summary>
    public const string NoNodesAvailable = "no nodes available to schedule pods";

    /// <summary>
    /// schedule_one.go findNodesThatFitPod: the status of the nodes a PreFilterResult left out, naming the plugins that
    /// narrowed the node set as Go prints a sorted string slice.
    /// </summary>
    public static string DidNotSatisfyPlugins(IEnumerable<string> plugins) => $"node(s) didn't satisfy plugin(s) [{string.Join(' ', plugins)}]";

    // FitError (framework/types.go)
    public static string NoNodeAvailable(int nodeCount) => $"0/{nodeCount} nodes are available";

    // DefaultPreemption (defaultpreemption/default_preemption.go, preemption/preemption.go, preemption/executor.go)
    /// <summary>What DefaultPreemption's PostFilter puts before its message in the FitError.</summary>
    public const string PreemptionPrefix = "preemption: ";
    /// <summary>The status of every node preemption did not try (the absent nodes of its FitError).</summary>
    public const string PreemptionNotHelpful = "Preemption is not helpful for scheduling";
    public const string NoPreemptionVictims = "No preemption victims found for incoming pod";
    public const string NotEligiblePreemptNever = "not eligible due to preemptionPolicy=Never.";
    public const string NotEligibleTerminatingPod = "not eligible due to a terminating pod on the nominated node.";
    /// <summary>The DisruptionTarget condition's reason on a victim (core/v1 PodReasonPreemptionByScheduler).</summary>
    public const string PreemptionByScheduler = "PreemptionByScheduler";
    /// <summary>The DisruptionTarget reason the Eviction API writes (core/v1 PodReasonEvictionByEvictionAPI).</summary>
    public const string EvictionByEvictionApi = "EvictionByEvictionAPI";
    /// <summary>The Event on each victim (executor.go PreemptPod).</summary>
    public const string PreemptedEvent = "Preempted";
    public static string PreemptedBy(string preemptorUid, string node) => $"Preempted by pod {preemptorUid} on node {node}";
    /// <summary>The DisruptionTarget condition's message on a victim.</summary>
    public static string PreemptingCondition(string schedulerName) => $"{schedulerName}: preempting to accommodate a higher priority pod";
}
