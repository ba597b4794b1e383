using System.Buffers;
using System.Runtime.CompilerServices;
using VolumeAwareScheduler.Core.Matching;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Index;

/// <summary>
/// The fast index. Free PVs (Available, unclaimed, not being deleted) sit in buckets keyed by
/// (storage class, VolumeAttributesClass, volumeMode, access-mode set, node-affinity term), each bucket ordered by
/// (capacity, name): the first three must equal the claim's (pv_helpers.go FindMatchingVolume), so a claim reads only
/// its own (class, VolumeAttributesClass, volumeMode).
/// Term ids are dense (released ids are reused), so a (class, mode, access set) keeps its buckets in an array
/// indexed by term "slot" (term id + 1; slot 0 holds the PVs without node affinity).
/// A node reaches only the terms it satisfies ("its cover"): terms with an <c>In</c> requirement are found
/// through the node's own labels, the few others are evaluated, and a node's cover (an array of slots) is cached
/// until the set of terms changes. A query for one node looks at the node's cover × the access-mode sets that
/// contain the claim's, and takes the first fitting PV of each bucket by binary search. The all-nodes query
/// (<see cref="FindMatchingVolumes"/>, what a scheduling cycle asks) finds each term's first fitting PV once, in
/// a flat copy of each access set's buckets, then gives each node the smallest over its cover; the covers of the
/// node list are cached as flat arrays, with the terms many nodes share (zone, rack…) grouped so that their
/// answer is taken once per group. PVs with a claimRef are kept apart by claim, because upstream's rule is that a
/// PV prebound to the claim wins outright. Every change is incremental.
/// <para>
/// Ties on capacity are settled by name (pv_helpers.go FindMatchingVolume takes the smallest, then the first by name).
/// So that the all-nodes query settles them without reading a PV or its name, every PV carries a "name label": a number
/// that orders the PVs of its class as their names do, kept with gaps so that a new PV takes one between its
/// neighbours' (an order-maintenance list); the labels are renumbered in the rare case a gap runs out.
/// </para>
/// </summary>
public sealed class VolumeIndex : IVolumeIndex
{
    /// <summary>The slot of PVs without node affinity; every node's cover holds it.</summary>
    private const int NoAffinitySlot = 0;

    private readonly Dictionary<string, VolumeInfo> _volumes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedList<string, VolumeInfo>> _byClass = new(StringComparer.Ordinal);
    /// <summary>Each PV's name label: ordered within its class as the names are (see the class comment).</summary>
    private readonly Dictionary<string, long> _nameLabels = new(StringComparer.Ordinal);
    private readonly Dictionary<ObjectKey, SortedList<string, VolumeInfo>> _claimed = [];
    /// <summary>Free PVs by the claim attributes that must equal the PV's: class, VolumeAttributesClass, volumeMode.</summary>
    private readonly Dictionary<FreeKey, FreeVolumes> _free = [];

    private readonly Dictionary<NodeSelectorTerm, TermEntry> _terms = [];
    private readonly Dictionary<(string Key, string Value), List<TermEntry>> _termsByLabel = [];
    private readonly List<TermEntry> _unindexedTerms = [];
    private readonly Stack<int> _releasedSlots = new();
    /// <summary>One past the highest slot ever handed out: the length a per-slot array needs.</summary>
    private int _slotCount = NoAffinitySlot + 1;
    private int _termVersion;
    private readonly ConditionalWeakTable<NodeInfo, NodeCover> _covers = [];
    /// <summary>The covers of the node list last given to <see cref="FindMatchingVolumes"/>, as flat arrays.</summary>
    private volatile NodeListCovers? _listCovers;
    /// <summary>The last node list queried that <see cref="_listCovers"/> did not hold: laid out if it comes again.</summary>
    private object? _lastListNotLaidOut;

    public int Count => _volumes.Count;

    public IReadOnlyList<string> Names => [.. _volumes.Keys];

    /// <summary>Tests: take the all-nodes path of <see cref="FindMatchingVolumes"/> however few the nodes.</summary>
    internal bool AlwaysBatch { get; set; }

