using System.Collections.Frozen;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.State;
using VolumeAwareScheduler.LoadTests.Generation;
using VolumeAwareScheduler.LoadTests.Harness;
using VolumeAwareScheduler.LoadTests.Harness.Reports;
using VolumeAwareScheduler.LoadTests.Scenarios.Index;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Binding;

namespace VolumeAwareScheduler.LoadTests.Scenarios;

/// <summary>
/// The volume index under load. One generated cluster is loaded twice, into a state with the fast
/// <see cref="VolumeIndex"/> and into one with the <see cref="LinearVolumeIndex"/> baseline (upstream's scan).
/// <list type="number">
/// <item>Correctness (fatal): both give the same answers on a sample of claims × nodes, pods × nodes, and whole
/// scheduling cycles; again after churn.</item>
/// <item>The all-nodes question of one scheduling cycle ("for a pod with one WFFC claim, every feasible node and its
/// best PV"), four ways: the index's all-nodes query (<see cref="IVolumeIndex.FindMatchingVolumes"/>, what a cycle
/// asks), the index asked node by node (<see cref="IVolumeIndex.FindMatchingVolume"/>, for transparency),
/// FindPodVolumes for every node (with the cycle's precomputed matches), and SchedulingFramework.Schedule (the default profile); for both
/// indexes, and against the floor of a pass that only copies the node names.</item>
/// <item>Index update costs: add, bind (upsert with claimRef), delete; and a query right after the set of
/// affinity terms changed (every node's cached cover is rebuilt).</item>
/// <item>Growth: the fast query at P/10, P (and with --growth, P×10) PVs on the same nodes.</item>
/// </list>
/// Only correctness decides the exit code; the timing targets are reported, never asserted.
/// </summary>
public sealed class IndexScenario : Scenario
{
    private const long Gi = 1L << 30;
    private const int QueryPods = 16;
    /// <summary>Targets from the design: fast ≥ 1,000× linear, and ≤ 10× the name-copy floor (5,000 nodes × 50,000 PVs).</summary>
    private const double SpeedupTarget = 1_000;
    private const double FloorTarget = 10;

    private readonly Option<bool> _growth = new("--growth") { Description = "Also measure the fast query at P×10 PVs (builds a cluster ten times larger)." };
    private readonly Option<int?> _verifyClaims = new("--verify-claims") { Description = "Claims sampled for the correctness check (default: all in --quick, 300 otherwise)." };
    private readonly Option<int?> _verifyNodes = new("--verify-nodes") { Description = "Nodes each sampled claim is checked on (default: all in --quick, 25 otherwise)." };
    private readonly Option<int?> _verifySweeps = new("--verify-sweeps") { Description = "Claims also checked on every node (default 2: one with a prebound PV, one probe; 0 for none)." };
    private readonly Option<long?> _linearIterations = new("--linear-iterations") { Description = "Measured all-nodes queries with the linear baseline (default 3; it is slow)." };
    private readonly Option<int?> _updates = new("--updates") { Description = "PVs added, bound and deleted to measure update costs (default 5,000; 500 in --quick)." };

    public override string Name => "index";

    public override string Description =>
        "VolumeIndex against LinearVolumeIndex on a generated cluster: identical answers (fatal), all-nodes query cost, update cost, growth.";

    public override IEnumerable<Option> Options => [_growth, _verifyClaims, _verifyNodes, _verifySweeps, _linearIterations, _updates];

    public override async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var quick = options.Quick;
        var report = context.Report;
        var shape = options.Shape();

        report.Parameters["mode"] = quick ? "quick (correctness only)" : "full";
        report.Parameters["nodes"] = shape.Nodes.ToString("N0", CultureInfo.InvariantCulture);
        report.Parameters["pvs"] = shape.Volumes.ToString("N0", CultureInfo.InvariantCulture);
        report.Parameters["seed"] = shape.Seed.ToString(CultureInfo.InvariantCulture);

        // 1. The cluster, twice.
        context.Step($"generating {shape.Nodes:N0} nodes × {shape.Volumes:N0} PVs (seed {shape.Seed})");
        var clock = Stopwatch.StartNew();
        var cluster = ClusterGenerator.Generate(shape);
        var generated = clock.Elapsed;
        context.Step("loading the fast index");
        clock.Restart();
        var fast = cluster.CreateState(new VolumeIndex());
        var fastBuild = clock.Elapsed;
        context.Step("loading the linear baseline");
        clock.Restart();
        var linear = cluster.CreateState(new LinearVolumeIndex());
        var linearBuild = clock.Elapsed;
        var queryPods = AddQueryPods(fast, linear);
        report.Tables.Add(ClusterTable(cluster, generated, fastBuild, linearBuild));

