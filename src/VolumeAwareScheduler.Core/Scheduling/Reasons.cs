namespace VolumeAwareScheduler.Core.Scheduling;

/// <summary>
/// Failure reasons, word for word as kube-scheduler writes them. Reason strings are API: they appear in
/// FailedScheduling events, in FitError messages and in the extender's FailedNodes, and users grep for them.
/// Pinned to Kubernetes v1.33. Sources:
/// pkg/scheduler/framework/plugins/volumebinding/binder.go and volume_binding.go (the node-affinity reason
/// was "node(s) had volume node affinity conflict" before kubernetes/kubernetes#129887);
/// pkg/scheduler/framework/plugins/{nodename,nodeunschedulable,nodeaffinity,tainttoleration,noderesources}/;
/// pkg/scheduler/framework/types.go (FitError).
/// </summary>
public static class Reasons
{
    public const string KubernetesVersion = "v1.33";

    // VolumeBinding (binder.go ConflictReasons)
    public const string BindConflict = "node(s) didn't find available persistent volumes to bind";
    public const string NodeConflict = "node(s) didn't match PersistentVolume's node affinity";
    public const string NotEnoughSpace = "node(s) did not have enough free storage";
    public const string PVNotExist = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";

    // VolumeBinding PreFilter (volume_binding.go)
    public const string UnboundImmediateClaims = "pod has unbound immediate PersistentVolumeClaims";

    public static string ClaimNotFound(string claimName) => $"persistentvolumeclaim \"{claimName}\" not found";

    public static string ClaimBeingDeleted(string claimName) => $"persistentvolumeclaim \"{claimName}\" is being deleted";

    public static string ClaimLost(string claimName, string volumeName) =>
        $"persistentvolumeclaim \"{claimName}\" bound to non-existent persistentvolume \"{volumeName}\"";

    public static string EphemeralClaimNotCreated(string claimName) =>
        $"waiting for ephemeral volume controller to create the persistentvolumeclaim \"{claimName}\"";

    /// <summary>ephemeral.VolumeIsForPod (component-helpers/storage/ephemeral).</summary>
    public static string EphemeralClaimNotOwned(string claimNamespace, string claimName, string podNamespace, string podName) =>
        $"PVC {claimNamespace}/{claimName} was not created for pod {podNamespace}/{podName} (pod is not owner)";

    // VolumeRestrictions PreFilter (volumerestrictions/volume_restrictions.go)
    public const string ReadWriteOncePodConflict = "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode";

    // Other filter plugins
    public const string NodeNameMismatch = "node(s) didn't match the requested node name";
    public const string NodeUnschedulable = "node(s) were unschedulable";
    public const string NodeAffinityMismatch = "node(s) didn't match Pod's node affinity/selector";

    /// <summary>nodeaffinity errReasonConflict: every required term names nodes by metadata.name, and none is left.</summary>
    public const string NodeAffinityConflict = "pod affinity terms conflict";
    public const string TooManyPods = "Too many pods";

    public static string UntoleratedTaint(string key, string value) => $"node(s) had untolerated taint {{{key}: {value}}}";

    public static string Insufficient(string resource) => $"Insufficient {resource}";

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
}
