using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Invariants;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Extender;
using VolumeAwareScheduler.Hosting;
using VolumeAwareScheduler.LoadTests.Generation;
using VolumeAwareScheduler.LoadTests.Harness;
using VolumeAwareScheduler.LoadTests.Harness.Reports;
using VolumeAwareScheduler.LoadTests.Scenarios.Extender;
using VolumeAwareScheduler.Simulation;

namespace VolumeAwareScheduler.LoadTests.Scenarios;

/// <summary>
/// The extender over HTTP, as kube-scheduler drives it with <c>nodeCacheCapable: true</c>. The serve app
/// (<see cref="ExtenderHost"/>: the same composition, endpoints and snapshot source) runs in process on loopback Kestrel
/// over a generated cluster; a client with a pool of keep-alive connections sends filter, prioritize and bind.
/// <list type="number">
/// <item>Correctness (fatal): for sampled pods, filter's and prioritize's replies are byte for byte what the decision core
/// (<see cref="ExtenderCycle"/>, read under the store) gives for the same pod and names, shaped as Go writes it.</item>
/// <item>The protocol floor: a separate minimal app that parses the same filter payload with the extender's wire types
/// and echoes every name. filter / floor is the protocol's overhead plus the decision.</item>
/// <item>Filter and floor one at a time (decision and protocol told apart with the in-process decision alone), then
/// over 32 connections; prioritize over 32 connections.</item>
/// <item>Bind (fatal checks): every pending pod once, filter → prioritize → bind to the best-scored node, over 32
/// connections, on the snapshot's in-memory binding writer (a fresh state each run); no PV ends up with two claims, and
/// a repeated bind is answered as already done.</item>
/// </list>
/// Only correctness decides the exit code; the ratio target is reported, never asserted.
/// </summary>
public sealed class ExtenderScenario : Scenario
{
    /// <summary>Design target: filter with 5,000 node names at most twice the parse-and-echo floor (medians, 32 connections).</summary>
    private const double FloorTarget = 2;
    private const int DefaultConnections = 32;

    private readonly Option<int?> _verifyPods = new("--verify-pods") { Description = "Pods whose filter and prioritize replies are compared with the decision core (default: all in --quick, 40 otherwise)." };
    private readonly Option<int?> _bindPods = new("--bind-pods") { Description = "Pods bound in the bind phase, each once (default: every pending pod in --quick, 400 otherwise)." };

    public override string Name => "extender";

    public override string Description =>
        "serve over loopback HTTP on a generated cluster: filter/prioritize replies equal the decision core's (fatal), bind never gives a PV twice (fatal), per-verb latency and throughput, filter against the parse-and-echo floor.";

    private readonly Option<string?> _writeCluster = new("--write-cluster") { Description = "Also write the generated cluster to this file (for serve --cluster) and a filter body to FILE.filter.json, to measure the real process with hey or wrk." };

    public override IEnumerable<Option> Options => [_verifyPods, _bindPods, _writeCluster];

    public override async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var quick = options.Quick;
        var report = context.Report;
        var shape = options.Shape();
        if (options.Rate is not null) throw new ScenarioUsageException("the extender scenario runs the closed model only (kube-scheduler waits for each answer); drop --rate.");
        var connections = options.Concurrency ?? DefaultConnections;

        report.Parameters["mode"] = quick ? "quick (correctness only)" : "full";
        report.Parameters["nodes"] = shape.Nodes.ToString("N0", CultureInfo.InvariantCulture);
        report.Parameters["pvs"] = shape.Volumes.ToString("N0", CultureInfo.InvariantCulture);
        report.Parameters["seed"] = shape.Seed.ToString(CultureInfo.InvariantCulture);
        report.Parameters["connections"] = connections.ToString(CultureInfo.InvariantCulture);