        // 2. Correctness first: nothing else means anything if the answers differ.
        var random = new Random(shape.Seed);
        var comparer = new AnswerComparer(fast, linear);
        var claimSample = ClaimSample(cluster, context.GetValue(_verifyClaims) ?? (quick ? int.MaxValue : 300), random);
        var nodesPerClaim = context.GetValue(_verifyNodes) ?? (quick ? int.MaxValue : 25);
        Verify(context, comparer, cluster, claimSample, nodesPerClaim, quick, random, label: "", sweeps: context.GetValue(_verifySweeps) ?? 2);

        // 3. The all-nodes query.
        var nodes = fast.Nodes;
        var fastIterations = options.Count ?? (quick ? 50 : 400);
        var fastWarmUp = options.WarmUp ?? Math.Max(5, fastIterations / 10);
        var linearIterations = context.GetValue(_linearIterations) ?? 3;
        var model = options.ModelOr(new ClosedModel(1));
        var limit = options.LimitOr(LoadLimit.Operations(fastIterations));
        LoadPhase FastPhase(string name, long divisor) =>
            new(name, "all-nodes query", model, limit.Count is { } c ? LoadLimit.Operations(Math.Max(5, c / divisor)) : limit,
                LoadLimit.Operations(Math.Max(2, fastWarmUp / divisor)));

        context.Step($"all-nodes query over {nodes.Count:N0} nodes");
        var names = new string[nodes.Count];
        var floor = await context.RunPhaseAsync(
            LoadPhase.Sequential("floor: copy node names", "all-nodes query", quick ? 2_000 : 20_000, quick ? 200 : 2_000),
            (_, _) =>
            {
                for (var i = 0; i < nodes.Count; i++) names[i] = nodes[i].Name;
                return OperationResult.OkTask;
            }, cancellationToken);

        var fastScheduler = (State: fast, Framework: new SchedulingFramework(Profiles.Default()));
        var linearScheduler = (State: linear, Framework: new SchedulingFramework(Profiles.Default()));
        var fastIndex = await context.RunPhaseAsync(FastPhase("fast: index only", 1), IndexQuery(fast, queryPods), cancellationToken);
        var fastPerNode = await context.RunPhaseAsync(FastPhase("fast: index only, node by node", 2), PerNodeQuery(fast, queryPods), cancellationToken);
        var fastBinder = await context.RunPhaseAsync(FastPhase("fast: FindPodVolumes", 2), BinderQuery(fastScheduler, queryPods, nodes), cancellationToken);
        var fastSchedule = await context.RunPhaseAsync(FastPhase("fast: Schedule", 4), ScheduleQuery(fastScheduler, queryPods), cancellationToken);
        // Not the index's cost, but the same cycle: a claim of the CSI class goes to provisioning, and capacity
        // checks (Filter) and capacity scoring read CSIStorageCapacity objects, one per node as TopoLVM publishes them.
        var dynamicPod = AddDynamicPod(fast);
        var fastDynamic = await context.RunPhaseAsync(LoadPhase.Sequential("fast: Schedule, CSI dynamic claim", "all-nodes query", quick ? 10 : 3, 1),
            ScheduleQuery(fastScheduler, [dynamicPod]), cancellationToken);
        // The linear index's all-nodes query is its per-node scan for each node: one phase says both.
        var linearIndex = await context.RunPhaseAsync(LoadPhase.Sequential("linear: index only", "all-nodes query", linearIterations, 0),
            IndexQuery(linear, queryPods), cancellationToken);
        var linearBinder = await context.RunPhaseAsync(LoadPhase.Sequential("linear: FindPodVolumes", "all-nodes query", Math.Max(1, linearIterations - 1), 0),
            BinderQuery(linearScheduler, queryPods, nodes), cancellationToken);
        var linearSchedule = await context.RunPhaseAsync(LoadPhase.Sequential("linear: Schedule", "all-nodes query", Math.Max(1, linearIterations - 1), 0),
            ScheduleQuery(linearScheduler, queryPods), cancellationToken);

