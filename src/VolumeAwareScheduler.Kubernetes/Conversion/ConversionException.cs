namespace VolumeAwareScheduler.Kubernetes.Conversion;

/// <summary>A Kubernetes object that cannot be turned into a scheduling snapshot; the message names the field.</summary>
public sealed class ConversionException(string message) : Exception(message);
