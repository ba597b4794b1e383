using System.Runtime.CompilerServices;
using VolumeAwareScheduler.Core.Matching;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Index;

/// <summary>
/// The fast index. Free PVs (Available, unclaimed, not being deleted) sit in buckets keyed by
/// (storage class, volumeMode, access-mode set, node-affinity term), each bucket ordered by (capacity, name).
/// A node reaches only the terms it satisfies ("its cover"): terms with an <c>In</c> requirement are found
/// through the node's own labels, the few others are evaluated, and a node's cover is cached until the set of
/// terms changes. A query looks at the node's cover × the access-mode sets that contain the claim's, and takes
/// the first fitting PV of each bucket by binary search. PVs with a claimRef are kept apart by claim, because
/// upstream's rule is that a PV prebound to the claim wins outright. Every change is incremental.
/// </summary>
public sealed class VolumeIndex : IVolumeIndex
{
    private const int NoAffinityTerm = -1;

    private readonly Dictionary<string, VolumeInfo> _volumes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedList<string, VolumeInfo>> _byClass = new(StringComparer.Ordinal);
    private readonly Dictionary<ObjectKey, SortedList<string, VolumeInfo>> _claimed = [];
    private readonly Dictionary<BucketKey, List<VolumeInfo>> _buckets = [];
    private readonly Dictionary<(string Class, VolumeMode Mode), int[]> _accessSetCounts = [];

    private readonly Dictionary<NodeSelectorTerm, TermEntry> _terms = [];
    private readonly Dictionary<(string Key, string Value), List<TermEntry>> _termsByLabel = [];
    private readonly List<TermEntry> _unindexedTerms = [];
    private int _nextTermId;
    private int _termVersion;
    private readonly ConditionalWeakTable<NodeInfo, NodeCover> _covers = [];

    public int Count => _volumes.Count;

    public void Upsert(VolumeInfo volume)
    {
        Remove(volume.Name);
        _volumes[volume.Name] = volume;
        if (!_byClass.TryGetValue(volume.StorageClassName, out var classList))
        {
            classList = new SortedList<string, VolumeInfo>(StringComparer.Ordinal);
            _byClass[volume.StorageClassName] = classList;
        }
        classList[volume.Name] = volume;

        if (volume.ClaimRef is { } claimRef)
        {
            if (!_claimed.TryGetValue(claimRef.Key, out var claimed))
            {
                claimed = new SortedList<string, VolumeInfo>(StringComparer.Ordinal);
                _claimed[claimRef.Key] = claimed;
            }
            claimed[volume.Name] = volume;
        }
        else if (volume.IsFree)
        {
            AddFree(volume);
        }
    }

    public bool Remove(string name)
    {
        if (!_volumes.Remove(name, out var old)) return false;
        _byClass[old.StorageClassName].Remove(name);
        if (old.ClaimRef is { } claimRef)
        {
            var claimed = _claimed[claimRef.Key];
            claimed.Remove(name);
            if (claimed.Count == 0) _claimed.Remove(claimRef.Key);
        }
        else if (old.IsFree)
        {
            RemoveFree(old);
        }
        return true;
    }

    public VolumeInfo? Get(string name) => _volumes.GetValueOrDefault(name);

    public IReadOnlyList<VolumeInfo> ListByClass(string storageClassName) =>
        _byClass.TryGetValue(storageClassName, out var list) ? list.Values.ToArray() : [];

    public VolumeInfo? FindMatchingVolume(ClaimInfo claim, NodeInfo node, IReadOnlySet<string>? excluded)
    {
        // 1. A PV whose claimRef names this claim wins outright, or means no match here (pv_helpers.go).
        if (_claimed.TryGetValue(claim.Key, out var claimed))
        {
            foreach (var volume in claimed.Values)
            {
                if (volume.StorageClassName != claim.StorageClassName) continue; // upstream only lists the claim's class
                var rejection = VolumeMatching.Check(claim, volume, node, excluded, delayBinding: true, out var boundToClaim);
                if (boundToClaim) return rejection == VolumeRejection.None ? volume : null;
            }
        }

        // 2. The smallest free PV over the buckets this node can reach.
        if (!_accessSetCounts.TryGetValue((claim.StorageClassName, claim.VolumeMode), out var accessSets)) return null;
        var cover = CoverOf(node);
        VolumeInfo? best = null;
        for (var accessSet = 0; accessSet < accessSets.Length; accessSet++)
        {
            if (accessSets[accessSet] == 0 || !((AccessModes)accessSet).ContainsAll(claim.AccessModes)) continue;
            foreach (var termId in cover)
            {
                if (!_buckets.TryGetValue(new BucketKey(claim.StorageClassName, claim.VolumeMode, (AccessModes)accessSet, termId), out var bucket)) continue;
                var candidate = FirstFit(bucket, claim, excluded, best);
                if (candidate is not null) best = candidate;
            }
        }
        return best;
    }

