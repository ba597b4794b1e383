namespace VolumeAwareScheduler.Core.Scheduling;

/// <summary>Plugin outcome codes, as in the scheduler framework (staging/src/k8s.io/kube-scheduler/framework/interface.go Code).</summary>
public enum StatusCode : byte
{
    /// <summary>The plugin ran correctly and found the pod schedulable (a nil status upstream).</summary>
    Success,
    /// <summary>An internal error: the cycle stops and the pod is retried with backoff.</summary>
    Error,
    /// <summary>The pod does not fit; preemption (PostFilter) may make room.</summary>
    Unschedulable,
    /// <summary>The pod does not fit and preemption cannot help on this node.</summary>
    UnschedulableAndUnresolvable,
    /// <summary>A Permit plugin asks the pod to wait.</summary>
    Wait,
    /// <summary>PreFilter/PreScore: the plugin has nothing to do for this pod; its Filter/Score are skipped.</summary>
    Skip,
    /// <summary>The pod waits for something outside scheduling (a PreEnqueue gate, an external controller).</summary>
    Pending,
}