        // 1. The cluster, held as serve's snapshot source holds it.
        context.Step($"generating {shape.Nodes:N0} nodes × {shape.Volumes:N0} PVs (seed {shape.Seed})");
        var clock = Stopwatch.StartNew();
        var cluster = ClusterGenerator.Generate(shape);
        var simulator = new Simulator(new VolumeIndex());
        Load(cluster, simulator);
        var snapshot = ClusterSource.FromSimulator(simulator, [], $"generated cluster (seed {shape.Seed})");
        var store = snapshot.Cache!;
        var decisions = new ExtenderCycle(new SchedulingFramework(Profiles.Extender()), new SchedulingFramework(Profiles.Default(percentageOfNodesToScore: 100)));
        // The generator writes states the PV controller would still have to settle (several PVs prebound to one claim,
        // prebound claims without a pod): those are the baseline; bind must add no violation to it.
        var baseline = store.Read(static state => InvariantChecker.Check(state).Select(v => v.Message).ToHashSet(StringComparer.Ordinal));
        context.Step($"cluster loaded in {clock.Elapsed.TotalSeconds:0.0} s; starting serve and the floor app on loopback");

        await using var extender = await StartExtenderAsync(snapshot, cancellationToken).ConfigureAwait(false);
        var (floorApp, floorAddress) = await FloorApp.StartAsync(cancellationToken).ConfigureAwait(false);
        await using var floorScope = floorApp.ConfigureAwait(false);
        using var client = new ExtenderClient(extender.Address, connections);
        using var floorClient = new ExtenderClient(floorAddress, connections);
        report.Notes.Add($"serve ran in process ({nameof(ExtenderHost)}.Build over the generated snapshot, Kestrel on loopback); its logging providers were cleared so that the console does not compete (serve logs filter at Debug and bind at Information).");

        var names = cluster.Nodes.Select(n => n.Name).ToList();
        var tail = WireBodies.NamesTail(names);
        var pods = cluster.PendingPods;
        var heads = pods.Select(WireBodies.PodHead).ToArray();
        report.Parameters["node names per request"] = names.Count.ToString("N0", CultureInfo.InvariantCulture);
        report.Parameters["filter request body"] = Format.Bytes(heads[0].Length + tail.Length);
        report.Parameters["pending pods"] = pods.Count.ToString("N0", CultureInfo.InvariantCulture);

        if (context.GetValue(_writeCluster) is { } manifest)
        {
            ClusterManifest.Write(cluster, manifest);
            File.WriteAllBytes(manifest + ".filter.json", [.. heads[0], .. tail]);
            context.Step($"wrote {manifest} and {manifest}.filter.json");
        }

