using k8s.Models;

namespace VolumeAwareScheduler.Kubernetes.Writers;

/// <summary>
/// EventCorrelateResult: the event to write; when <paramref name="ExistingName"/> is set, the stored event of that
/// name gets this one's count, lastTimestamp and message by patch; <paramref name="Skip"/>: the spam filter dropped it.
/// <paramref name="Key"/> is the correlator's key for <see cref="EventCorrelator.Recorded"/>.
/// </summary>
public sealed record EventCorrelation(Corev1Event Event, string Key, string? ExistingName, bool Skip);
