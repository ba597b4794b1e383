using BenchmarkDotNet.Attributes;
using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.LoadTests.Generation;

namespace VolumeAwareScheduler.Benchmarks;

/// <summary>
/// Index updates on a loaded index (the linear baseline against the fast index), each benchmark a pair that leaves
/// the index as it found it: add + remove a new PV; bind + release an existing free PV (upsert with, then without,
/// a claimRef). Both indexes keep the PVs of a class in a SortedList, whose O(n) insert and remove show here.
/// </summary>
[Config(typeof(SmallRunConfig))]
[MemoryDiagnoser]
public class IndexUpdateBenchmarks
{
    private VolumeIndex _fast = null!;
    private LinearVolumeIndex _linear = null!;
    private VolumeInfo _new = null!;
    private VolumeInfo _free = null!;
    private VolumeInfo _bound = null!;

    [Params(10_000)]
    public int Volumes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var cluster = ClusterGenerator.Generate(new ClusterShape { Nodes = 1_000, Volumes = Volumes, Seed = 42 });
        _fast = new VolumeIndex();
        _linear = new LinearVolumeIndex();
        foreach (var volume in cluster.Volumes)
        {
            _fast.Upsert(volume);
            _linear.Upsert(volume);
        }
        var node = cluster.Nodes[cluster.Nodes.Count / 2];
        _new = new VolumeInfo
        {
            Name = "bench-new-pv",
            StorageClassName = ClusterGenerator.SsdClass,
            CapacityBytes = 100L << 30,
            AccessModes = AccessModes.ReadWriteOnce,
            NodeAffinity = new NodeSelector([new NodeSelectorTerm([new SelectorRequirement(ClusterGenerator.HostnameLabel, SelectorOperator.In, [node.Name])], [])]),
        };
        _free = cluster.Volumes.First(v => v.IsFree && v.StorageClassName == ClusterGenerator.SsdClass);
        _bound = _free with { ClaimRef = new ClaimReference("bench", "data-0", "uid-0"), Phase = VolumePhase.Bound };
    }

    [Benchmark(Baseline = true), BenchmarkCategory("AddRemove")]
    public bool LinearAddThenRemove() => AddThenRemove(_linear);

    [Benchmark, BenchmarkCategory("AddRemove")]
    public bool FastAddThenRemove() => AddThenRemove(_fast);

    [Benchmark(Baseline = true), BenchmarkCategory("BindRelease")]
    public int LinearBindThenRelease() => BindThenRelease(_linear);

    [Benchmark, BenchmarkCategory("BindRelease")]
    public int FastBindThenRelease() => BindThenRelease(_fast);

    private bool AddThenRemove(IVolumeIndex index)
    {
        index.Upsert(_new);
        return index.Remove(_new.Name);
    }

    private int BindThenRelease(IVolumeIndex index)
    {
        index.Upsert(_bound);
        index.Upsert(_free);
        return index.Count;
    }
}