        // 2. Correctness of filter and prioritize, and the floor's echo.
        var verifyCount = Math.Min(pods.Count, context.GetValue(_verifyPods) ?? (quick ? int.MaxValue : 40));
        context.Step($"comparing filter and prioritize replies with the decision core for {verifyCount:N0} pod(s) × {names.Count:N0} nodes");
        var mismatches = new List<string>();
        long feasibleAnswers = 0;
        for (var i = 0; i < verifyCount; i++)
        {
            var pod = pods[i];
            var wirePod = ConvertedPod(heads[i], tail);
            if (wirePod.Key != pod.Key || wirePod.Uid != pod.Uid || !wirePod.Claims.SequenceEqual(pod.Claims) || wirePod.Requests != pod.Requests)
            {
                mismatches.Add($"pod {pod.Key}: the request body does not convert back to the generated pod");
                continue;
            }
            var expectedFilter = ExpectedFilter(store, decisions, wirePod, names);
            using (var reply = await client.PostAsync("/scheduler/filter", new SegmentsContent(heads[i], tail), cancellationToken).ConfigureAwait(false))
            {
                if (reply.Status != 200 || !reply.Body.SequenceEqual(expectedFilter))
                    mismatches.Add($"filter {pod.Key}: HTTP {reply.Status}, {FirstDifference(reply.Body, expectedFilter)}");
                else if (!reply.Body.StartsWith("{\"Nodes\":null,\"NodeNames\":[]"u8)) feasibleAnswers++;
            }
            var expectedScores = ExpectedPrioritize(store, decisions, wirePod, names);
            using (var reply = await client.PostAsync("/scheduler/prioritize", new SegmentsContent(heads[i], tail), cancellationToken).ConfigureAwait(false))
            {
                if (reply.Status != 200 || !reply.Body.SequenceEqual(expectedScores))
                    mismatches.Add($"prioritize {pod.Key}: HTTP {reply.Status}, {FirstDifference(reply.Body, expectedScores)}");
            }
        }
        report.Checks.Add(new ReportCheck("filter and prioritize replies equal the decision core's", mismatches.Count == 0,
            mismatches.Count == 0
                ? $"{verifyCount:N0} pod(s) × {names.Count:N0} nodes, byte for byte ({feasibleAnswers:N0} with at least one feasible node)"
                : $"{mismatches.Count} mismatch(es): {string.Join("; ", mismatches.Take(5))}"));
        using (var echo = await floorClient.PostAsync("/scheduler/filter", new SegmentsContent(heads[0], tail), cancellationToken).ConfigureAwait(false))
        {
            var expectedEcho = GoJson.Serialize(new ExtenderFilterResult { NodeNames = names, FailedNodes = new(StringComparer.Ordinal), FailedAndUnresolvableNodes = new(StringComparer.Ordinal) },
                ExtenderJsonContext.Wire.ExtenderFilterResult);
            report.Checks.Add(new ReportCheck("floor echoes every node name", echo.Status == 200 && echo.Body.SequenceEqual(expectedEcho), $"HTTP {echo.Status}, {echo.Body.Length:N0} bytes"));
        }
        if (mismatches.Count > 0) throw new ScenarioAbortedException("filter or prioritize replies differ from the decision core; timings would mean nothing");

