namespace VolumeAwareScheduler.Core.Model;

/// <summary>A topology spread constraint's whenUnsatisfiable: a filter (DoNotSchedule) or a preference (ScheduleAnyway).</summary>
public enum UnsatisfiableConstraintAction : byte
{
    DoNotSchedule,
    ScheduleAnyway,
}
