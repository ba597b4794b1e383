using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Matching;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.LoadTests.Generation;

namespace VolumeAwareScheduler.Benchmarks;

/// <summary>
/// Where the fast index's all-nodes query spends its time. Each benchmark repeats, for every node, one step of
/// VolumeIndex.FindMatchingVolume with the same collection and key types as Core (rebuilt here from the same
/// generated PVs; Core's fields are private): the cover-cache lookup, the prebound-claim lookup, the (class, mode)
/// lookup, the bucket lookups (access sets × cover terms) and the binary search in each bucket found. The sum of the
/// steps should come close to <see cref="Whole"/>; <see cref="NameCopyFloor"/> is the floor.
/// Run: <c>--filter '*Breakdown*'</c>.
/// </summary>
[Config(typeof(SmallRunConfig))]
[MemoryDiagnoser]
public class FastQueryBreakdownBenchmarks
{
    private readonly record struct BucketKey(string Class, VolumeMode Mode, AccessModes Access, int TermId);

    private sealed record Cover(int Version, int[] TermIds);

    private NodeInfo[] _nodes = [];
    private ClaimInfo _claim = null!;
    private VolumeIndex _fast = null!;
    private readonly ConditionalWeakTable<NodeInfo, Cover> _covers = [];
    private Dictionary<ObjectKey, object> _claimed = [];
    private Dictionary<(string, VolumeMode), int[]> _accessSetCounts = [];
    private Dictionary<BucketKey, List<VolumeInfo>> _buckets = [];
    private int[][] _coverByNode = [];
    private List<VolumeInfo>?[][] _bucketsByNode = [];
    private VolumeInfo?[] _results = [];

    // The proposed layout (see ProposedBatch): per access set, every term's bucket in one array (CSR), capacities
    // apart from the PVs; per node position, its cover as a CSR slice.
    private long[][] _capacitiesBySet = [];
    private VolumeInfo[][] _volumesBySet = [];
    private int[][] _termStartBySet = [];
    private int[] _coverStart = [];
    private int[] _coverTerms = [];
    private VolumeInfo?[] _bestByTerm = [];
    private long[] _bestCapacityByTerm = [];

    [Params(5_000)]
    public int Nodes { get; set; }

    [Params(50_000)]
    public int Volumes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var cluster = ClusterGenerator.Generate(new ClusterShape { Nodes = Nodes, Volumes = Volumes, Seed = 42 });
        _nodes = [.. cluster.Nodes];
        _results = new VolumeInfo?[_nodes.Length];
        _fast = new VolumeIndex();
        foreach (var volume in cluster.Volumes) _fast.Upsert(volume);
        _claim = new ClaimInfo
        {
            Key = new ObjectKey("loadtest", "data-query-1"),
            StorageClassName = ClusterGenerator.SsdClass,
            RequestBytes = 100L << 30,
            AccessModes = AccessModes.ReadWriteOnce,
            VolumeMode = VolumeMode.Filesystem,
        };

        // The same structures as VolumeIndex, from the same PVs.
        var terms = new Dictionary<NodeSelectorTerm, int>();
        _claimed = cluster.Volumes.Where(v => v.ClaimRef is not null).GroupBy(v => v.ClaimRef!.Key).ToDictionary(g => g.Key, g => (object)g.ToList());
        foreach (var volume in cluster.Volumes.Where(v => v.IsFree))
        {
            var key = (volume.StorageClassName, volume.VolumeMode);
            if (!_accessSetCounts.TryGetValue(key, out var counts)) _accessSetCounts[key] = counts = new int[16];
            counts[(int)volume.AccessModes]++;
            foreach (var term in volume.NodeAffinity!.Terms.Distinct())
            {
                if (!terms.TryGetValue(term, out var id)) terms[term] = id = terms.Count;
                var bucketKey = new BucketKey(volume.StorageClassName, volume.VolumeMode, volume.AccessModes, id);
                if (!_buckets.TryGetValue(bucketKey, out var bucket)) _buckets[bucketKey] = bucket = [];
                bucket.Add(volume);
            }
        }
        foreach (var bucket in _buckets.Values) bucket.Sort(VolumeMatching.CompareBySize);
        _coverByNode = new int[_nodes.Length][];
        _bucketsByNode = new List<VolumeInfo>?[_nodes.Length][];
        for (var i = 0; i < _nodes.Length; i++)
        {
            var node = _nodes[i];
            int[] cover = [-1, .. terms.Where(t => SelectorMatching.Matches(t.Key, node.Labels, "")).Select(t => t.Value)];
            _coverByNode[i] = cover;
            _covers.AddOrUpdate(node, new Cover(0, cover));
            _bucketsByNode[i] = [.. cover.Select(t => _buckets.GetValueOrDefault(new BucketKey(_claim.StorageClassName, _claim.VolumeMode, AccessModes.ReadWriteOnce, t)))];
            _fast.FindMatchingVolume(_claim, node, null); // warm Core's own cover cache
        }

