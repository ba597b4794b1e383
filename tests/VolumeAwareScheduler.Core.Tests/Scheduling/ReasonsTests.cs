using System.Reflection;
using VolumeAwareScheduler.Core.Scheduling;

namespace VolumeAwareScheduler.Core.Tests.Scheduling;

/// <summary>
/// Reason strings are API: pinned word for word to Kubernetes v1.37 (volumebinding/binder.go and volume_binding.go,
/// volumerestrictions/volume_restrictions.go, the node filter plugins, schedule_one.go and framework/types.go). Every
/// constant of <see cref="Reasons"/> must appear here: a new one without its pinned text fails the test.
/// </summary>
public class ReasonsTests
{
    private static readonly Dictionary<string, string> Constants = new(StringComparer.Ordinal)
    {
        [nameof(Reasons.KubernetesVersion)] = "v1.37",
        // nodevolumelimits ErrReasonMaxVolumeCountExceeded.
        [nameof(Reasons.MaxVolumeCountExceeded)] = "node(s) exceed max volume count",
        [nameof(Reasons.BindConflict)] = "node(s) didn't find available persistent volumes to bind",
        // kubernetes/kubernetes#129887 (v1.33); before: "node(s) had volume node affinity conflict".
        [nameof(Reasons.NodeConflict)] = "node(s) didn't match PersistentVolume's node affinity",
        [nameof(Reasons.NotEnoughSpace)] = "node(s) did not have enough free storage",
        [nameof(Reasons.PVNotExist)] = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)",
        [nameof(Reasons.UnboundImmediateClaims)] = "pod has unbound immediate PersistentVolumeClaims",
        // kubernetes/kubernetes#129145; before: "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode".
        [nameof(Reasons.ReadWriteOncePodConflict)] = "node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod",
        [nameof(Reasons.NodeNameMismatch)] = "node(s) didn't match the requested node name",
        [nameof(Reasons.NodeUnschedulable)] = "node(s) were unschedulable",
        [nameof(Reasons.NodeAffinityMismatch)] = "node(s) didn't match Pod's node affinity/selector",
        [nameof(Reasons.TooManyPods)] = "Too many pods",
        // before: "node(s) had untolerated taint {key: value}".
        [nameof(Reasons.UntoleratedTaints)] = "node(s) had untolerated taint(s)",
        [nameof(Reasons.NoNodesAvailable)] = "no nodes available to schedule pods",
        // nodeaffinity/node_affinity.go errReasonConflict.
        [nameof(Reasons.NodeAffinityConflict)] = "pod affinity terms conflict",
        // noderesources/fit.go: Insufficient + the resource name.
        [nameof(Reasons.InsufficientCpu)] = "Insufficient cpu",
        [nameof(Reasons.InsufficientMemory)] = "Insufficient memory",
        [nameof(Reasons.InsufficientEphemeralStorage)] = "Insufficient ephemeral-storage",
        // nodeports/node_ports.go ErrReason.
        [nameof(Reasons.NodePortsConflict)] = "node(s) didn't have free ports for the requested pod ports",
        // interpodaffinity/filtering.go.
        [nameof(Reasons.PodAffinityRulesNotMatch)] = "node(s) didn't match pod affinity rules",
        [nameof(Reasons.PodAntiAffinityRulesNotMatch)] = "node(s) didn't match pod anti-affinity rules",
        [nameof(Reasons.ExistingPodsAntiAffinityRulesNotMatch)] = "node(s) didn't satisfy existing pods anti-affinity rules",
        // podtopologyspread/plugin.go.
        [nameof(Reasons.TopologySpreadConstraintsNotMatch)] = "node(s) didn't match pod topology spread constraints",
        [nameof(Reasons.TopologySpreadNodeLabelNotMatch)] = "node(s) didn't match pod topology spread constraints (missing required label)",
        // volumezone/volume_zone.go ErrReasonConflict.
        [nameof(Reasons.VolumeZoneConflict)] = "node(s) had no available volume zone",
        // defaultpreemption/default_preemption.go, preemption/preemption.go, preemption/executor.go, core/v1 types.go.
        [nameof(Reasons.PreemptionPrefix)] = "preemption: ",
        [nameof(Reasons.PreemptionNotHelpful)] = "Preemption is not helpful for scheduling",
        [nameof(Reasons.NoPreemptionVictims)] = "No preemption victims found for incoming pod",
        [nameof(Reasons.NotEligiblePreemptNever)] = "not eligible due to preemptionPolicy=Never.",
        [nameof(Reasons.NotEligibleTerminatingPod)] = "not eligible due to a terminating pod on the nominated node.",
        [nameof(Reasons.PreemptionByScheduler)] = "PreemptionByScheduler",
        [nameof(Reasons.EvictionByEvictionApi)] = "EvictionByEvictionAPI",
        [nameof(Reasons.PreemptedEvent)] = "Preempted",
    };

    public static TheoryData<string, string> PinnedConstants
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var (name, text) in Constants) data.Add(name, text);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(PinnedConstants))]
    public void Constant_is_pinned_to_v1_37(string name, string expected) =>
        Assert.Equal(expected, typeof(Reasons).GetField(name, BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue());

    [Fact]
    public void Every_constant_is_pinned_here()
    {
        var declared = typeof(Reasons).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => f.Name).Order();
        Assert.Equal(Constants.Keys.Order(), declared);
    }

    public static TheoryData<string, string> Formatted => new()
    {
        { Reasons.ClaimNotFound("data"), "persistentvolumeclaim \"data\" not found" },
        { Reasons.ClaimBeingDeleted("data"), "persistentvolumeclaim \"data\" is being deleted" },
        { Reasons.ClaimLost("data", "pv-1"), "persistentvolumeclaim \"data\" bound to non-existent persistentvolume \"pv-1\"" },
        { Reasons.EphemeralClaimNotCreated("app-scratch"), "waiting for ephemeral volume controller to create the persistentvolumeclaim \"app-scratch\"" },
        { Reasons.EphemeralClaimNotOwned("ns", "app-scratch", "ns", "app"), "PVC ns/app-scratch was not created for pod ns/app (pod is not owner)" },
        { Reasons.Insufficient("cpu"), "Insufficient cpu" },
        { Reasons.NoNodeAvailable(3), "0/3 nodes are available" },
        { Reasons.WaitingForSchedulingGates(["a", "b"]), "waiting for scheduling gates: [a b]" },
        { Reasons.DidNotSatisfyPlugins(["NodeAffinity", "VolumeBinding"]), "node(s) didn't satisfy plugin(s) [NodeAffinity VolumeBinding]" },
        { Reasons.PreemptedBy("uid-1", "node-a"), "Preempted by pod uid-1 on node node-a" },
        { Reasons.PreemptingCondition("default-scheduler"), "default-scheduler: preempting to accommodate a higher priority pod" },
    };

    [Theory]
    [MemberData(nameof(Formatted))]
    public void Formatted_reason_is_pinned_to_v1_37(string actual, string expected) => Assert.Equal(expected, actual);
}