    /// <summary>The first PV of a (capacity, name)-ordered bucket that fits the claim and beats <paramref name="best"/>.</summary>
    private static VolumeInfo? FirstFit(List<VolumeInfo> bucket, ClaimInfo claim, IReadOnlySet<string>? excluded, VolumeInfo? best)
    {
        var lo = 0;
        var hi = bucket.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (bucket[mid].CapacityBytes < claim.RequestBytes) lo = mid + 1;
            else hi = mid;
        }
        for (var i = lo; i < bucket.Count; i++)
        {
            var volume = bucket[i];
            if (best is not null && VolumeMatching.CompareBySize(volume, best) >= 0) return null;
            if (excluded is not null && excluded.Contains(volume.Name)) continue;
            if (claim.Selector is not null && !SelectorMatching.Matches(claim.Selector, volume.Labels)) continue;
            return volume;
        }
        return null;
    }

    private int[] CoverOf(NodeInfo node)
    {
        if (_covers.TryGetValue(node, out var cached) && cached.TermVersion == _termVersion) return cached.TermIds;
        var ids = new List<int> { NoAffinityTerm };
        foreach (var (key, value) in node.Labels)
        {
            if (!_termsByLabel.TryGetValue((key, value), out var entries)) continue;
            foreach (var entry in entries)
            {
                if (entry.Exact || SelectorMatching.Matches(entry.Term, node.Labels, nodeName: "")) ids.Add(entry.Id);
            }
        }
        foreach (var entry in _unindexedTerms)
        {
            if (SelectorMatching.Matches(entry.Term, node.Labels, nodeName: "")) ids.Add(entry.Id);
        }
        var cover = new NodeCover(_termVersion, [.. ids.Distinct()]);
        _covers.AddOrUpdate(node, cover);
        return cover.TermIds;
    }

    private void AddFree(VolumeInfo volume)
    {
        var counts = AccessSetCounts(volume);
        counts[(int)volume.AccessModes]++;
        foreach (var termId in TermIdsOf(volume, register: true))
        {
            var key = new BucketKey(volume.StorageClassName, volume.VolumeMode, volume.AccessModes, termId);
            if (!_buckets.TryGetValue(key, out var bucket))
            {
                bucket = [];
                _buckets[key] = bucket;
            }
            var at = bucket.BinarySearch(volume, BySize.Instance);
            bucket.Insert(at < 0 ? ~at : at, volume);
        }
    }

    private void RemoveFree(VolumeInfo volume)
    {
        AccessSetCounts(volume)[(int)volume.AccessModes]--;
        foreach (var termId in TermIdsOf(volume, register: false))
        {
            var key = new BucketKey(volume.StorageClassName, volume.VolumeMode, volume.AccessModes, termId);
            var bucket = _buckets[key];
            var at = bucket.BinarySearch(volume, BySize.Instance);
            if (at >= 0) bucket.RemoveAt(at);
            if (bucket.Count == 0) _buckets.Remove(key);
            if (termId != NoAffinityTerm) Release(termId, volume);
        }
    }

    private int[] AccessSetCounts(VolumeInfo volume)
    {
        var key = (volume.StorageClassName, volume.VolumeMode);
        if (!_accessSetCounts.TryGetValue(key, out var counts))
        {
            counts = new int[16];
            _accessSetCounts[key] = counts;
        }
        return counts;
    }

    /// <summary>The distinct, non-empty terms of a PV's affinity; NoAffinityTerm when it has none.</summary>
    private IEnumerable<int> TermIdsOf(VolumeInfo volume, bool register)
    {
        if (volume.NodeAffinity is null) return [NoAffinityTerm];
        var ids = new List<int>(volume.NodeAffinity.Terms.Length);
        foreach (var term in volume.NodeAffinity.Terms.Distinct())
        {
            if (term.MatchExpressions.IsEmpty && term.MatchFields.IsEmpty) continue; // an empty term matches no node
            ids.Add(register ? Register(term).Id : _terms[term].Id);
        }
        return ids;
    }

    private TermEntry Register(NodeSelectorTerm term)
    {
        if (_terms.TryGetValue(term, out var entry))
        {
            entry.References++;
            return entry;
        }
        // Index the term under its first In requirement; a node must carry one of those label values to match.
        var firstIn = term.MatchExpressions.FirstOrDefault(r => r.Operator == SelectorOperator.In);
        var exact = firstIn is not null && term.MatchExpressions.Length == 1; // matchFields never count for PVs
        entry = new TermEntry(_nextTermId++, term, firstIn, exact) { References = 1 };
        _terms[term] = entry;
        if (firstIn is null)
        {
            _unindexedTerms.Add(entry);
        }
        else
        {
            foreach (var value in firstIn.Values.Distinct())
            {
                if (!_termsByLabel.TryGetValue((firstIn.Key, value), out var list))
                {
                    list = [];
                    _termsByLabel[(firstIn.Key, value)] = list;
                }
                list.Add(entry);
            }
        }
        _termVersion++;
        return entry;
    }

    private void Release(int termId, VolumeInfo volume)
    {
        var term = volume.NodeAffinity!.Terms.First(t => _terms.TryGetValue(t, out var e) && e.Id == termId);
        var entry = _terms[term];
        if (--entry.References > 0) return;
        _terms.Remove(term);
        if (entry.IndexedBy is null)
        {
            _unindexedTerms.Remove(entry);
        }
        else
        {
            foreach (var value in entry.IndexedBy.Values.Distinct())
            {
                var list = _termsByLabel[(entry.IndexedBy.Key, value)];
                list.Remove(entry);
                if (list.Count == 0) _termsByLabel.Remove((entry.IndexedBy.Key, value));
            }
        }
        _termVersion++;
    }

    private readonly record struct BucketKey(string Class, VolumeMode Mode, AccessModes Access, int TermId);

    private sealed class TermEntry(int id, NodeSelectorTerm term, SelectorRequirement? indexedBy, bool exact)
    {
        public int Id { get; } = id;
        public NodeSelectorTerm Term { get; } = term;
        public SelectorRequirement? IndexedBy { get; } = indexedBy;
        /// <summary>The term is exactly its In requirement: a node found through the label matches without evaluation.</summary>
        public bool Exact { get; } = exact;
        public int References { get; set; }
    }

    private sealed record NodeCover(int TermVersion, int[] TermIds);

    private sealed class BySize : IComparer<VolumeInfo>
    {
        public static readonly BySize Instance = new();
        public int Compare(VolumeInfo? x, VolumeInfo? y) => VolumeMatching.CompareBySize(x!, y!);
    }
}