        // 3. Measurements (not in --quick).
        var perVerb = new List<(string Verb, PhaseResult Phase)>();
        if (!quick)
        {
            var seqCount = options.Count ?? 200;
            var loadCount = options.Count ?? 1_000;
            var warmUp = options.WarmUp ?? 50;
            var model = new ClosedModel(connections);
            var list = names;
            var wirePods = Enumerable.Range(0, Math.Min(pods.Count, 64)).Select(i => ConvertedPod(heads[i], tail)).ToArray();
            Operation Http(ExtenderClient target, string path) => async (sequence, token) =>
            {
                var i = (int)(sequence % wirePods.Length);
                using var reply = await target.PostAsync(path, new SegmentsContent(heads[i], tail), token).ConfigureAwait(false);
                return Classify(reply);
            };
            Operation Decision() => (sequence, _) =>
            {
                var pod = wirePods[(int)(sequence % wirePods.Length)];
                using var decision = store.Read((pod, list, extender: decisions), static (state, a) => a.extender.Filter(state, a.pod, a.list, volumes: false));
                return decision.Error is null ? OperationResult.OkTask : ValueTask.FromResult(OperationResult.Fail("decision error"));
            };
            // A pod without claims: VolumeBinding's PreFilter skips it, every name passes, the reply echoes them all. The
            // same work as the floor plus serve's own (routing, telemetry, pod conversion, the store): protocol alone.
            var plainHead = WireBodies.PodHead(new PodInfo { Key = new ObjectKey("default", "stateless-0"), Uid = "00000000-0000-4000-8000-000000000001", Requests = new Resources(500, 1L << 30, 0, 1) });
            Operation NoClaims() => async (_, token) =>
            {
                using var reply = await client.PostAsync("/scheduler/filter", new SegmentsContent(plainHead, tail), token).ConfigureAwait(false);
                return Classify(reply);
            };
            LoadPhase Phase(string name, string group, LoadModel m, long count) =>
                new(name, group, m, options.LimitOr(LoadLimit.Operations(count)), LoadLimit.Operations(warmUp));

            context.Step("one request at a time: decision alone, floor, filter");
            var decisionOnly = await context.RunPhaseAsync(Phase("decision only (in process, no HTTP)", "one at a time", new ClosedModel(1), seqCount), Decision(), cancellationToken).ConfigureAwait(false);
            var floor1 = await context.RunPhaseAsync(Phase("floor: parse + echo, 1 connection", "one at a time", new ClosedModel(1), seqCount * 5), Http(floorClient, "/scheduler/filter"), cancellationToken).ConfigureAwait(false);
            var filter1 = await context.RunPhaseAsync(Phase("filter, 1 connection", "one at a time", new ClosedModel(1), seqCount), Http(client, "/scheduler/filter"), cancellationToken).ConfigureAwait(false);
            var protocol1 = await context.RunPhaseAsync(Phase("filter, pod without claims (no decision), 1 connection", "one at a time", new ClosedModel(1), seqCount * 5), NoClaims(), cancellationToken).ConfigureAwait(false);

            context.Step($"{connections} connections: floor, filter, prioritize");
            var floorN = await context.RunPhaseAsync(Phase($"floor: parse + echo, {connections} connections", "concurrent", model, loadCount * 5), Http(floorClient, "/scheduler/filter"), cancellationToken).ConfigureAwait(false);
            var protocolN = await context.RunPhaseAsync(Phase($"filter, pod without claims (no decision), {connections} connections", "concurrent", model, loadCount * 5), NoClaims(), cancellationToken).ConfigureAwait(false);
            var filterN = await context.RunPhaseAsync(Phase($"filter, {connections} connections", "concurrent", model, loadCount), Http(client, "/scheduler/filter"), cancellationToken).ConfigureAwait(false);
            var prioritizeN = await context.RunPhaseAsync(Phase($"prioritize, {connections} connections", "concurrent", model, loadCount / 2), Http(client, "/scheduler/prioritize"), cancellationToken).ConfigureAwait(false);
            perVerb.Add(("floor (parse + echo)", floorN));
            perVerb.Add(("filter, pod without claims (no decision)", protocolN));
            perVerb.Add(("filter", filterN));
            perVerb.Add(("prioritize", prioritizeN));

            var ratioN = (double)filterN.Latency.P50Ns / Math.Max(1, floorN.Latency.P50Ns);
            var ratio1 = (double)filter1.Latency.P50Ns / Math.Max(1, floor1.Latency.P50Ns);
            report.Tables.Add(new ReportTable($"filter against the floor ({names.Count:N0} node names per request)",
                ["ratio", "value", "target", "verdict"],
                [
                    [$"filter / floor, p50, {connections} connections", Format.Ratio(ratioN), $"≤ {FloorTarget}×", ratioN <= FloorTarget ? "met" : "MISSED"],
                    [$"filter / floor, p99, {connections} connections", Format.Ratio((double)filterN.Latency.P99Ns / Math.Max(1, floorN.Latency.P99Ns)), "", ""],
                    ["filter / floor, p50, 1 connection", Format.Ratio(ratio1), "", ""],
                    [$"filter without decision (pod without claims) / floor, p50, {connections} connections", Format.Ratio((double)protocolN.Latency.P50Ns / Math.Max(1, floorN.Latency.P50Ns)), $"≤ {FloorTarget}×",
                        protocolN.Latency.P50Ns <= FloorTarget * floorN.Latency.P50Ns ? "met" : "MISSED"],
                    ["filter without decision / floor, p50, 1 connection", Format.Ratio((double)protocol1.Latency.P50Ns / Math.Max(1, floor1.Latency.P50Ns)), "", ""],
                    [$"floor / filter throughput, {connections} connections", Format.Ratio(floorN.Throughput / Math.Max(1e-9, filterN.Throughput)), "", ""],
                ],
                "Medians of the same run. The floor parses the same body with the extender's wire types and echoes every name; nothing else."));
            var protocolShare = Math.Min(1, (double)protocol1.Latency.P50Ns / Math.Max(1, filter1.Latency.P50Ns));
            report.Tables.Add(new ReportTable("Where one filter request's time goes (1 connection, medians)",
                ["part", "p50", "share of filter"],
                [
                    ["filter over HTTP", Format.Duration(filter1.Latency.P50Ns), "100%"],
                    ["protocol: serve's path for a pod without claims (HTTP, parse, convert, store, write all names)", Format.Duration(protocol1.Latency.P50Ns), protocolShare.ToString("P0", CultureInfo.InvariantCulture)],
                    ["decision: the rest", Format.Duration(Math.Max(0, filter1.Latency.P50Ns - protocol1.Latency.P50Ns)), (1 - protocolShare).ToString("P0", CultureInfo.InvariantCulture)],
                    ["decision alone, in process (ExtenderCycle.Filter under the store)", Format.Duration(decisionOnly.Latency.P50Ns), ""],
                    ["floor (parse + echo over HTTP)", Format.Duration(floor1.Latency.P50Ns), ""],
                ],
                "The decision is spread over the cores (above 256 nodes) while it is the only one running; under 32 connections each runs on one core."));
        }

