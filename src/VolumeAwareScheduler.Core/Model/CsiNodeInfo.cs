namespace VolumeAwareScheduler.Core.Model;

/// <summary>A CSINode (storage.k8s.io/v1): named after its node, the CSI drivers installed there.</summary>
public sealed record CsiNodeInfo(string NodeName, IReadOnlyList<CsiNodeDriver> Drivers);