        // 4. Updates, applied identically to both indexes so that they can be compared again afterwards.
        var updates = context.GetValue(_updates) ?? (quick ? 500 : 5_000);
        context.Step($"index updates ({updates:N0} PVs added, bound, deleted)");
        var updateRows = new List<List<string>>();
        var newVolumes = NewVolumes(nodes, updates + updates / 10, random);
        foreach (var (operation, change) in new (string, Func<VolumeInfo, IVolumeIndex, bool>)[]
        {
            ("add PV", (v, index) => { index.Upsert(v); return true; }),
            ("bind PV (upsert with claimRef)", (v, index) => { index.Upsert(Bound(v)); return true; }),
            ("delete PV", (v, index) => index.Remove(v.Name)),
        })
        {
            var fastUpdate = await context.RunPhaseAsync(UpdatePhase($"fast: {operation}", updates), Update(fast.Volumes, newVolumes, change), cancellationToken);
            var linearUpdate = await context.RunPhaseAsync(UpdatePhase($"linear: {operation}", updates), Update(linear.Volumes, newVolumes, change), cancellationToken);
            updateRows.Add([operation, Format.Duration(fastUpdate.Latency.P50Ns), Format.Duration(fastUpdate.Latency.P99Ns),
                Format.Duration(linearUpdate.Latency.P50Ns), Format.Duration(linearUpdate.Latency.P99Ns)]);
        }
        var coldQueries = quick ? 10 : 40;
        var fastCold = await context.RunPhaseAsync(LoadPhase.Sequential("fast: index only, covers rebuilt", "all-nodes query", coldQueries, 2),
            ColdQuery(fast, queryPods, nodes), cancellationToken);
        updateRows.Add(["all-nodes query right after the term set changed", Format.Duration(fastCold.Latency.P50Ns), Format.Duration(fastCold.Latency.P99Ns), "n/a", "n/a"]);
        report.Tables.Add(new ReportTable("Index updates (per operation)", ["operation", "fast p50", "fast p99", "linear p50", "linear p99"], updateRows,
            "A new or released node-affinity term (the first free PV of a node appears, or its last one is bound) invalidates every node's cached cover; the next query rebuilds them all."));

        // Churn, then the same answers again.
        context.Step("churn (binds, releases, deletes, re-adds on both indexes)");
        Churn(fast.Volumes, linear.Volumes, cluster, quick ? 500 : 2_000, random);
        Verify(context, new AnswerComparer(fast, linear), cluster, ClaimSample(cluster, quick ? int.MaxValue : 100, random),
            quick ? int.MaxValue : 10, quick, random, label: " after churn", sweeps: 0);

        // 5. Growth: same nodes, same claims, P/10 and P×10 PVs.
        var growthRows = new List<List<string>>();
        var growthSizes = new List<int> { Math.Max(1, shape.Volumes / 10), shape.Volumes };
        if (context.GetValue(_growth)) growthSizes.Add(shape.Volumes * 10);
        PhaseResult? previous = null;
        PhaseResult? previousLinear = null;
        var previousSize = 0;
        foreach (var size in growthSizes)
        {
            PhaseResult grownFast;
            PhaseResult? grownLinear = null;
            if (size == shape.Volumes)
            {
                grownFast = fastIndex;
                grownLinear = linearIndex;
            }
            else
            {
                context.Step($"growth: {size:N0} PVs on the same {shape.Nodes:N0} nodes");
                var grownCluster = ClusterGenerator.Generate(shape.WithVolumes(size));
                var grown = grownCluster.CreateState(new VolumeIndex());
                var pods = AddQueryPods(grown);
                grownFast = await context.RunPhaseAsync(FastPhase($"growth: fast, {size:N0} PVs", 1) with { Group = "growth" }, IndexQuery(grown, pods), cancellationToken);
                if (size < shape.Volumes)
                {
                    var grownBaseline = grownCluster.CreateState(new LinearVolumeIndex());
                    var baselinePods = AddQueryPods(grownBaseline);
                    grownLinear = await context.RunPhaseAsync(LoadPhase.Sequential($"growth: linear, {size:N0} PVs", "growth", Math.Max(3, linearIterations), 1),
                        IndexQuery(grownBaseline, baselinePods), cancellationToken);
                }
            }
            growthRows.Add([
                size.ToString("N0", CultureInfo.InvariantCulture),
                previousSize == 0 ? "" : Format.Ratio((double)size / previousSize),
                Format.Duration(grownFast.Latency.P50Ns),
                previous is null ? "" : Format.Ratio((double)grownFast.Latency.P50Ns / previous.Latency.P50Ns),
                grownLinear is null ? "not measured" : Format.Duration(grownLinear.Latency.P50Ns),
                grownLinear is null || previousLinear is null ? "" : Format.Ratio((double)grownLinear.Latency.P50Ns / previousLinear.Latency.P50Ns),
            ]);
            previous = grownFast;
            previousLinear = grownLinear;
            previousSize = size;
        }
        report.Tables.Add(new ReportTable($"Growth: all-nodes query (index only) on {shape.Nodes:N0} nodes", ["PVs", "PV factor", "fast p50", "fast growth", "linear p50", "linear growth"],
            growthRows, "Sub-linear growth: the fast query's cost follows the PVs a node can reach (a binary search per bucket), not the PVs of the class."));

