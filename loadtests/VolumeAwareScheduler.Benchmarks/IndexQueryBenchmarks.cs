using BenchmarkDotNet.Attributes;
using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.LoadTests.Generation;

namespace VolumeAwareScheduler.Benchmarks;

/// <summary>
/// FindMatchingVolume, fast index against the linear baseline (upstream's scan), for one node and for every node
/// of the cluster (the index's share of one scheduling cycle): node by node, and through the all-nodes query
/// FindMatchingVolumes (what a cycle asks; the linear index answers it node by node). Same generated cluster for both.
/// </summary>
[Config(typeof(SmallRunConfig))]
[MemoryDiagnoser]
public class IndexQueryBenchmarks
{
    private NodeInfo[] _nodes = [];
    private NodeInfo _node = null!;
    private ClaimInfo _claim = null!;
    private VolumeIndex _fast = null!;
    private LinearVolumeIndex _linear = null!;
    private VolumeInfo?[] _results = [];

    [Params(1_000)]
    public int Nodes { get; set; }

    [Params(10_000)]
    public int Volumes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var cluster = ClusterGenerator.Generate(new ClusterShape { Nodes = Nodes, Volumes = Volumes, Seed = 42 });
        _nodes = [.. cluster.Nodes];
        _fast = new VolumeIndex();
        _linear = new LinearVolumeIndex();
        foreach (var volume in cluster.Volumes)
        {
            _fast.Upsert(volume);
            _linear.Upsert(volume);
        }
        _claim = new ClaimInfo
        {
            Key = new ObjectKey("bench", "data-0"),
            StorageClassName = ClusterGenerator.SsdClass,
            RequestBytes = 100L << 30,
            AccessModes = AccessModes.ReadWriteOnce,
            VolumeMode = VolumeMode.Filesystem,
        };
        // A node that has a fitting PV, so both indexes do the whole job.
        _node = _nodes.First(n => _linear.FindMatchingVolume(_claim, n, null) is not null);
        _results = new VolumeInfo?[_nodes.Length];
        foreach (var node in _nodes) _fast.FindMatchingVolume(_claim, node, null); // fill the cover cache
    }

    [Benchmark(Baseline = true), BenchmarkCategory("OneNode")]
    public VolumeInfo? LinearOneNode() => _linear.FindMatchingVolume(_claim, _node, null);

    [Benchmark, BenchmarkCategory("OneNode")]
    public VolumeInfo? FastOneNode() => _fast.FindMatchingVolume(_claim, _node, null);

    [Benchmark(Baseline = true), BenchmarkCategory("AllNodes")]
    public VolumeInfo?[] LinearAllNodes() => AllNodes(_linear);

    [Benchmark, BenchmarkCategory("AllNodes")]
    public VolumeInfo?[] FastAllNodes() => AllNodes(_fast);

    [Benchmark, BenchmarkCategory("AllNodes")]
    public VolumeInfo?[] FastAllNodesQuery()
    {
        _fast.FindMatchingVolumes(_claim, _nodes, excluded: null, _results);
        return _results;
    }

    /// <summary>The physical floor of an all-nodes pass: copy each node's name.</summary>
    [Benchmark, BenchmarkCategory("AllNodes")]
    public string[] NameCopyFloor()
    {
        var names = new string[_nodes.Length];
        for (var i = 0; i < _nodes.Length; i++) names[i] = _nodes[i].Name;
        return names;
    }

    private VolumeInfo?[] AllNodes(IVolumeIndex index)
    {
        for (var i = 0; i < _nodes.Length; i++) _results[i] = index.FindMatchingVolume(_claim, _nodes[i], null);
        return _results;
    }
}
