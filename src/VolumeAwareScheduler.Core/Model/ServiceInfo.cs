using System.Collections.Frozen;

namespace VolumeAwareScheduler.Core.Model;

/// <summary>A Service's spec.selector; null (no selector) selects no pod, an empty map selects every pod of the namespace.</summary>
public sealed record ServiceInfo(ObjectKey Key, FrozenDictionary<string, string>? Selector);
