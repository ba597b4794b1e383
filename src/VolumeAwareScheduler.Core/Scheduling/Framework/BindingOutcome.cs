namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>How the binding cycle's writes ended: the status of the last extension point that ran (PreBind, or Bind after it).</summary>
public readonly record struct BindingOutcome(ExtensionPoint Point, Status Status)
{
    public bool IsSuccess => Status.IsSuccess;

    /// <summary>Upstream's wording of a failure (<see cref="SchedulingFramework.FailureMessage"/>).</summary>
    public string FailureMessage => SchedulingFramework.FailureMessage(Point, Status);
}
