namespace VolumeAwareScheduler.Core.Scheduling.Plugins.Helper;

/// <summary>A point of a broken linear function: utilization 0–100 to a score.</summary>
public readonly record struct FunctionShapePoint(long Utilization, long Score);
