namespace VolumeAwareScheduler.Core.Model;

/// <summary>spec.preemptionPolicy (core/v1 PreemptionPolicy); unset means PreemptLowerPriority.</summary>
public enum PreemptionPolicy : byte
{
    PreemptLowerPriority,
    Never,
}