    public void Upsert(VolumeInfo volume)
    {
        // A PV that stays in its class keeps its entry in the class's list, its value replaced in place: removing and
        // inserting it would shift half of a list of every PV of the class, twice, on each claimRef or phase change.
        var sameClass = _volumes.TryGetValue(volume.Name, out var old) && old.StorageClassName == volume.StorageClassName;
        if (old is not null) Remove(old, keepClassEntry: sameClass);
        _volumes[volume.Name] = volume;
        if (!_byClass.TryGetValue(volume.StorageClassName, out var classList))
        {
            classList = new SortedList<string, VolumeInfo>(StringComparer.Ordinal);
            _byClass[volume.StorageClassName] = classList;
        }
        classList[volume.Name] = volume;
        if (!sameClass) Label(volume.StorageClassName, classList, volume.Name); // a PV kept in place keeps its label

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
        if (!_volumes.TryGetValue(name, out var old)) return false;
        Remove(old, keepClassEntry: false);
        return true;
    }

    /// <summary>
    /// Takes <paramref name="old"/> out of every structure (its class's list and its name label too, unless
    /// <paramref name="keepClassEntry"/>: the caller replaces it in place).
    /// </summary>
    private void Remove(VolumeInfo old, bool keepClassEntry)
    {
        var name = old.Name;
        _volumes.Remove(name);
        if (!keepClassEntry)
        {
            _byClass[old.StorageClassName].Remove(name);
            _nameLabels.Remove(name);
        }
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
        if (!_free.TryGetValue(FreeKey.Of(claim), out var free)) return null;
        var cover = CoverOf(node);
        VolumeInfo? best = null;
        for (var accessSet = 0; accessSet < FreeVolumes.AccessSets; accessSet++)
        {
            if (free.Counts[accessSet] == 0 || !((AccessModes)accessSet).ContainsAll(claim.AccessModes)) continue;
            var buckets = free.Buckets[accessSet];
            foreach (var slot in cover)
            {
                if (slot >= buckets.Length || buckets[slot] is not { } bucket) continue;
                var candidate = bucket.FirstFit(claim, excluded, best);
                if (candidate is not null) best = candidate;
            }
        }
        return best;
    }

    /// <summary>
    /// The all-nodes query: the same answer as <see cref="FindMatchingVolume"/> for each node, written to
    /// <c>results[i]</c> for <c>nodes[i]</c>. Each term's first fitting PV is found once per query (a binary search
    /// per bucket), then each node takes the smallest over its cached cover: no hashing per node. A node list much
    /// smaller than the set of terms is answered node by node.
    /// </summary>
    public void FindMatchingVolumes(ClaimInfo claim, IReadOnlyList<NodeInfo> nodes, IReadOnlySet<string>? excluded, Span<VolumeInfo?> results)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(results.Length, nodes.Count, nameof(results));
        var count = nodes.Count;

        // A PV whose claimRef names this claim, and that passes the checks upstream makes before node affinity, decides
        // alone on every node: it is the answer where its affinity holds, and there is none elsewhere.
        if (_claimed.TryGetValue(claim.Key, out var claimed))
        {
            foreach (var volume in claimed.Values)
            {
                if (volume.StorageClassName != claim.StorageClassName) continue;
                VolumeMatching.Check(claim, volume, node: null, excluded, delayBinding: true, out var boundToClaim);
                if (!boundToClaim) continue;
                for (var i = 0; i < count; i++) results[i] = SelectorMatching.VolumeFitsNode(volume, nodes[i]) ? volume : null;
                return;
            }
        }
        if (!_free.TryGetValue(FreeKey.Of(claim), out var free))
        {
            results[..count].Clear();
            return;
        }
        var slotCount = _slotCount;
        // A pass over every term costs about what a per-node query costs for four terms' worth of nodes: fewer nodes
        // than a quarter of the terms are asked one by one.
        if (!AlwaysBatch && (long)count * 4 < slotCount)
        {
            for (var i = 0; i < count; i++) results[i] = FindMatchingVolume(claim, nodes[i], excluded);
            return;
        }