        // 4. Bind: each pod once, the way kube-scheduler's cycle calls the verbs.
        var bindCount = Math.Min(pods.Count, context.GetValue(_bindPods) ?? (quick ? pods.Count : 400));
        context.Step($"bind cycle for {bindCount:N0} pod(s): filter → prioritize → bind over {connections} connections");
        var cycle = new BindCycle(client, pods, heads, tail, extender.Started);
        var bindPhase = await context.RunPhaseAsync(
            new LoadPhase("bind cycle (filter → prioritize → bind)", "bind", new ClosedModel(connections), LoadLimit.Operations(bindCount), LoadLimit.None) { MinWarmUp = TimeSpan.Zero },
            cycle.RunAsync, cancellationToken).ConfigureAwait(false);
        foreach (var (verb, recorder) in cycle.Recorders) perVerb.Add(($"{verb} (in the bind cycle)", cycle.PhaseOf(verb, recorder, bindPhase)));
        report.Parameters["bind outcomes"] = $"bound {cycle.Bound:N0}, unschedulable {cycle.Unschedulable:N0}, conflicts retried {cycle.Conflicts:N0}, given up after {BindCycle.Attempts} conflicts {cycle.GaveUp:N0}";

        var (volumeCheck, volumeDetail) = CheckVolumes(store, cycle, baseline);
        report.Checks.Add(new ReportCheck("bind never gives one PV to two claims", volumeCheck, volumeDetail));
        report.Checks.Add(new ReportCheck("bind cycle without errors", bindPhase.ErrorCount == 0 && cycle.Bound > 0,
            bindPhase.ErrorCount == 0 ? $"{cycle.Bound:N0} of {bindCount:N0} pods bound, {cycle.Unschedulable:N0} unschedulable, {cycle.Conflicts:N0} conflict(s) retried with a new filter, {cycle.GaveUp:N0} given up after {BindCycle.Attempts} conflicts"
                : string.Join(", ", bindPhase.Errors.Select(e => $"{e.Key}: {e.Value}"))));
        if (cycle.FirstBound is { } first)
        {
            using var again = await client.PostAsync("/scheduler/bind", new SegmentsContent(WireBodies.Bind(first.Pod, first.Node)), cancellationToken).ConfigureAwait(false);
            var text = Encoding.UTF8.GetString(again.Body);
            report.Checks.Add(new ReportCheck("a repeated bind is answered as done (idempotent)", again.Status == 200 && text == "{\"Error\":\"\"}", $"HTTP {again.Status} {text}"));
        }

