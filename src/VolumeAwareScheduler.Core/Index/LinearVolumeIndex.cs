using VolumeAwareScheduler.Core.Matching;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Index;

/// <summary>
/// The baseline: what upstream does. For each (claim, node) it walks every PV of the claim's class
/// (pvCache.ListPVs(class) in volumebinding/binder.go) and evaluates each PV's node affinity. Its buckets are keyed by
/// storage class alone, as upstream's PV cache index is; the VolumeAttributesClass and every other attribute are
/// checked per PV by <see cref="VolumeMatching.FindMatchingVolume"/>, in upstream's order.
/// </summary>
public sealed class LinearVolumeIndex : IVolumeIndex
{
    private readonly Dictionary<string, VolumeInfo> _volumes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedList<string, VolumeInfo>> _byClass = new(StringComparer.Ordinal);

    public int Count => _volumes.Count;

    public IReadOnlyList<string> Names => [.. _volumes.Keys];

    public void Upsert(VolumeInfo volume)
    {
        Remove(volume.Name);
        _volumes[volume.Name] = volume;
        if (!_byClass.TryGetValue(volume.StorageClassName, out var list))
        {
            list = new SortedList<string, VolumeInfo>(StringComparer.Ordinal);
            _byClass[volume.StorageClassName] = list;
        }
        list[volume.Name] = volume;
    }

    public bool Remove(string name)
    {
        if (!_volumes.Remove(name, out var old)) return false;
        _byClass[old.StorageClassName].Remove(name);
        return true;
    }

    public VolumeInfo? Get(string name) => _volumes.GetValueOrDefault(name);

    public IReadOnlyList<VolumeInfo> ListByClass(string storageClassName) =>
        _byClass.TryGetValue(storageClassName, out var list) ? list.Values.ToArray() : [];

    public VolumeInfo? FindMatchingVolume(ClaimInfo claim, NodeInfo node, IReadOnlySet<string>? excluded) =>
        _byClass.TryGetValue(claim.StorageClassName, out var list)
            ? VolumeMatching.FindMatchingVolume(claim, list.Values, node, excluded, delayBinding: true)
            : null;

    /// <summary>The per-node scan for each node in turn: upstream has no all-nodes query.</summary>
    public void FindMatchingVolumes(ClaimInfo claim, IReadOnlyList<NodeInfo> nodes, IReadOnlySet<string>? excluded, Span<VolumeInfo?> results)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(results.Length, nodes.Count, nameof(results));
        for (var i = 0; i < nodes.Count; i++) results[i] = FindMatchingVolume(claim, nodes[i], excluded);
    }
}
