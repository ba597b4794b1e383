namespace VolumeAwareScheduler.Core.Model;

/// <summary>A StatefulSet's spec.selector; null when unset.</summary>
public sealed record StatefulSetInfo(ObjectKey Key, LabelSelector? Selector);