        // Summary tables.
        var perNode = (double)nodes.Count;
        report.Tables.Insert(1, new ReportTable($"All-nodes query: one pod, one WFFC claim, {nodes.Count:N0} nodes × {shape.Volumes:N0} PVs",
            ["measurement", "p50", "p99", "p50 per node", "alloc/op", "iterations", "CPU cores"],
            [.. new[] { floor, fastIndex, fastPerNode, fastBinder, fastSchedule, fastCold, fastDynamic, linearIndex, linearBinder, linearSchedule }.Select(p => new List<string>
            {
                p.Name, Format.Duration(p.Latency.P50Ns), Format.Duration(p.Latency.P99Ns), Format.Duration(p.Latency.P50Ns / perNode),
                Format.Bytes(p.AllocatedBytesPerOperation), p.Completed.ToString(CultureInfo.InvariantCulture), p.CpuCores.ToString("0.00", CultureInfo.InvariantCulture),
            })],
            "Index only: IVolumeIndex.FindMatchingVolumes, the all-nodes query a scheduling cycle asks (the linear index answers it node by node), one thread. "
            + "Node by node: IVolumeIndex.FindMatchingVolume for each node. "
            + "FindPodVolumes: VolumeBinder.PrepareMatches (the all-nodes query per claim), then VolumeBinder.FindPodVolumes for every node, one thread. "
            + $"Schedule: SchedulingFramework.Schedule (default profile: all filters, percentageOfNodesToScore, scoring; parallel over {Environment.ProcessorCount} cores above 256 nodes). "
            + "CPU cores: processor time used per second of wall time; below 1.0 in a sequential phase means other processes took the core."));

