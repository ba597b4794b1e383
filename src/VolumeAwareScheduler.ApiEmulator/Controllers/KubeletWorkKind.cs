namespace VolumeAwareScheduler.ApiEmulator.Controllers;

/// <summary>What the simulated kubelet has to do at a given time.</summary>
internal enum KubeletWorkKind
{
    /// <summary>Start the containers of a pod it admitted: the pod goes Running and Ready.</summary>
    StartPod,

    /// <summary>A deleted pod's grace period is over: remove it (the kubelet's final delete with grace period 0).</summary>
    RemovePod,

    /// <summary>Renew the node's Lease in <c>kube-node-lease</c>.</summary>
    RenewLease,

    /// <summary>Post the node's conditions with a fresh heartbeat.</summary>
    ReportNodeStatus,
}