        report.Tables.Insert(0, new ReportTable("Per verb over HTTP",
            ["verb", "p50", "p90", "p99", "max", "req/s", "errors", "alloc/req"],
            [.. perVerb.Select(v => new List<string>
            {
                v.Verb, Format.Duration(v.Phase.Latency.P50Ns), Format.Duration(v.Phase.Latency.P90Ns), Format.Duration(v.Phase.Latency.P99Ns), Format.Duration(v.Phase.Latency.MaxNs),
                v.Phase.Throughput.ToString("0.#", CultureInfo.InvariantCulture), v.Phase.ErrorCount.ToString(CultureInfo.InvariantCulture),
                v.Phase.AllocatedBytesPerOperation > 0 ? Format.Bytes(v.Phase.AllocatedBytesPerOperation) : "",
            })],
            "alloc/req counts the whole process (client and server). In the bind cycle, req/s is each verb's count over the phase's wall time."));
    }

    private static void Load(GeneratedCluster cluster, Simulator simulator)
    {
        var state = simulator.State;
        foreach (var storageClass in cluster.StorageClasses) state.UpsertStorageClass(storageClass);
        foreach (var driver in cluster.CsiDrivers) state.UpsertCsiDriver(driver);
        foreach (var capacity in cluster.Capacities) state.UpsertCapacity(capacity);
        foreach (var node in cluster.Nodes) state.UpsertNode(node);
        foreach (var pod in cluster.RunningPods) state.UpsertPod(pod);
        foreach (var claim in cluster.Claims) state.UpsertClaim(claim);
        foreach (var volume in cluster.Volumes) state.Volumes.Upsert(volume);
    }

    private sealed class ExtenderProcess(WebApplication app, Uri address, long started) : IAsyncDisposable
    {
        public Uri Address { get; } = address;

        public long Started { get; } = started;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<ExtenderProcess> StartExtenderAsync(ClusterSource snapshot, CancellationToken cancellationToken)
    {
        var app = ExtenderHost.Build(new ServeOptions { Urls = "http://127.0.0.1:0" }, snapshot, builder => builder.Logging.ClearProviders());
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return new ExtenderProcess(app, FloorApp.AddressOf(app), Stopwatch.GetTimestamp());
    }

    /// <summary>The pod as the extender converts it from the request body.</summary>
    private static PodInfo ConvertedPod(byte[] head, byte[] tail)
    {
        using var document = JsonDocument.Parse((byte[])[.. head, .. tail]);
        if (!ExtenderService.TryConvertPod(document.RootElement.GetProperty("Pod"), out var pod, out var problem))
            throw new ScenarioAbortedException($"a generated pod does not convert: {problem}");
        return pod!;
    }

    /// <summary>
    /// The filter reply the decision core implies, shaped as serve shapes it for NodeNames (contract R1/R3). Node by
    /// node (VolumeBinding's PreFilter, then FindPodVolumes per node, no all-nodes query), so that serve's batched path
    /// is checked against the plain one.
    /// </summary>
    private static byte[] ExpectedFilter(ClusterCache store, ExtenderCycle extender, PodInfo pod, List<string> names)
    {
        var verdicts = store.Read((pod, names, extender), static (state, a) =>
        {
            var (preFilter, _) = new Core.Binding.VolumeBinder(state).GetPodVolumeClaims(a.pod);
            if (preFilter.Code == Core.Scheduling.StatusCode.Skip) return null;
            return a.names.Select(name => preFilter.IsSuccess
                ? a.extender.FilterNode(state, a.pod, name)
                : new NodeVerdict(name, preFilter, null)).ToList();
        });
        var failed = verdicts?.FindIndex(v => v.Status.Code == Core.Scheduling.StatusCode.Error) ?? -1;
        if (failed >= 0) return GoJson.Serialize(ExtenderFilterResult.Failure(verdicts![failed].Status.Message), ExtenderJsonContext.Wire.ExtenderFilterResult);
        var result = new ExtenderFilterResult
        {
            NodeNames = [],
            FailedNodes = new SortedDictionary<string, string>(StringComparer.Ordinal),
            FailedAndUnresolvableNodes = new SortedDictionary<string, string>(StringComparer.Ordinal),
        };
        if (verdicts is null) result.NodeNames.AddRange(names);
        foreach (var verdict in verdicts ?? [])
        {
            if (verdict.Status.IsSuccess) result.NodeNames.Add(verdict.Name);
            else if (verdict.Status.Code == Core.Scheduling.StatusCode.UnschedulableAndUnresolvable) result.FailedAndUnresolvableNodes[verdict.Name] = verdict.Status.Message;
            else result.FailedNodes[verdict.Name] = verdict.Status.Message;
        }
        return GoJson.Serialize(result, ExtenderJsonContext.Wire.ExtenderFilterResult);
    }

    private static byte[] ExpectedPrioritize(ClusterCache store, ExtenderCycle extender, PodInfo pod, List<string> names) =>
        GoJson.Serialize(store.Read((pod, names, extender), static (state, a) => a.extender.Prioritize(state, a.pod, a.names)),
            ExtenderJsonContext.Wire.ListHostPriority);

    private static OperationResult Classify(Reply reply)
    {
        if (reply.Status != 200) return OperationResult.Fail($"HTTP {reply.Status}");
        if (reply.MediaType != "application/json") return OperationResult.Fail("not application/json");
        // Filter replies end with "Error":""}; a non-empty Error is a scheduling error in kube-scheduler.
        if (reply.Body.Length > 0 && reply.Body[0] == (byte)'{' && !reply.Body.EndsWith("\"Error\":\"\"}"u8)) return OperationResult.Fail("Error in reply");
        return OperationResult.Ok;
    }

    private static string FirstDifference(ReadOnlySpan<byte> actual, ReadOnlySpan<byte> expected)
    {
        var at = actual.CommonPrefixLength(expected);
        if (at == actual.Length && at == expected.Length) return "identical";
        var from = Math.Max(0, at - 40);
        string Around(ReadOnlySpan<byte> s) => from >= s.Length ? "" : Encoding.UTF8.GetString(s.Slice(from, Math.Min(s.Length - from, 100)));
        return $"differs at byte {at}: got …{Around(actual)}… expected …{Around(expected)}…";
    }

    /// <summary>
    /// The volume-binding invariants over the extender's state after the run (<see cref="InvariantChecker"/>: no PV bound
    /// twice, each bound claim's PV naming it back, pods inside their PVs' node affinity, no stale prebinding), beyond the
    /// violations the generated state already had (<paramref name="baseline"/>), and every
    /// pod bound during the run on the node it was bound to, with its claims bound.
    /// </summary>
    private static (bool Passed, string Detail) CheckVolumes(ClusterCache store, BindCycle cycle, HashSet<string> baseline) => store.Read((cycle, baseline), static (state, arg) =>
    {
        var (cycle, baseline) = arg;
        var problems = InvariantChecker.Check(state).Select(v => v.Message).Where(m => !baseline.Contains(m)).ToList();
        var boundClaims = state.Claims.Count(InvariantChecker.IsBound);
        var podsOk = 0;
        foreach (var (pod, node) in cycle.Placements)
        {
            if (state.GetPod(pod.Key)?.NodeName != node) problems.Add($"pod {pod.Key} was bound to {node} but the state says {state.GetPod(pod.Key)?.NodeName ?? "absent"}");
            else podsOk++;
            foreach (var reference in pod.Claims)
            {
                if (state.GetClaim(new ObjectKey(pod.Key.Namespace, reference.ClaimName)) is not { } claim || !InvariantChecker.IsBound(claim))
                    problems.Add($"pod {pod.Key} is bound but its claim {reference.ClaimName} is not");
            }
        }
        return problems.Count == 0
            ? (true, $"{boundClaims:N0} bound claim(s), no violation of the volume-binding invariants beyond the generated state's {baseline.Count:N0}; {podsOk:N0} bound pod(s) on the node they were bound to")
            : (false, $"{problems.Count} problem(s): {string.Join("; ", problems.Take(5))}");
    });
}