        // Proposed layout. Dense term ids shifted by one so that "no affinity" (-1) is slot 0.
        var slots = terms.Count + 1;
        var sets = Enumerable.Range(0, 16).Where(a => _accessSetCounts[(_claim.StorageClassName, _claim.VolumeMode)][a] > 0
            && ((AccessModes)a).ContainsAll(_claim.AccessModes)).ToArray();
        _capacitiesBySet = new long[sets.Length][];
        _volumesBySet = new VolumeInfo[sets.Length][];
        _termStartBySet = new int[sets.Length][];
        for (var s = 0; s < sets.Length; s++)
        {
            var capacities = new List<long>();
            var volumes = new List<VolumeInfo>();
            var starts = new int[slots + 1];
            for (var slot = 0; slot < slots; slot++)
            {
                starts[slot] = volumes.Count;
                if (_buckets.TryGetValue(new BucketKey(_claim.StorageClassName, _claim.VolumeMode, (AccessModes)sets[s], slot - 1), out var bucket))
                {
                    volumes.AddRange(bucket);
                    capacities.AddRange(bucket.Select(v => v.CapacityBytes));
                }
            }
            starts[slots] = volumes.Count;
            _capacitiesBySet[s] = [.. capacities];
            _volumesBySet[s] = [.. volumes];
            _termStartBySet[s] = starts;
        }
        _coverStart = new int[_nodes.Length + 1];
        var coverTerms = new List<int>();
        for (var i = 0; i < _nodes.Length; i++)
        {
            _coverStart[i] = coverTerms.Count;
            coverTerms.AddRange(_coverByNode[i].Select(t => t + 1));
        }
        _coverStart[_nodes.Length] = coverTerms.Count;
        _coverTerms = [.. coverTerms];
        _bestByTerm = new VolumeInfo?[slots];
        _bestCapacityByTerm = new long[slots];
        if (!ProposedBatchAgrees()) throw new InvalidOperationException("the proposed layout answers differently from VolumeIndex");
    }

    /// <summary>
    /// The proposed all-nodes query: one first-fit per term (each bucket a slice of one contiguous capacity array,
    /// searched once per query, not once per node that reaches it), then per node the smallest of its cover's
    /// answers, read from a CSR cover array. No hashing and no PV dereference in the per-node loop. Same answers
    /// as <see cref="Whole"/> (checked in <see cref="ProposedBatchAgrees"/>).
    /// </summary>
    [Benchmark]
    public VolumeInfo?[] ProposedBatch()
    {
        var best = _bestByTerm;
        Array.Clear(best);
        var request = _claim.RequestBytes;
        for (var s = 0; s < _capacitiesBySet.Length; s++)
        {
            var capacities = _capacitiesBySet[s];
            var volumes = _volumesBySet[s];
            var starts = _termStartBySet[s];
            for (var slot = 0; slot < best.Length; slot++)
            {
                int lo = starts[slot], hi = starts[slot + 1];
                if (lo == hi) continue;
                while (lo < hi)
                {
                    var mid = (lo + hi) >>> 1;
                    if (capacities[mid] < request) lo = mid + 1;
                    else hi = mid;
                }
                if (lo == starts[slot + 1]) continue;
                var candidate = volumes[lo];
                if (best[slot] is not { } current || VolumeMatching.CompareBySize(candidate, current) < 0) best[slot] = candidate;
            }
        }
        // Per node: compare capacities from a dense array; a PV is dereferenced (for its name) only on a tie.
        var bestCapacity = _bestCapacityByTerm;
        for (var slot = 0; slot < best.Length; slot++) bestCapacity[slot] = best[slot]?.CapacityBytes ?? long.MaxValue;
        var coverStart = _coverStart;
        var coverTerms = _coverTerms;
        for (var i = 0; i < _nodes.Length; i++)
        {
            var answer = -1;
            var answerCapacity = long.MaxValue;
            for (var k = coverStart[i]; k < coverStart[i + 1]; k++)
            {
                var slot = coverTerms[k];
                var capacity = bestCapacity[slot];
                if (capacity < answerCapacity
                    || (capacity == answerCapacity && capacity != long.MaxValue && string.CompareOrdinal(best[slot]!.Name, best[answer]!.Name) < 0))
                {
                    answer = slot;
                    answerCapacity = capacity;
                }
            }
            _results[i] = answer < 0 ? null : best[answer];
        }
        return _results;
    }

    /// <summary>Not a benchmark (checked in setup): true when <see cref="ProposedBatch"/> answers as the real index does on every node.</summary>
    private bool ProposedBatchAgrees()
    {
        var proposed = (VolumeInfo?[])ProposedBatch().Clone();
        var actual = Whole();
        return proposed.AsSpan().SequenceEqual(actual);
    }

    [Benchmark(Baseline = true)]
    public VolumeInfo?[] Whole()
    {
        for (var i = 0; i < _nodes.Length; i++) _results[i] = _fast.FindMatchingVolume(_claim, _nodes[i], null);
        return _results;
    }

    [Benchmark]
    public string[] NameCopyFloor()
    {
        var names = new string[_nodes.Length];
        for (var i = 0; i < _nodes.Length; i++) names[i] = _nodes[i].Name;
        return names;
    }

    /// <summary>Step 1: the prebound-claim lookup (ObjectKey: two string hashes) per node.</summary>
    [Benchmark]
    public int ClaimedLookup()
    {
        var hits = 0;
        for (var i = 0; i < _nodes.Length; i++) hits += _claimed.ContainsKey(_claim.Key) ? 1 : 0;
        return hits;
    }

    /// <summary>Step 2: the (class, mode) lookup per node.</summary>
    [Benchmark]
    public int AccessSetLookup()
    {
        var sum = 0;
        for (var i = 0; i < _nodes.Length; i++) sum += _accessSetCounts.TryGetValue((_claim.StorageClassName, _claim.VolumeMode), out var c) ? c.Length : 0;
        return sum;
    }

    /// <summary>Step 3: the cover cache (ConditionalWeakTable keyed by the NodeInfo) per node.</summary>
    [Benchmark]
    public int CoverLookup()
    {
        var sum = 0;
        for (var i = 0; i < _nodes.Length; i++) sum += _covers.TryGetValue(_nodes[i], out var cover) ? cover.TermIds.Length : 0;
        return sum;
    }

    /// <summary>Step 4: one BucketKey dictionary lookup per (access set that holds the claim's modes and has PVs) × cover term.</summary>
    [Benchmark]
    public int BucketLookups()
    {
        var found = 0;
        var counts = _accessSetCounts[(_claim.StorageClassName, _claim.VolumeMode)];
        for (var i = 0; i < _nodes.Length; i++)
        {
            for (var accessSet = 0; accessSet < counts.Length; accessSet++)
            {
                if (counts[accessSet] == 0 || !((AccessModes)accessSet).ContainsAll(_claim.AccessModes)) continue;
                foreach (var termId in _coverByNode[i])
                {
                    if (_buckets.TryGetValue(new BucketKey(_claim.StorageClassName, _claim.VolumeMode, (AccessModes)accessSet, termId), out _)) found++;
                }
            }
        }
        return found;
    }

    /// <summary>Step 5: the binary search for the first PV that fits, in each bucket a node reaches (RWO set only).</summary>
    [Benchmark]
    public int FirstFit()
    {
        var found = 0;
        for (var i = 0; i < _nodes.Length; i++)
        {
            foreach (var bucket in _bucketsByNode[i])
            {
                if (bucket is null) continue;
                int lo = 0, hi = bucket.Count;
                while (lo < hi)
                {
                    var mid = (lo + hi) >>> 1;
                    if (bucket[mid].CapacityBytes < _claim.RequestBytes) lo = mid + 1;
                    else hi = mid;
                }
                if (lo < bucket.Count) found++;
            }
        }
        return found;
    }

    /// <summary>What the query could cost with buckets resolved per node once (arrays, no hashing): the proposed design.</summary>
    [Benchmark]
    public VolumeInfo?[] ResolvedBuckets()
    {
        for (var i = 0; i < _nodes.Length; i++)
        {
            VolumeInfo? best = null;
            foreach (var bucket in _bucketsByNode[i])
            {
                if (bucket is null) continue;
                int lo = 0, hi = bucket.Count;
                while (lo < hi)
                {
                    var mid = (lo + hi) >>> 1;
                    if (bucket[mid].CapacityBytes < _claim.RequestBytes) lo = mid + 1;
                    else hi = mid;
                }
                if (lo < bucket.Count && (best is null || VolumeMatching.CompareBySize(bucket[lo], best) < 0)) best = bucket[lo];
            }
            _results[i] = best;
        }
        return _results;
    }
}
