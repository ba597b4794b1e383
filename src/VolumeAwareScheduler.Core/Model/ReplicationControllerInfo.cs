using System.Collections.Frozen;

namespace VolumeAwareScheduler.Core.Model;

/// <summary>A ReplicationController's spec.selector (a label map); null when unset.</summary>
public sealed record ReplicationControllerInfo(ObjectKey Key, FrozenDictionary<string, string>? Selector);
