using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Extender;

/// <summary>A Pod that decoded but cannot be converted (a quantity out of range, an unknown operator): who it is and why.</summary>
public sealed record UnusablePod(ObjectKey Key, string Uid, string Reason);
