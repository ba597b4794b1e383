namespace VolumeAwareScheduler.Core.Invariants;

/// <summary>The properties <see cref="InvariantChecker"/> checks, in the order it reports them.</summary>
public enum Invariant : byte
{
    /// <summary>No PersistentVolume is the bound volume of two bound claims.</summary>
    VolumeClaimedTwice,

    /// <summary>Every bound claim's PersistentVolume exists and its claimRef names the claim back (namespace, name, uid).</summary>
    BoundClaimPointsBack,

    /// <summary>Every scheduled pod runs on a node inside the node affinity of the PVs its claims are bound to.</summary>
    PodOutsideVolumeAffinity,

    /// <summary>No unbound claim waits for provisioning on a node (volume.kubernetes.io/selected-node) that does not exist.</summary>
    SelectedNodeMissing,

    /// <summary>
    /// No PV prebound (claimRef set, the PV controller not yet done) for a claim that is gone, is bound to another PV,
    /// has no pod left, or whose pod was placed on a node outside the PV's node affinity.
    /// </summary>
    StalePrebinding,
}
