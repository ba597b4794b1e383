using System.Collections.Concurrent;
using System.Text;
using VolumeAwareScheduler.Core.Index;

namespace VolumeAwareScheduler.Core.Tests.Index;

/// <summary>
/// The two IVolumeIndex implementations must give the same answer to every question. For each seed a generated cluster
/// (~300 nodes, ~3,000 PVs with every affinity shape) is loaded into a <see cref="VolumeIndex"/> and a
/// <see cref="LinearVolumeIndex"/>; then every claim is asked on every node, with no exclusions, with random exclusion
/// sets, and again after random incremental updates (bind, unbind, phase change, deletion, re-add, resize, relabel,
/// affinity, class and VolumeAttributesClass changes) applied to both indexes without rebuilding them, and after a round
/// that only changes the node affinity of free PVs (MutablePVNodeAffinity, Kubernetes v1.35). Claims and PVs carry
/// VolumeAttributesClasses (mostly unset), which pv_helpers.go FindMatchingVolume requires equal since v1.34. In every
/// phase the all-nodes query
/// (<see cref="IVolumeIndex.FindMatchingVolumes"/>) must also answer, node by node, as the per-node query does: over
/// every node, a shuffled copy, a few nodes (the per-node fallback), and one array changed in place between queries.
/// </summary>
public class VolumeIndexPropertyTests
{
    private const int UpdateRounds = 2;

