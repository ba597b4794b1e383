namespace VolumeAwareScheduler.Core.Model;

/// <summary>A ReplicaSet's spec.selector; null when unset.</summary>
public sealed record ReplicaSetInfo(ObjectKey Key, LabelSelector? Selector);
