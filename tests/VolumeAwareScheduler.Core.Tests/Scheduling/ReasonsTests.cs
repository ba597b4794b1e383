using VolumeAwareScheduler.Core.Scheduling;

namespace VolumeAwareScheduler.Core.Tests.Scheduling;

/// <summary>Reason strings are API: pinned word for word to Kubernetes v1.33 (volumebinding/binder.go ConflictReasons, types.go).</summary>
public class ReasonsTests
{
    public static TheoryData<string, string> Pinned => new()
    {
        { Reasons.BindConflict, "node(s) didn't find available persistent volumes to bind" },
        { Reasons.NodeConflict, "node(s) didn't match PersistentVolume's node affinity" },
        { Reasons.NotEnoughSpace, "node(s) did not have enough free storage" },
        { Reasons.PVNotExist, "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)" },
        { Reasons.UnboundImmediateClaims, "pod has unbound immediate PersistentVolumeClaims" },
        { Reasons.NodeUnschedulable, "node(s) were unschedulable" },
        { Reasons.NodeNameMismatch, "node(s) didn't match the requested node name" },
        { Reasons.NodeAffinityMismatch, "node(s) didn't match Pod's node affinity/selector" },
        { Reasons.TooManyPods, "Too many pods" },
        { Reasons.Insufficient("cpu"), "Insufficient cpu" },
        { Reasons.UntoleratedTaint("dedicated", "db"), "node(s) had untolerated taint {dedicated: db}" },
        { Reasons.NoNodeAvailable(3), "0/3 nodes are available" },
    };

    [Theory]
    [MemberData(nameof(Pinned))]
    public void Reason_strings_are_pinned(string actual, string expected) => Assert.Equal(expected, actual);

    [Fact]
    public void Pinned_to_v1_33() => Assert.Equal("v1.33", Reasons.KubernetesVersion);
}