    /// <summary>
    /// 30 seeds of 100 nodes × 1,000 PVs × 12 claims, plus one cluster at full scale (300 nodes × 3,000 PVs). Every
    /// claim is asked on every node in every phase; the sizes keep the whole property under ~20 s on two cores
    /// (the linear scan is the cost, by design: ~0.2 ms a query at 750 PVs per class).
    /// </summary>
    public static TheoryData<int, int, int, int> Clusters
    {
        get
        {
            var data = new TheoryData<int, int, int, int>();
            for (var seed = 1; seed <= 30; seed++) data.Add(seed, 100, 1000, 12);
            data.Add(1001, 300, 3000, 8);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Clusters))]
    public void VolumeIndex_answers_like_LinearVolumeIndex(int seed, int nodes, int volumes, int claims)
    {
        var cluster = ClusterGenerator.Generate(seed, nodes, volumes, claims);
        var updatesPerRound = volumes / 5;
        var fast = new VolumeIndex();
        var linear = new LinearVolumeIndex();
        foreach (var volume in cluster.Volumes)
        {
            fast.Upsert(volume);
            linear.Upsert(volume);
        }
        var rng = new Random(seed * 7919);
        var mismatches = new ConcurrentQueue<string>();
        var matched = 0;

        matched += Compare("initial", cluster, fast, linear, rng, withExclusions: false, mismatches);
        matched += Compare("random exclusions", cluster, fast, linear, rng, withExclusions: true, mismatches);

        var removed = new List<VolumeInfo>();
        var created = 0;
        for (var round = 1; round <= UpdateRounds && mismatches.IsEmpty; round++)
        {
            for (var i = 0; i < updatesPerRound; i++)
            {
                var roll = rng.Next(10);
                if (roll == 0 && fast.Count > 0)
                {
                    var victim = cluster.Volumes[rng.Next(cluster.Volumes.Count)].Name;
                    var existing = linear.Get(victim);
                    Assert.Equal(existing is not null, fast.Remove(victim));
                    Assert.Equal(existing is not null, linear.Remove(victim));
                    if (existing is not null) removed.Add(existing);
                }
                else if (roll == 1 && removed.Count > 0)
                {
                    var back = removed[rng.Next(removed.Count)];
                    removed.Remove(back);
                    fast.Upsert(back);
                    linear.Upsert(back);
                }
                else if (roll == 2)
                {
                    var fresh = ClusterGenerator.NewVolume(rng, cluster, $"pv-new-{created++:D4}");
                    fast.Upsert(fresh);
                    linear.Upsert(fresh);
                }
                else
                {
                    var current = linear.Get(cluster.Volumes[rng.Next(cluster.Volumes.Count)].Name);
                    if (current is null) continue;
                    var updated = ClusterGenerator.MutateVolume(rng, cluster, current);
                    fast.Upsert(updated);
                    linear.Upsert(updated);
                }
            }
            Assert.Equal(linear.Count, fast.Count);
            matched += Compare($"after update round {round}", cluster, fast, linear, rng, withExclusions: round % 2 == 0, mismatches);
        }

        // MutablePVNodeAffinity: only free PVs, only their node affinity; every one must be found where it now reaches.
        if (mismatches.IsEmpty)
        {
            for (var i = 0; i < updatesPerRound; i++)
            {
                var current = linear.Get(cluster.Volumes[rng.Next(cluster.Volumes.Count)].Name);
                if (current is null) continue;
                var moved = ClusterGenerator.ChangeFreeVolumeAffinity(rng, cluster, current);
                fast.Upsert(moved);
                linear.Upsert(moved);
            }
            matched += Compare("after free PVs' node affinity changed", cluster, fast, linear, rng, withExclusions: false, mismatches);
        }

        if (!mismatches.IsEmpty)
        {
            var report = new StringBuilder($"seed {seed}: VolumeIndex and LinearVolumeIndex disagree ({mismatches.Count} cases, first ones):\n");
            foreach (var line in mismatches.Take(10)) report.AppendLine(line);
            Assert.Fail(report.ToString());
        }
        Assert.True(matched > 0, $"seed {seed}: no query found any volume; the generator is not exercising the index");
    }

    /// <summary>
    /// The generated clusters exercise VolumeAttributesClass matching: claims with a class find PVs of that class, and
    /// never a PV of another class or of none.
    /// </summary>
    [Fact]
    public void Generated_claims_with_a_VolumeAttributesClass_get_only_PVs_of_that_class()
    {
        var found = 0;
        for (var seed = 1; seed <= 5; seed++)
        {
            var cluster = ClusterGenerator.Generate(seed, 100, 1000, 12);
            var linear = new LinearVolumeIndex();
            foreach (var volume in cluster.Volumes) linear.Upsert(volume);
            foreach (var claim in cluster.Claims.Where(c => c.VolumeAttributesClassName.Length > 0))
            {
                foreach (var node in cluster.Nodes)
                {
                    if (linear.FindMatchingVolume(claim, node, null) is not { } volume) continue;
                    Assert.Equal(claim.VolumeAttributesClassName, volume.VolumeAttributesClassName);
                    found++;
                }
            }
        }
        Assert.True(found > 0, "no generated claim with a VolumeAttributesClass found a PV; the generator is not exercising it");
    }

    /// <summary>
    /// Ties on capacity are settled by name through labels that leave gaps between neighbouring names. Names that close
    /// in on one another ("pv-a01", "pv-a001", "pv-a0001"…, each between "pv-a" and the one before) halve a gap at every
    /// PV, so the labels run out of room and are renumbered several times: the all-nodes query must still answer as the
    /// linear index does after every PV added, with PVs of one capacity on nodes, on a zone and on no node at all, and
    /// after PVs are removed again.
    /// </summary>
    [Fact]
    public void Ties_on_capacity_follow_the_names_when_their_labels_are_renumbered()
    {
        var nodes = Enumerable.Range(0, 8).Select(i => (NodeInfo)Make.Node($"node-{i}").InZone(i < 4 ? "zone-a" : "zone-b")).ToArray();
        var claim = Make.Claim("ns", "data").Requesting("10Gi").Build();
        var fast = new VolumeIndex { AlwaysBatch = true };
        var linear = new LinearVolumeIndex();
        var added = new List<VolumeInfo>();
        var found = 0;

        void Add(VolumeInfo volume)
        {
            fast.Upsert(volume);
            linear.Upsert(volume);
            added.Add(volume);
        }

        void Check(string phase)
        {
            var results = new VolumeInfo?[nodes.Length];
            fast.FindMatchingVolumes(claim, nodes, excluded: null, results);
            for (var i = 0; i < nodes.Length; i++)
            {
                var want = linear.FindMatchingVolume(claim, nodes[i], excluded: null)?.Name;
                Assert.True(want == results[i]?.Name, $"{phase}, {nodes[i].Name}: LinearVolumeIndex → {want ?? "(none)"}, VolumeIndex → {results[i]?.Name ?? "(none)"}");
                if (want is not null) found++;
            }
        }

        Add(Make.Volume("pv-a").WithCapacity("10Gi").OnNode("node-7"));
        Add(Make.Volume("pv-b").WithCapacity("10Gi").OnLabel(Make.ZoneLabel, "zone-b"));
        for (var k = 1; k <= 100; k++)
        {
            var name = "pv-a" + new string('0', k) + "1";
            var volume = (k % 4) switch
            {
                0 => Make.Volume(name).WithCapacity("10Gi"),
                1 => Make.Volume(name).WithCapacity("10Gi").OnLabel(Make.ZoneLabel, k % 8 == 1 ? "zone-a" : "zone-b"),
                _ => Make.Volume(name).WithCapacity("10Gi").OnNode($"node-{k % nodes.Length}"),
            };
            Add(volume);
            Check($"after {name}");
        }
        // The smallest names go first: each removal hands the tie to the next name.
        foreach (var volume in added.OrderBy(v => v.Name, StringComparer.Ordinal).Take(60).ToList())
        {
            Assert.True(fast.Remove(volume.Name));
            Assert.True(linear.Remove(volume.Name));
            Check($"after {volume.Name} removed");
        }
        Assert.True(found > 0, "no query found a volume");
    }

    /// <summary>Asks every claim on every node of both indexes; returns how many answers were a volume.</summary>
    private static int Compare(string phase, GeneratedCluster cluster, VolumeIndex fast, LinearVolumeIndex linear, Random rng,
        bool withExclusions, ConcurrentQueue<string> mismatches)
    {
        // Exclusion sets are drawn up front (Random is not thread-safe): the linear answer's neighbours by name, plus noise.
        var exclusions = new IReadOnlySet<string>?[cluster.Claims.Count];
        if (withExclusions)
        {
            for (var c = 0; c < cluster.Claims.Count; c++)
            {
                var set = new HashSet<string>(StringComparer.Ordinal);
                var sameClass = linear.ListByClass(cluster.Claims[c].StorageClassName);
                for (var k = 0; k < 1 + rng.Next(40) && sameClass.Count > 0; k++) set.Add(sameClass[rng.Next(sameClass.Count)].Name);
                exclusions[c] = set;
            }
        }

        var found = 0;
        Parallel.For(0, cluster.Nodes.Count, n =>
        {
            var node = cluster.Nodes[n];
            for (var c = 0; c < cluster.Claims.Count; c++)
            {
                var claim = cluster.Claims[c];
                var excluded = exclusions[c];
                // With exclusions, also exclude the unrestricted answer, forcing the next-best one. (Taken from the fast
                // index to save a linear scan; if the two disagree there, the initial phase has already said so.)
                if (excluded is not null && fast.FindMatchingVolume(claim, node, null) is { } first)
                    excluded = new HashSet<string>(excluded, StringComparer.Ordinal) { first.Name };
                var want = linear.FindMatchingVolume(claim, node, excluded)?.Name;
                var got = fast.FindMatchingVolume(claim, node, excluded)?.Name;
                if (want is not null) Interlocked.Increment(ref found);
                if (want != got)
                {
                    mismatches.Enqueue($"  [{phase}] seed {cluster.Seed}, claim {claim.Key} (class \"{claim.StorageClassName}\", {claim.RequestBytes} B, "
                        + $"{claim.AccessModes.ToShortString()}, {claim.VolumeMode}, VAC \"{claim.VolumeAttributesClassName}\", selector {claim.Selector}), node {node.Name}"
                        + $"{(excluded is null ? "" : $", {excluded.Count} excluded")}: LinearVolumeIndex → {want ?? "(none)"}, VolumeIndex → {got ?? "(none)"}"
                        + $"{Describe(linear, want)}{Describe(linear, got)}");
                }
            }
        });
        found += CompareBatched(phase, cluster, fast, linear, rng, exclusions, mismatches);
        return found;
    }

    /// <summary>
    /// The all-nodes query of both indexes against the fast per-node query (itself held to the linear one above), with
    /// each claim's exclusion set shared by every node as a pod's next claim would pass it. Returns the volumes found.
    /// </summary>
    private static int CompareBatched(string phase, GeneratedCluster cluster, VolumeIndex fast, LinearVolumeIndex linear, Random rng,
        IReadOnlySet<string>?[] exclusions, ConcurrentQueue<string> mismatches)
    {
        var all = cluster.Nodes;
        var shuffled = all.OrderBy(_ => rng.Next()).ToArray();
        var few = shuffled.Take(1 + rng.Next(3)).ToArray();
        var half = shuffled.Where((_, i) => i % 2 == 0).ToList();
        IReadOnlyList<NodeInfo>[] lists = [all, shuffled, few, half];
        var found = 0;

        void Check(string listName, ClaimInfo claim, IReadOnlyList<NodeInfo> nodes, IReadOnlySet<string>? excluded, IVolumeIndex index)
        {
            var results = new VolumeInfo?[nodes.Count + 1]; // larger than needed on purpose
            index.FindMatchingVolumes(claim, nodes, excluded, results);
            for (var i = 0; i < nodes.Count; i++)
            {
                var want = fast.FindMatchingVolume(claim, nodes[i], excluded)?.Name;
                var got = results[i]?.Name;
                if (want is not null && index == fast) Interlocked.Increment(ref found);
                if (want == got) continue;
                mismatches.Enqueue($"  [{phase}, all-nodes query over {listName}, {index.GetType().Name}] seed {cluster.Seed}, claim {claim.Key} "
                    + $"(class \"{claim.StorageClassName}\", {claim.RequestBytes} B, {claim.AccessModes.ToShortString()}, {claim.VolumeMode}, VAC \"{claim.VolumeAttributesClassName}\", selector {claim.Selector}), "
                    + $"node {nodes[i].Name} (position {i}){(excluded is null ? "" : $", {excluded.Count} excluded")}: per-node → {want ?? "(none)"}, all-nodes → {got ?? "(none)"}"
                    + $"{Describe(linear, want)}{Describe(linear, got)}");
            }
        }

        // The generated claims mostly have a prebound PV; their copies under another name have none.
        var claims = cluster.Claims.Concat(cluster.Claims.Select(c => c with { Key = new ObjectKey(c.Key.Namespace, c.Key.Name + "-copy") })).ToArray();
        IReadOnlySet<string>? Excluded(int c) => exclusions[c % exclusions.Length];

        // Concurrent readers with different node lists: the index's list cover cache is shared between them. The batched
        // path is forced (it would otherwise leave small clusters to the per-node path), then the small list again without.
        fast.AlwaysBatch = true;
        Parallel.For(0, claims.Length * lists.Length, k =>
        {
            var (c, l) = (k / lists.Length, k % lists.Length);
            Check(l switch { 0 => "every node", 1 => "shuffled nodes", 2 => $"{few.Length} nodes", _ => "half the nodes" },
                claims[c], lists[l], Excluded(c), fast);
        });
        fast.AlwaysBatch = false;
        for (var c = 0; c < claims.Length; c++) Check($"{few.Length} nodes, per-node path", claims[c], few, Excluded(c), fast);
        fast.AlwaysBatch = true;
        // The linear index's all-nodes query is its per-node scan; once per claim on a few nodes keeps it cheap.
        for (var c = 0; c < claims.Length; c++) Check("a few nodes", claims[c], few, Excluded(c), linear);

        // One array whose elements change between queries (a node replaced by a relabelled copy, two nodes swapped).
        var reused = all.ToArray();
        for (var c = 0; c < claims.Length; c++)
        {
            var a = rng.Next(reused.Length);
            var b = rng.Next(reused.Length);
            (reused[a], reused[b]) = (reused[b], reused[a]);
            var replaced = rng.Next(reused.Length);
            reused[replaced] = reused[replaced] with { Labels = all[rng.Next(all.Count)].Labels };
            Check("an array changed in place", claims[c], reused, Excluded(c), fast);
        }
        fast.AlwaysBatch = false;
        return found;
    }

    private static string Describe(LinearVolumeIndex index, string? name) =>
        name is null || index.Get(name) is not { } v ? "" :
        $"\n      {v.Name}: class \"{v.StorageClassName}\", {v.CapacityBytes} B, {v.AccessModes.ToShortString()}, {v.VolumeMode}, VAC \"{v.VolumeAttributesClassName}\", {v.Phase}, claimRef {v.ClaimRef}, deleting {v.IsDeleting}, affinity {v.NodeAffinity}";
}