        var speedup = Ratio(linearIndex, fastIndex);
        var overFloor = Ratio(fastIndex, floor);
        report.Tables.Insert(2, new ReportTable("Ratios (by median)", ["ratio", "value", "target", "verdict"],
        [
            ["linear / fast, index only", Format.Ratio(speedup), quick ? "not judged in --quick" : $"≥ {SpeedupTarget:N0}×", Verdict(quick, speedup >= SpeedupTarget)],
            ["linear / fast, index node by node", Format.Ratio(Ratio(linearIndex, fastPerNode)), "", ""],
            ["linear / fast, FindPodVolumes", Format.Ratio(Ratio(linearBinder, fastBinder)), "", ""],
            ["linear / fast, Schedule", Format.Ratio(Ratio(linearSchedule, fastSchedule)), "", ""],
            ["fast / floor, index only", Format.Ratio(overFloor), quick ? "not judged in --quick" : $"≤ {FloorTarget:N0}×", Verdict(quick, overFloor <= FloorTarget)],
            ["fast / floor, index node by node", Format.Ratio(Ratio(fastPerNode, floor)), "", ""],
            ["fast node by node / fast all-nodes query", Format.Ratio(Ratio(fastPerNode, fastIndex)), "", ""],
            ["fast / floor, FindPodVolumes", Format.Ratio(Ratio(fastBinder, floor)), "", ""],
            ["fast / floor, Schedule", Format.Ratio(Ratio(fastSchedule, floor)), "", ""],
            ["fast cold covers / fast warm", Format.Ratio(Ratio(fastCold, fastIndex)), "", ""],
            ["fast Schedule, CSI dynamic claim / static claim", Format.Ratio(Ratio(fastDynamic, fastSchedule)), "", ""],
        ], "Targets are reported, never asserted: timings do not fail a run."));
        if (quick) report.Notes.Add("--quick: a small cluster; timings are shown for the harness's sake and are not representative.");
    }

    private static double Ratio(PhaseResult a, PhaseResult b) => b.Latency.P50Ns == 0 ? double.NaN : (double)a.Latency.P50Ns / b.Latency.P50Ns;

    private static string Verdict(bool quick, bool met) => quick ? "" : met ? "met" : "MISSED";

    private static LoadPhase UpdatePhase(string name, int updates) => LoadPhase.Sequential(name, "index update", updates, updates / 10) with { MinWarmUp = TimeSpan.Zero };

    /// <summary>
    /// The correctness check. Sampled claims (and probe claims covering every class, mode, access set and a selector)
    /// on sampled nodes; two claims swept over every node; the all-nodes query for sampled claims; pods × nodes through
    /// FindPodVolumes; whole cycles (which use the all-nodes query through VolumeBinder.PrepareMatches).
    /// </summary>
    private static void Verify(ScenarioContext context, AnswerComparer comparer, GeneratedCluster cluster, List<ClaimInfo> claims, int nodesPerClaim,
        bool quick, Random random, string label, int sweeps)
    {
        var nodes = cluster.Nodes;
        var pairs = new List<(ClaimInfo, NodeInfo)>();
        foreach (var claim in claims)
        {
            if (nodesPerClaim >= nodes.Count) pairs.AddRange(nodes.Select(n => (claim, n)));
            else for (var i = 0; i < nodesPerClaim; i++) pairs.Add((claim, nodes[random.Next(nodes.Count)]));
        }
        if (sweeps > 0 && nodesPerClaim < nodes.Count)
        {
            // Every node for claims with a prebound PV and for plain probes, alternately.
            var prebound = cluster.Volumes.Where(v => v.ClaimRef is not null && v.Phase == VolumePhase.Available).Select(v => v.ClaimRef!.Key).ToHashSet();
            var withPrebound = claims.Where(c => prebound.Contains(c.Key)).Take((sweeps + 1) / 2);
            var sweep = withPrebound.Concat(claims.Where(c => c.Key.Namespace == "probe" && c.StorageClassName == ClusterGenerator.SsdClass).Take(sweeps / 2));
            foreach (var claim in sweep) pairs.AddRange(nodes.Select(n => (claim, n)));
        }
        context.Step($"verifying{label}: {pairs.Count:N0} claim × node pairs");
        var volumes = comparer.CompareVolumes(pairs);
        // Evenly over the sample (generated claims, prebound ones, probes): every claim in --quick, about 80 otherwise.
        var allNodeClaims = quick ? claims : [.. claims.Where((_, i) => i % Math.Max(1, claims.Count / 80) == 0)];
        context.Step($"verifying{label}: {allNodeClaims.Count:N0} claims × all {nodes.Count:N0} nodes (all-nodes query)");
        var allNodes = comparer.CompareAllNodes(allNodeClaims, nodes, quick ? int.MaxValue : Math.Min(nodesPerClaim, 5), random.Next());

        var pods = quick ? cluster.PendingPods.ToList() : [.. cluster.PendingPods.OrderBy(_ => random.Next()).Take(30)];
        var podPairs = new List<(PodInfo, NodeInfo)>();
        foreach (var pod in pods)
        {
            if (quick) podPairs.AddRange(nodes.Select(n => (pod, n)));
            else for (var i = 0; i < 20; i++) podPairs.Add((pod, nodes[random.Next(nodes.Count)]));
        }
        context.Step($"verifying{label}: {podPairs.Count:N0} pod × node pairs");
        var podVolumes = comparer.CompareFindPodVolumes(podPairs);
        var cycles = quick ? pods : pods.Take(label.Length == 0 ? 2 : 1).ToList();
        context.Step($"verifying{label}: {cycles.Count} whole scheduling cycles");
        var schedules = comparer.CompareSchedules(cycles);

        foreach (var outcome in new[] { volumes, allNodes, podVolumes, schedules })
        {
            var detail = outcome.Passed
                ? $"{outcome.Compared:N0} answers identical"
                : $"{outcome.Mismatches:N0} of {outcome.Compared:N0} answers differ; e.g. " + string.Join(" / ", outcome.Examples);
            context.Report.Checks.Add(new ReportCheck($"identical answers{label}: {outcome.Level}", outcome.Passed, detail));
        }
        var failed = new[] { volumes, allNodes, podVolumes, schedules }.Where(o => !o.Passed).ToList();
        if (failed.Count > 0) throw new ScenarioAbortedException($"VolumeIndex and LinearVolumeIndex disagree ({string.Join(", ", failed.Select(f => f.Level))}); measurements skipped.");
    }

    /// <summary>Claims of the generated pods, plus probes: every class × mode × access set × a few sizes, and a selector.</summary>
    private static List<ClaimInfo> ClaimSample(GeneratedCluster cluster, int count, Random random)
    {
        var sample = count >= cluster.Claims.Count ? cluster.Claims.ToList() : [.. cluster.Claims.OrderBy(_ => random.Next()).Take(count)];
        // Claims with a prebound PV exercise upstream's "prebound wins" rule: keep them all in the sample.
        var prebound = cluster.Volumes.Where(v => v.ClaimRef is not null && v.Phase == VolumePhase.Available).Select(v => v.ClaimRef!.Key).ToHashSet();
        sample.AddRange(cluster.Claims.Where(c => prebound.Contains(c.Key) && !sample.Contains(c)).Take(Math.Max(20, count / 10)));
        var probe = 0;
        foreach (var storageClass in new[] { ClusterGenerator.SsdClass, ClusterGenerator.HddClass, ClusterGenerator.LvmClass, "no-such-class" })
        foreach (var mode in new[] { VolumeMode.Filesystem, VolumeMode.Block })
        foreach (var access in new[] { AccessModes.ReadWriteOnce, AccessModes.ReadWriteOncePod, AccessModes.ReadOnlyMany, AccessModes.None })
        foreach (var request in new[] { 1 * Gi, 100 * Gi, 900 * Gi })
        {
            sample.Add(new ClaimInfo
            {
                Key = new ObjectKey("probe", $"probe-{probe++}"),
                StorageClassName = storageClass,
                RequestBytes = request,
                AccessModes = access,
                VolumeMode = mode,
                Selector = probe % 7 == 0 ? new LabelSelector(new Dictionary<string, string> { ["tier"] = "gold" }.ToFrozenDictionary(), []) : null,
            });
        }
        return sample;
    }

    /// <summary>The pods every all-nodes query uses: one claim each, local-ssd, RWO, Filesystem, sizes in rotation.</summary>
    private static PodInfo[] AddQueryPods(params ClusterState[] states)
    {
        long[] sizes = [50 * Gi, 100 * Gi, 200 * Gi, 20 * Gi];
        var pods = new PodInfo[QueryPods];
        for (var i = 0; i < QueryPods; i++)
        {
            var claim = new ClaimInfo
            {
                Key = new ObjectKey("loadtest", $"data-query-{i}"),
                Uid = $"query-claim-{i}",
                StorageClassName = ClusterGenerator.SsdClass,
                RequestBytes = sizes[i % sizes.Length],
                AccessModes = AccessModes.ReadWriteOnce,
                VolumeMode = VolumeMode.Filesystem,
            };
            pods[i] = new PodInfo
            {
                Key = new ObjectKey("loadtest", $"query-{i}"),
                Uid = $"query-pod-{i}",
                Requests = new Resources(1_000, 4 * Gi, 0, 1),
                Claims = [new PodClaimReference("data", claim.Key.Name, IsEphemeral: false, ReadOnly: false)],
            };
            foreach (var state in states)
            {
                state.UpsertClaim(claim);
                state.UpsertPod(pods[i]);
            }
        }
        return pods;
    }

    /// <summary>A pod whose one claim is of the dynamic CSI class (no static PV matches: it goes to provisioning).</summary>
    private static PodInfo AddDynamicPod(ClusterState state)
    {
        var claim = new ClaimInfo
        {
            Key = new ObjectKey("loadtest", "data-dynamic-0"),
            Uid = "dynamic-claim-0",
            StorageClassName = ClusterGenerator.LvmClass,
            RequestBytes = 50 * Gi,
            AccessModes = AccessModes.ReadWriteOnce,
            VolumeMode = VolumeMode.Filesystem,
        };
        var pod = new PodInfo
        {
            Key = new ObjectKey("loadtest", "dynamic-0"),
            Uid = "dynamic-pod-0",
            Requests = new Resources(1_000, 4 * Gi, 0, 1),
            Claims = [new PodClaimReference("data", claim.Key.Name, IsEphemeral: false, ReadOnly: false)],
        };
        state.UpsertClaim(claim);
        state.UpsertPod(pod);
        return pod;
    }

    private static ClaimInfo ClaimOf(ClusterState state, PodInfo pod) => state.GetClaim(new ObjectKey(pod.Key.Namespace, pod.Claims[0].ClaimName))!;

    /// <summary>The all-nodes query (FindMatchingVolumes): the index's share of a scheduling cycle.</summary>
    private static Operation IndexQuery(ClusterState state, PodInfo[] pods)
    {
        var nodes = state.Nodes;
        var claims = pods.Select(p => ClaimOf(state, p)).ToArray();
        var results = new VolumeInfo?[nodes.Count];
        return (sequence, _) =>
        {
            var claim = claims[sequence % claims.Length];
            state.Volumes.FindMatchingVolumes(claim, nodes, excluded: null, results);
            var feasible = 0;
            foreach (var volume in results)
            {
                if (volume is not null) feasible++;
            }
            return feasible > 0 ? OperationResult.OkTask : ValueTask.FromResult(OperationResult.Fail("no feasible node"));
        };
    }

    /// <summary>FindMatchingVolume on every node in turn: the all-nodes question asked node by node.</summary>
    private static Operation PerNodeQuery(ClusterState state, PodInfo[] pods)
    {
        var nodes = state.Nodes;
        var claims = pods.Select(p => ClaimOf(state, p)).ToArray();
        var results = new VolumeInfo?[nodes.Count];
        return (sequence, _) =>
        {
            var claim = claims[sequence % claims.Length];
            var index = state.Volumes;
            var feasible = 0;
            for (var i = 0; i < nodes.Count; i++)
            {
                var volume = index.FindMatchingVolume(claim, nodes[i], excluded: null);
                results[i] = volume;
                if (volume is not null) feasible++;
            }
            return feasible > 0 ? OperationResult.OkTask : ValueTask.FromResult(OperationResult.Fail("no feasible node"));
        };
    }

    private static Operation BinderQuery((ClusterState State, SchedulingFramework Framework) scheduler, PodInfo[] pods, IReadOnlyList<NodeInfo> nodes)
    {
        var results = new object?[nodes.Count];
        var binder = new VolumeBinder(scheduler.State);
        return (sequence, _) =>
        {
            var (status, claims) = binder.GetPodVolumeClaims(pods[sequence % pods.Length]);
            if (!status.IsSuccess) return ValueTask.FromResult(OperationResult.Fail("prefilter: " + status.Message));
            var matches = binder.PrepareMatches(claims, nodes); // as VolumeBinding's PreFilter does
            var feasible = 0;
            for (var i = 0; i < nodes.Count; i++)
            {
                var found = binder.FindPodVolumes(claims, nodes[i], matches, i);
                results[i] = found;
                if (found.IsFeasible) feasible++;
            }
            return feasible > 0 ? OperationResult.OkTask : ValueTask.FromResult(OperationResult.Fail("no feasible node"));
        };
    }

    private static Operation ScheduleQuery((ClusterState State, SchedulingFramework Framework) scheduler, PodInfo[] pods) => (sequence, _) =>
    {
        var result = scheduler.Framework.Schedule(scheduler.State, pods[sequence % pods.Length]);
        return result.Selected is not null ? OperationResult.OkTask : ValueTask.FromResult(OperationResult.Fail("unschedulable"));
    };

    /// <summary>Adds a PV with an affinity term no other PV has (so the term set changes), queries every node, removes it.</summary>
    private static Operation ColdQuery(ClusterState state, PodInfo[] pods, IReadOnlyList<NodeInfo> nodes)
    {
        var query = IndexQuery(state, pods);
        return async (sequence, cancellationToken) =>
        {
            var node = nodes[(int)(sequence % nodes.Count)];
            var volume = new VolumeInfo
            {
                Name = $"loadtest-cold-{sequence}",
                StorageClassName = ClusterGenerator.HddClass,
                CapacityBytes = 10 * Gi,
                AccessModes = AccessModes.ReadWriteOnce,
                NodeAffinity = new NodeSelector([new NodeSelectorTerm(
                    [new SelectorRequirement(ClusterGenerator.HostnameLabel, SelectorOperator.In, [node.Name, $"decommissioned-{sequence}"])], [])]),
            };
            state.Volumes.Upsert(volume);
            var result = await query(sequence, cancellationToken).ConfigureAwait(false);
            state.Volumes.Remove(volume.Name);
            return result;
        };
    }

    private static List<VolumeInfo> NewVolumes(IReadOnlyList<NodeInfo> nodes, int count, Random random)
    {
        var volumes = new List<VolumeInfo>(count);
        long[] sizes = [10 * Gi, 100 * Gi, 500 * Gi, 1024 * Gi];
        for (var i = 0; i < count; i++)
        {
            var node = nodes[random.Next(nodes.Count)];
            volumes.Add(new VolumeInfo
            {
                Name = $"loadtest-pv-{i:D6}",
                StorageClassName = random.Next(3) == 0 ? ClusterGenerator.HddClass : ClusterGenerator.SsdClass,
                CapacityBytes = sizes[random.Next(sizes.Length)],
                AccessModes = AccessModes.ReadWriteOnce,
                NodeAffinity = new NodeSelector([new NodeSelectorTerm([new SelectorRequirement(ClusterGenerator.HostnameLabel, SelectorOperator.In, [node.Name])], [])]),
            });
        }
        return volumes;
    }

    private static VolumeInfo Bound(VolumeInfo volume) => volume with
    {
        ClaimRef = new ClaimReference("loadtest", "claim-" + volume.Name, "uid-" + volume.Name),
        Phase = VolumePhase.Bound,
    };

    /// <summary>One change per operation, each PV once, in order; warm-up and measured operations share the sequence.</summary>
    private static Operation Update(IVolumeIndex index, List<VolumeInfo> volumes, Func<VolumeInfo, IVolumeIndex, bool> change)
    {
        var next = 0;
        return (_, _) => change(volumes[next++], index) ? OperationResult.OkTask : ValueTask.FromResult(OperationResult.Fail("not found"));
    }

    /// <summary>Random binds, releases, deletions and re-additions, the same on both indexes.</summary>
    private static void Churn(IVolumeIndex fast, IVolumeIndex linear, GeneratedCluster cluster, int operations, Random random)
    {
        var volumes = cluster.Volumes;
        for (var i = 0; i < operations; i++)
        {
            var original = volumes[random.Next(volumes.Count)];
            var current = fast.Get(original.Name);
            VolumeInfo? next = random.Next(4) switch
            {
                0 => null,                                                    // deleted
                1 => original,                                                // back as generated
                2 => (current ?? original) with { ClaimRef = new ClaimReference("churn", $"c-{i}", ""), Phase = VolumePhase.Bound },
                _ => (current ?? original) with { ClaimRef = null, Phase = VolumePhase.Available, IsDeleting = false }, // released and recycled
            };
            foreach (var index in new[] { fast, linear })
            {
                if (next is null) index.Remove(original.Name);
                else index.Upsert(next);
            }
        }
    }

    private static ReportTable ClusterTable(GeneratedCluster cluster, TimeSpan generated, TimeSpan fastBuild, TimeSpan linearBuild)
    {
        var byState = cluster.VolumesByState();
        var byClass = cluster.Volumes.GroupBy(v => v.StorageClassName).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count():N0}");
        var pinned = cluster.Volumes.Count(v => v.NodeAffinity?.Terms[0].MatchExpressions[0].Key == ClusterGenerator.HostnameLabel);
        return new ReportTable("Generated cluster",
            ["item", "value"],
            [
                ["nodes", cluster.Nodes.Count.ToString("N0", CultureInfo.InvariantCulture)],
                ["PVs", cluster.Volumes.Count.ToString("N0", CultureInfo.InvariantCulture)],
                ["PVs by class", string.Join(", ", byClass)],
                ["PVs by state", string.Join(", ", byState.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value:N0}"))],
                ["PVs pinned by hostname", pinned.ToString("N0", CultureInfo.InvariantCulture)],
                ["pending pods / claims", $"{cluster.PendingPods.Count:N0} / {cluster.Claims.Count:N0}"],
                ["generate", Format.Duration(generated.TotalMilliseconds * 1e6)],
                ["load fast index", Format.Duration(fastBuild.TotalMilliseconds * 1e6)],
                ["load linear index", Format.Duration(linearBuild.TotalMilliseconds * 1e6)],
            ]);
    }
}
