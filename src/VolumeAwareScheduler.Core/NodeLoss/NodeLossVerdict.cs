namespace VolumeAwareScheduler.Core.NodeLoss;

/// <summary>What the node-loss policy does with a claim bound to a PV pinned to a node that is gone.</summary>
public enum NodeLossVerdict : byte
{
    /// <summary>The grace period has passed and a pending StatefulSet pod waits for the claim: delete it.</summary>
    Release,

    /// <summary>Everything holds but the grace period has not passed yet: the node may come back.</summary>
    WaitForGracePeriod,

    /// <summary>No pod uses the claim, or a pod using it is scheduled or terminating: nothing waits for a new volume.</summary>
    NoPendingPod,

    /// <summary>
    /// A pod using it is not a StatefulSet's, or the claim is not one of the set's volumeClaimTemplates claims
    /// (<c>&lt;template&gt;-&lt;pod&gt;</c>), or it is a generic ephemeral volume's: nothing would create it again.
    /// </summary>
    NotRecreatable,
}
