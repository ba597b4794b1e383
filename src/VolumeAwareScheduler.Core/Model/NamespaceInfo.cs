using System.Collections.Frozen;

namespace VolumeAwareScheduler.Core.Model;

/// <summary>A Namespace's name and labels: what pod affinity's namespaceSelector matches.</summary>
public sealed record NamespaceInfo(string Name, FrozenDictionary<string, string> Labels);
