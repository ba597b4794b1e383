using System.Collections.Concurrent;
using System.Collections.Frozen;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Kubernetes.Cache;

/// <summary>
/// Shares equal immutable parts between the snapshots of PVs: their node affinity (a local PV's is its node's hostname
/// term, the same for every PV of the node), their labels (a provisioner gives all its PVs the same) and their class
/// name, so that a large cluster holds each once instead of once per PV (the memory load test: 100,000 PVs on 5,000
/// nodes). Values are immutable and compared by content, so a shared one reads exactly as the converted one.
/// Each table forgets everything when it grows past <see cref="Capacity"/> distinct values: what churns (unique labels,
/// nodes that come and go) cannot grow it without bound, and snapshots already converted keep the instances they hold.
/// </summary>
internal sealed class SnapshotInterner
{
    /// <summary>Distinct values a table holds before it starts afresh.</summary>
    public const int Capacity = 1 << 16;

    private readonly ConcurrentDictionary<NodeSelector, NodeSelector> _selectors = new();
    private readonly ConcurrentDictionary<FrozenDictionary<string, string>, FrozenDictionary<string, string>> _labels = new(LabelSetComparer.Instance);
    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);

    /// <summary>The snapshot with its shareable parts replaced by the instances already held; other kinds as they are.</summary>
    public object? Intern(object? snapshot) => snapshot switch
    {
        VolumeInfo volume => volume with
        {
            StorageClassName = Share(_strings, volume.StorageClassName),
            Labels = volume.Labels.Count == 0 ? volume.Labels : Share(_labels, volume.Labels),
            NodeAffinity = volume.NodeAffinity is { } affinity ? Share(_selectors, affinity) : null,
        },
        _ => snapshot,
    };

    private static T Share<T>(ConcurrentDictionary<T, T> table, T value)
        where T : notnull
    {
        if (table.TryGetValue(value, out var held)) return held;
        if (table.Count >= Capacity) table.Clear();
        return table.GetOrAdd(value, value);
    }

    /// <summary>Label sets by content (ordinal keys and values).</summary>
    private sealed class LabelSetComparer : IEqualityComparer<FrozenDictionary<string, string>>
    {
        public static readonly LabelSetComparer Instance = new();

        public bool Equals(FrozenDictionary<string, string>? x, FrozenDictionary<string, string>? y)
        {
            if (ReferenceEquals(x, y)) return true;
            if (x is null || y is null || x.Count != y.Count) return false;
            foreach (var (key, value) in x)
            {
                if (!y.TryGetValue(key, out var other) || !string.Equals(value, other, StringComparison.Ordinal)) return false;
            }
            return true;
        }

        public int GetHashCode(FrozenDictionary<string, string> labels)
        {
            // Order-independent: XOR of the entries' hashes, with the count.
            var hash = labels.Count;
            foreach (var (key, value) in labels) hash ^= HashCode.Combine(StringComparer.Ordinal.GetHashCode(key), StringComparer.Ordinal.GetHashCode(value));
            return hash;
        }
    }
}
