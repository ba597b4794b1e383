using BenchmarkDotNet.Attributes;
using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.State;
using VolumeAwareScheduler.LoadTests.Generation;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Benchmarks;

/// <summary>
/// The question of one scheduling cycle at the design size (5,000 nodes × 50,000 PVs): for a pod with one WFFC claim,
/// every node's best PV. <see cref="AllNodesQuery"/> is what a cycle asks (IVolumeIndex.FindMatchingVolumes: each
/// term's first fit once, then each node's cached cover); <see cref="NodeByNode"/> asks the same of the per-node query;
/// <see cref="NameCopyFloor"/> is the floor (the target is ≤ 20× it). <see cref="Schedule"/> is the whole cycle, with
/// its allocations. The linear baseline (~18 s a query here) is in <see cref="IndexQueryBenchmarks"/> at a smaller size.
/// Run: <c>--filter '*AllNodesQuery*'</c>.
/// </summary>
[Config(typeof(SmallRunConfig))]
[MemoryDiagnoser]
public class AllNodesQueryBenchmarks
{
    private IReadOnlyList<NodeInfo> _nodes = [];
    private ClaimInfo _claim = null!;
    private PodInfo _pod = null!;
    private VolumeIndex _index = null!;
    private SchedulingFramework _scheduler = null!;
    private ClusterState _state = null!;
    private VolumeInfo?[] _results = [];

    [Params(5_000)]
    public int Nodes { get; set; }

    [Params(50_000)]
    public int Volumes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var cluster = ClusterGenerator.Generate(new ClusterShape { Nodes = Nodes, Volumes = Volumes, Seed = 42 });
        _index = new VolumeIndex();
        var state = cluster.CreateState(_index);
        _nodes = state.Nodes;
        _results = new VolumeInfo?[_nodes.Count];
        _claim = new ClaimInfo
        {
            Key = new ObjectKey("bench", "data-0"),
            Uid = "bench-claim-0",
            StorageClassName = ClusterGenerator.SsdClass,
            RequestBytes = 100L << 30,
            AccessModes = AccessModes.ReadWriteOnce,
            VolumeMode = VolumeMode.Filesystem,
        };
        _pod = new PodInfo
        {
            Key = new ObjectKey("bench", "pod-0"),
            Uid = "bench-pod-0",
            Requests = new Resources(1_000, 4L << 30, 0, 1),
            Claims = [new PodClaimReference("data", _claim.Key.Name, IsEphemeral: false, ReadOnly: false)],
        };
        state.UpsertClaim(_claim);
        state.UpsertPod(_pod);
        _scheduler = new SchedulingFramework(Profiles.Default());
        _state = state;

        // Same answers both ways, or the numbers mean nothing.
        var perNode = (VolumeInfo?[])NodeByNode().Clone();
        if (!AllNodesQuery().AsSpan().SequenceEqual(perNode)) throw new InvalidOperationException("the all-nodes query answers differently from the per-node query");
        if (_scheduler.Schedule(_state, _pod).Selected is null) throw new InvalidOperationException("the benchmark pod fits nowhere");
    }

    [Benchmark(Baseline = true)]
    public VolumeInfo?[] AllNodesQuery()
    {
        _index.FindMatchingVolumes(_claim, _nodes, excluded: null, _results);
        return _results;
    }

    [Benchmark]
    public VolumeInfo?[] NodeByNode()
    {
        for (var i = 0; i < _nodes.Count; i++) _results[i] = _index.FindMatchingVolume(_claim, _nodes[i], excluded: null);
        return _results;
    }

    /// <summary>The physical floor of an all-nodes pass: copy each node's name.</summary>
    [Benchmark]
    public string[] NameCopyFloor()
    {
        var names = new string[_nodes.Count];
        for (var i = 0; i < _nodes.Count; i++) names[i] = _nodes[i].Name;
        return names;
    }

    /// <summary>The whole cycle: PreFilter, the all-nodes query, Filter on every node (parallel), Score, selection.</summary>
    [Benchmark]
    public NodeOutcome? Schedule() => _scheduler.Schedule(_state, _pod).Selected;
}
