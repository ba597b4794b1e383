namespace VolumeAwareScheduler.Core.Model;

/// <summary>One spec.drivers[] entry of a CSINode: the driver and its allocatable.count, null when it reports none.</summary>
public sealed record CsiNodeDriver(string Name, int? AllocatableCount);
