namespace VolumeAwareScheduler.Kubernetes.Writers;

/// <summary>What the Eviction subresource answered for one pod.</summary>
public enum EvictionResult : byte
{
    /// <summary>201: the pod is being deleted with its grace period.</summary>
    Evicted,
    /// <summary>404: the pod was already gone.</summary>
    Gone,
    /// <summary>429: a PodDisruptionBudget of the pod allows no disruption now.</summary>
    DisruptionBudgetExhausted,
}