        // 1. Each slot's best PV for this claim, over the access sets that contain the claim's modes: a binary search
        //    per slot in one flat array per access set (no PV is read unless it may be the answer). Capacity and PV
        //    side by side, so that the per-node pass reads a slot's answer from one place.
        var best = ArrayPool<SlotAnswer>.Shared.Rent(slotCount);
        SlotAnswer[]? groupAnswers = null;
        try
        {
            Array.Fill(best, SlotAnswer.None, 0, slotCount);
            var request = claim.RequestBytes;
            var selector = claim.Selector;
            for (var accessSet = 0; accessSet < FreeVolumes.AccessSets; accessSet++)
            {
                if (free.Counts[accessSet] == 0 || !((AccessModes)accessSet).ContainsAll(claim.AccessModes)) continue;
                var flat = free.FlatFor(accessSet);
                var starts = flat.Starts;
                var counts = flat.Counts;
                var capacities = flat.Capacities;
                var labels = flat.Labels;
                var volumes = flat.Volumes;
                var slots = Math.Min(counts.Length, slotCount);
                for (var slot = 0; slot < slots; slot++)
                {
                    var inSlot = counts[slot];
                    if (inSlot == 0) continue;
                    int lo = starts[slot], end = lo + inSlot;
                    if (capacities[end - 1] < request) continue; // none large enough
                    if (inSlot <= 16)
                    {
                        while (capacities[lo] < request) lo++; // a node's few PVs: a scan beats a search
                    }
                    else
                    {
                        var hi = end;
                        while (lo < hi)
                        {
                            var mid = (lo + hi) >>> 1;
                            if (capacities[mid] < request) lo = mid + 1;
                            else hi = mid;
                        }
                    }
                    for (; lo < end; lo++)
                    {
                        var capacity = capacities[lo];
                        if (capacity > best[slot].Capacity) break; // what is left cannot beat this slot's answer from another access set
                        var label = labels[lo];
                        if (capacity == best[slot].Capacity && best[slot].Volume is not null && label >= best[slot].Label) break;
                        var volume = volumes[lo]!;
                        if (excluded is not null && excluded.Contains(volume.Name)) continue;
                        if (selector is not null && !SelectorMatching.Matches(selector, volume.Labels)) continue;
                        best[slot] = new SlotAnswer(capacity, label, volume);
                        break;
                    }
                }
            }

            // 2. Each group of shared slots: the smallest over its slots (and the PVs without affinity), by capacity,
            //    by name on a tie. Then each node: its group's answer against its own slots.
            var covers = CoversOf(nodes);
            if (covers is null)
            {
                // A list not laid out (yet): each node's own cached cover.
                for (var i = 0; i < count; i++)
                {
                    var answer = SlotAnswer.None;
                    foreach (var slot in CoverOf(nodes[i])) answer = SlotAnswer.Smaller(answer, best[slot]);
                    results[i] = answer.Volume;
                }
                return;
            }
            var groupStarts = covers.GroupStarts;
            var groupSlots = covers.GroupSlots;
            var groupCount = groupStarts.Length - 1;
            groupAnswers = ArrayPool<SlotAnswer>.Shared.Rent(groupCount);
            for (var group = 0; group < groupCount; group++)
            {
                var answer = best[NoAffinitySlot];
                for (var k = groupStarts[group]; k < groupStarts[group + 1]; k++) answer = SlotAnswer.Smaller(answer, best[groupSlots[k]]);
                groupAnswers[group] = answer;
            }
            // Spans cut to the node count: the loop below reads them without bounds checks.
            var entries = covers.Entries.AsSpan(0, count + 1);
            var ownSlots = covers.Slots;
            var coverNodes = covers.Nodes.AsSpan(0, count);
            var stale = 0;
            var nodeArray = nodes as NodeInfo[]; // ClusterState.Nodes: indexed without an interface call
            for (var i = 0; i < coverNodes.Length; i++)
            {
                var node = nodeArray is not null ? nodeArray[i] : nodes[i];
                SlotAnswer answer;
                ReadOnlySpan<int> cover;
                if (ReferenceEquals(node, coverNodes[i]))
                {
                    var entry = entries[i];
                    answer = groupAnswers[entry.Group];
                    cover = ownSlots.AsSpan(entry.OwnStart, entries[i + 1].OwnStart - entry.OwnStart);
                }
                else
                {
                    answer = SlotAnswer.None; // the list changed in place at this position: the node's whole cover
                    cover = CoverOf(node);
                    stale++;
                }
                foreach (var slot in cover) answer = SlotAnswer.Smaller(answer, best[slot]);
                results[i] = answer.Volume;
            }
            if (stale > 0) _listCovers = BuildListCovers(nodes); // the list changed in place: the next query is fast again
        }
        finally
        {
            Array.Clear(best, 0, slotCount); // the pool must not keep PVs alive
            ArrayPool<SlotAnswer>.Shared.Return(best);
            if (groupAnswers is not null)
            {
                Array.Clear(groupAnswers);
                ArrayPool<SlotAnswer>.Shared.Return(groupAnswers);
            }
        }
    }

    /// <summary>
    /// The covers of a node list, position by position, from the cache when it holds this list's nodes. A list is laid
    /// out only when asked about twice running (ClusterState.Nodes, cycle after cycle): for a one-off list (an
    /// extender's candidates) that costs more than it saves, and null sends the query to each node's own cover.
    /// </summary>
    private NodeListCovers? CoversOf(IReadOnlyList<NodeInfo> nodes)
    {
        var cached = _listCovers;
        if (cached is not null && cached.TermVersion == _termVersion && cached.Nodes.Length == nodes.Count
            && (nodes.Count == 0 || (ReferenceEquals(cached.Nodes[0], nodes[0]) && ReferenceEquals(cached.Nodes[^1], nodes[^1]))))
        {
            return cached; // positions are checked again one by one as they are read
        }
        if (!ReferenceEquals(Interlocked.Exchange(ref _lastListNotLaidOut, nodes), nodes)) return null;
        var built = BuildListCovers(nodes);
        _listCovers = built;
        return built;
    }

    /// <summary>
    /// The covers of a node list, split in two: the slots no other node of the list reaches (typically the node's
    /// hostname term) stay with the node; the others (zone, rack, instance-type terms…) form the node's "group", a
    /// set shared by many nodes, whose answer a query computes once.
    /// </summary>
    private NodeListCovers BuildListCovers(IReadOnlyList<NodeInfo> nodes)
    {
        var version = _termVersion;
        var copy = new NodeInfo[nodes.Count];
        var covers = new int[nodes.Count][];
        var reach = new Dictionary<int, int>();
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = nodes[i];
            covers[i] = CoverOf(copy[i]);
            foreach (var slot in covers[i].AsSpan(1)) reach[slot] = reach.GetValueOrDefault(slot) + 1;
        }

        var entries = new CoverEntry[copy.Length + 1];
        var own = new List<int>(copy.Length * 2);
        var groups = new Dictionary<int[], int>(SlotSetComparer.Instance);
        var groupStarts = new List<int> { 0 };
        var groupSlots = new List<int>();
        var shared = new List<int>();
        for (var i = 0; i < copy.Length; i++)
        {
            var ownStart = own.Count;
            shared.Clear();
            foreach (var slot in covers[i].AsSpan(1)) // NoAffinitySlot, always first, is where every query starts
            {
                if (reach[slot] == 1) own.Add(slot);
                else shared.Add(slot);
            }
            var key = shared.ToArray();
            if (!groups.TryGetValue(key, out var group))
            {
                group = groups.Count;
                groups[key] = group;
                groupSlots.AddRange(key);
                groupStarts.Add(groupSlots.Count);
            }
            entries[i] = new CoverEntry(group, ownStart);
        }
        entries[copy.Length] = new CoverEntry(-1, own.Count);
        return new NodeListCovers(version, copy, entries, [.. own], [.. groupStarts], [.. groupSlots]);
    }

    private int[] CoverOf(NodeInfo node)
    {
        if (_covers.TryGetValue(node, out var cached) && cached.TermVersion == _termVersion) return cached.Slots;
        var version = _termVersion;
        var slots = new List<int> { NoAffinitySlot };
        foreach (var (key, value) in node.Labels)
        {
            if (!_termsByLabel.TryGetValue((key, value), out var entries)) continue;
            foreach (var entry in entries)
            {
                if (entry.Exact || SelectorMatching.Matches(entry.Term, node.Labels, nodeName: "")) slots.Add(entry.Slot);
            }
        }
        foreach (var entry in _unindexedTerms)
        {
            if (SelectorMatching.Matches(entry.Term, node.Labels, nodeName: "")) slots.Add(entry.Slot);
        }
        var cover = new NodeCover(version, [.. slots.Distinct()]);
        _covers.AddOrUpdate(node, cover);
        return cover.Slots;
    }

    /// <summary>Gaps between neighbouring name labels when they are numbered afresh.</summary>
    private const long LabelSpacing = 1L << 32;

    /// <summary>Gives a PV just added to its class list a label between its neighbours'; renumbers the class when there is no room.</summary>
    private void Label(string storageClass, SortedList<string, VolumeInfo> classList, string name)
    {
        var at = classList.IndexOfKey(name);
        long? before = at > 0 ? _nameLabels[classList.Keys[at - 1]] : null;
        long? after = at < classList.Count - 1 ? _nameLabels[classList.Keys[at + 1]] : null;
        long label;
        if (before is { } b && after is { } a)
        {
            if (a - b < 2)
            {
                Relabel(storageClass, classList);
                return;
            }
            label = b + ((a - b) >> 1);
        }
        else if (before is { } only)
        {
            if (only > long.MaxValue - LabelSpacing)
            {
                Relabel(storageClass, classList);
                return;
            }
            label = only + LabelSpacing;
        }
        else if (after is { } first)
        {
            if (first < long.MinValue + LabelSpacing)
            {
                Relabel(storageClass, classList);
                return;
            }
            label = first - LabelSpacing;
        }
        else
        {
            label = 0;
        }
        _nameLabels[name] = label;
    }

    /// <summary>Numbers a class's labels afresh, evenly spaced in name order, and brings its free PVs' buckets level.</summary>
    private void Relabel(string storageClass, SortedList<string, VolumeInfo> classList)
    {
        var names = classList.Keys;
        var first = -(names.Count / 2) * LabelSpacing;
        for (var i = 0; i < names.Count; i++) _nameLabels[names[i]] = first + i * LabelSpacing;
        foreach (var (key, free) in _free)
        {
            if (key.StorageClass != storageClass) continue;
            for (var accessSet = 0; accessSet < FreeVolumes.AccessSets; accessSet++)
            {
                foreach (var bucket in free.Buckets[accessSet]) bucket?.Relabel(_nameLabels);
                free.Flat[accessSet] = null; // rebuilt from the buckets by the next query
            }
        }
    }

    private void AddFree(VolumeInfo volume)
    {
        var key = FreeKey.Of(volume);
        if (!_free.TryGetValue(key, out var free))
        {
            free = new FreeVolumes();
            _free[key] = free;
        }
        var accessSet = (int)volume.AccessModes;
        var label = _nameLabels[volume.Name];
        free.Counts[accessSet]++;
        foreach (var slot in SlotsOf(volume, register: true))
        {
            ref var buckets = ref free.Buckets[accessSet];
            if (slot >= buckets.Length) Array.Resize(ref buckets, Math.Max(slot + 1, Math.Max(8, buckets.Length * 2)));
            (buckets[slot] ??= new Bucket()).Insert(volume, label);
            free.Flat[accessSet]?.InsertOrDrop(free, accessSet, slot, volume, label);
        }
    }

    private void RemoveFree(VolumeInfo volume)
    {
        var free = _free[FreeKey.Of(volume)];
        var accessSet = (int)volume.AccessModes;
        free.Counts[accessSet]--;
        var buckets = free.Buckets[accessSet];
        foreach (var slot in SlotsOf(volume, register: false))
        {
            var bucket = buckets[slot]!;
            bucket.Remove(volume);
            free.Flat[accessSet]?.Remove(slot, volume);
            if (bucket.Count == 0) buckets[slot] = null;
            if (slot != NoAffinitySlot) Release(slot, volume);
        }
    }

    /// <summary>The slots of the distinct, non-empty terms of a PV's affinity; NoAffinitySlot when it has none.</summary>
    private List<int> SlotsOf(VolumeInfo volume, bool register)
    {
        if (volume.NodeAffinity is null) return [NoAffinitySlot];
        var slots = new List<int>(volume.NodeAffinity.Terms.Length);
        foreach (var term in volume.NodeAffinity.Terms.Distinct())
        {
            if (term.MatchExpressions.IsEmpty && term.MatchFields.IsEmpty) continue; // an empty term matches no node
            slots.Add(register ? Register(term).Slot : _terms[term].Slot);
        }
        return slots;
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
        // Reuse a released slot: its buckets are empty and every cover that held it is invalidated below.
        var slot = _releasedSlots.Count > 0 ? _releasedSlots.Pop() : _slotCount++;
        entry = new TermEntry(slot, term, firstIn, exact) { References = 1 };
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

    private void Release(int slot, VolumeInfo volume)
    {
        var term = volume.NodeAffinity!.Terms.First(t => _terms.TryGetValue(t, out var e) && e.Slot == slot);
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
        _releasedSlots.Push(slot);
        _termVersion++;
    }

    /// <summary>
    /// The free PVs of one (class, volumeMode): per access-mode set, how many, their buckets by slot, and the same
    /// buckets laid out flat for the all-nodes query (built when a query first needs them).
    /// </summary>
    private sealed class FreeVolumes
    {
        public const int AccessSets = 16;
        public readonly int[] Counts = new int[AccessSets];
        public readonly Bucket?[][] Buckets = [.. Enumerable.Range(0, AccessSets).Select(_ => Array.Empty<Bucket?>())];
        public readonly FlatBuckets?[] Flat = new FlatBuckets?[AccessSets];

        /// <summary>The flat layout of an access set, built from its buckets when missing. Readers may race to build it: each builds a whole one.</summary>
        public FlatBuckets FlatFor(int accessSet)
        {
            if (Volatile.Read(ref Flat[accessSet]) is { } flat) return flat;
            flat = FlatBuckets.Build(Buckets[accessSet]);
            Volatile.Write(ref Flat[accessSet], flat);
            return flat;
        }
    }

    /// <summary>
    /// An access set's buckets in one array: slot s's PVs, by (capacity, name), are at <c>Starts[s]</c> ..
    /// <c>Starts[s] + Counts[s]</c>, with room up to <c>Starts[s + 1]</c>; capacities apart from the PVs, so that the
    /// all-nodes query's binary searches read contiguous memory. A write patches it in place (a removal always, an
    /// insertion when the slot has room) or drops it, and the next query rebuilds it.
    /// </summary>
    private sealed class FlatBuckets
    {
        public required int[] Starts { get; init; }
        public required int[] Counts { get; init; }
        public required long[] Capacities { get; init; }
        /// <summary>The PVs' name labels, beside the capacities: ties are settled without reading a PV.</summary>
        public required long[] Labels { get; init; }
        public required VolumeInfo?[] Volumes { get; init; }

        public static FlatBuckets Build(Bucket?[] buckets)
        {
            var starts = new int[buckets.Length + 1];
            var counts = new int[buckets.Length];
            var total = 0;
            for (var slot = 0; slot < buckets.Length; slot++)
            {
                starts[slot] = total;
                var count = buckets[slot]?.Count ?? 0;
                counts[slot] = count;
                total += count + 1 + count / 4; // room for the PVs that come before the next rebuild
            }
            starts[buckets.Length] = total;
            var capacities = new long[total];
            var labels = new long[total];
            var volumes = new VolumeInfo?[total];
            for (var slot = 0; slot < buckets.Length; slot++)
            {
                buckets[slot]?.CopyTo(capacities.AsSpan(starts[slot]), labels.AsSpan(starts[slot]), volumes.AsSpan(starts[slot]));
            }
            return new FlatBuckets { Starts = starts, Counts = counts, Capacities = capacities, Labels = labels, Volumes = volumes };
        }

        public void InsertOrDrop(FreeVolumes owner, int accessSet, int slot, VolumeInfo volume, long label)
        {
            if (slot >= Counts.Length || Starts[slot] + Counts[slot] == Starts[slot + 1])
            {
                owner.Flat[accessSet] = null;
                return;
            }
            var at = IndexOf(slot, volume);
            if (at >= 0) return;
            at = ~at;
            var end = Starts[slot] + Counts[slot];
            Array.Copy(Capacities, at, Capacities, at + 1, end - at);
            Array.Copy(Labels, at, Labels, at + 1, end - at);
            Array.Copy(Volumes, at, Volumes, at + 1, end - at);
            Capacities[at] = volume.CapacityBytes;
            Labels[at] = label;
            Volumes[at] = volume;
            Counts[slot]++;
        }

        public void Remove(int slot, VolumeInfo volume)
        {
            if (slot >= Counts.Length) return;
            var at = IndexOf(slot, volume);
            if (at < 0) return;
            var end = Starts[slot] + --Counts[slot];
            Array.Copy(Capacities, at + 1, Capacities, at, end - at);
            Array.Copy(Labels, at + 1, Labels, at, end - at);
            Array.Copy(Volumes, at + 1, Volumes, at, end - at);
            Volumes[end] = null;
        }

        private int IndexOf(int slot, VolumeInfo volume)
        {
            int lo = Starts[slot], hi = Starts[slot] + Counts[slot] - 1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                var c = VolumeMatching.CompareBySize(Volumes[mid]!, volume);
                if (c == 0) return mid;
                if (c < 0) lo = mid + 1;
                else hi = mid - 1;
            }
            return ~lo;
        }
    }

    /// <summary>PVs ordered by (capacity, name), with the capacities in their own array for the binary search.</summary>
    private sealed class Bucket
    {
        private long[] _capacities = new long[4];
        private long[] _labels = new long[4];
        private VolumeInfo[] _volumes = new VolumeInfo[4];

        public int Count { get; private set; }

        public void CopyTo(Span<long> capacities, Span<long> labels, Span<VolumeInfo?> volumes)
        {
            _capacities.AsSpan(0, Count).CopyTo(capacities);
            _labels.AsSpan(0, Count).CopyTo(labels);
            new ReadOnlySpan<VolumeInfo?>(_volumes, 0, Count).CopyTo(volumes);
        }

        public void Insert(VolumeInfo volume, long label)
        {
            var at = IndexOf(volume);
            if (at >= 0) return;
            at = ~at;
            if (Count == _volumes.Length)
            {
                Array.Resize(ref _capacities, Count * 2);
                Array.Resize(ref _labels, Count * 2);
                Array.Resize(ref _volumes, Count * 2);
            }
            Array.Copy(_capacities, at, _capacities, at + 1, Count - at);
            Array.Copy(_labels, at, _labels, at + 1, Count - at);
            Array.Copy(_volumes, at, _volumes, at + 1, Count - at);
            _capacities[at] = volume.CapacityBytes;
            _labels[at] = label;
            _volumes[at] = volume;
            Count++;
        }

        public void Relabel(Dictionary<string, long> labels)
        {
            for (var i = 0; i < Count; i++) _labels[i] = labels[_volumes[i].Name];
        }

        public void Remove(VolumeInfo volume)
        {
            var at = IndexOf(volume);
            if (at < 0) return;
            Count--;
            Array.Copy(_capacities, at + 1, _capacities, at, Count - at);
            Array.Copy(_labels, at + 1, _labels, at, Count - at);
            Array.Copy(_volumes, at + 1, _volumes, at, Count - at);
            _volumes[Count] = null!;
        }

        private int IndexOf(VolumeInfo volume)
        {
            int lo = 0, hi = Count - 1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                var c = VolumeMatching.CompareBySize(_volumes[mid], volume);
                if (c == 0) return mid;
                if (c < 0) lo = mid + 1;
                else hi = mid - 1;
            }
            return ~lo;
        }

        /// <summary>The first PV that fits the claim and beats <paramref name="best"/>, or null.</summary>
        public VolumeInfo? FirstFit(ClaimInfo claim, IReadOnlySet<string>? excluded, VolumeInfo? best)
        {
            var capacities = _capacities;
            var request = claim.RequestBytes;
            int lo = 0, hi = Count;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (capacities[mid] < request) lo = mid + 1;
                else hi = mid;
            }
            for (var i = lo; i < Count; i++)
            {
                var volume = _volumes[i];
                if (best is not null && VolumeMatching.CompareBySize(volume, best) >= 0) return null;
                if (excluded is not null && excluded.Contains(volume.Name)) continue;
                if (claim.Selector is not null && !SelectorMatching.Matches(claim.Selector, volume.Labels)) continue;
                return volume;
            }
            return null;
        }
    }

    private sealed class TermEntry(int slot, NodeSelectorTerm term, SelectorRequirement? indexedBy, bool exact)
    {
        public int Slot { get; } = slot;
        public NodeSelectorTerm Term { get; } = term;
        public SelectorRequirement? IndexedBy { get; } = indexedBy;
        /// <summary>The term is exactly its In requirement: a node found through the label matches without evaluation.</summary>
        public bool Exact { get; } = exact;
        public int References { get; set; }
    }

    private sealed record NodeCover(int TermVersion, int[] Slots);

    /// <summary>The attributes a free PV must share with a claim to be a candidate at all; unset classes are "".</summary>
    private readonly record struct FreeKey(string StorageClass, string VolumeAttributesClass, VolumeMode Mode)
    {
        public static FreeKey Of(ClaimInfo claim) => new(claim.StorageClassName, claim.VolumeAttributesClassName, claim.VolumeMode);

        public static FreeKey Of(VolumeInfo volume) => new(volume.StorageClassName, volume.VolumeAttributesClassName, volume.VolumeMode);
    }

    /// <summary>A slot's first fitting PV in one query, with its name label (<see cref="None"/>: no PV, capacity beyond any).</summary>
    private readonly record struct SlotAnswer(long Capacity, long Label, VolumeInfo? Volume)
    {
        public static readonly SlotAnswer None = new(long.MaxValue, long.MaxValue, null);

        /// <summary>
        /// The smaller by (capacity, name), as <see cref="VolumeMatching.CompareBySize"/>, the name compared through the
        /// labels (the PVs of one query are of one class); a missing PV is never smaller.
        /// </summary>
        public static SlotAnswer Smaller(SlotAnswer a, SlotAnswer b) =>
            b.Capacity < a.Capacity
            || (b.Capacity == a.Capacity && b.Volume is not null && (a.Volume is null || b.Label < a.Label))
                ? b : a;
    }

    /// <summary>Slot sets by content, for grouping the nodes that share them.</summary>
    private sealed class SlotSetComparer : IEqualityComparer<int[]>
    {
        public static readonly SlotSetComparer Instance = new();

        public bool Equals(int[]? x, int[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(int[] slots)
        {
            var hash = new HashCode();
            hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(slots.AsSpan()));
            return hash.ToHashCode();
        }
    }

    /// <summary>
    /// A node list's covers, without NoAffinitySlot, in CSR form: node i's own slots are
    /// <c>Slots[Entries[i].OwnStart..Entries[i + 1].OwnStart]</c>, its shared ones those of group <c>g = Entries[i].Group</c>:
    /// <c>GroupSlots[GroupStarts[g]..GroupStarts[g + 1]]</c>.
    /// </summary>
    private sealed record NodeListCovers(int TermVersion, NodeInfo[] Nodes, CoverEntry[] Entries, int[] Slots, int[] GroupStarts, int[] GroupSlots);

    /// <summary>A node's group and where its own slots start, side by side: the per-node pass reads one array.</summary>
    private readonly record struct CoverEntry(int Group, int OwnStart);
}
