namespace VolumeAwareScheduler.Kubernetes.Writers;

/// <summary>How a claim delete of the node-loss policy ended.</summary>
public enum ClaimReleaseResult
{
    /// <summary>The API server accepted the delete.</summary>
    Deleted,

    /// <summary>The claim changed since it was read (a precondition failed, 409): nothing was deleted.</summary>
    Changed,

    /// <summary>The claim was already gone (404).</summary>
    Gone,
}
