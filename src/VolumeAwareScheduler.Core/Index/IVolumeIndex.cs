using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Index;

/// <summary>
/// The PersistentVolumes the scheduler knows, and the question it asks of them most: which PV would the claim get
/// on this node. Two implementations answer identically: <see cref="LinearVolumeIndex"/> scans every PV of the
/// class as upstream's binder does; <see cref="VolumeIndex"/> looks only at the PVs whose node affinity can
/// reach the node. One writer; any number of concurrent readers between writes.
/// </summary>
public interface IVolumeIndex
{
    int Count { get; }

    /// <summary>The names of every PV held (a copy: safe to enumerate while the index changes).</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>Adds the PV or replaces the PV of the same name.</summary>
    void Upsert(VolumeInfo volume);

    bool Remove(string name);

    VolumeInfo? Get(string name);

    /// <summary>Every PV of a storage class, ordered by name.</summary>
    IReadOnlyList<VolumeInfo> ListByClass(string storageClassName);

    /// <summary>
    /// FindMatchingVolume on the scheduler path (a node is given, delayed binding): the PV prebound to the claim,
    /// else the smallest free PV of the claim's class that fits the claim and the node; null when there is none.
    /// </summary>
    VolumeInfo? FindMatchingVolume(ClaimInfo claim, NodeInfo node, IReadOnlySet<string>? excluded);

    /// <summary>
    /// <see cref="FindMatchingVolume"/> for every node of a scheduling cycle at once: <c>results[i]</c> receives the
    /// answer for <c>nodes[i]</c>, with the same <paramref name="excluded"/> set for every node. Same answers as
    /// the per-node calls; <paramref name="results"/> must hold at least <c>nodes.Count</c> entries.
    /// </summary>
    void FindMatchingVolumes(ClaimInfo claim, IReadOnlyList<NodeInfo> nodes, IReadOnlySet<string>? excluded, Span<VolumeInfo?> results);
}
