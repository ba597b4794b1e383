using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Core.Invariants;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.LoadTests.Harness;
using VolumeAwareScheduler.LoadTests.Harness.Reports;
using VolumeAwareScheduler.LoadTests.Scenarios.E2e;
using VolumeAwareScheduler.Standalone;

namespace VolumeAwareScheduler.LoadTests.Scenarios;

/// <summary>
/// The standalone scheduler end to end, in-process, against the in-repo API emulator (with its simulated PV
/// controller) over real HTTP through KubernetesClient: the setup of scheduler_perf's SchedulingInTreePVs with local
/// PVs in a WaitForFirstConsumer class.
/// <list type="number">
/// <item>N nodes and P local PVs (pinned to their node by nodeAffinity) are created through the API; the scheduler
/// starts and syncs.</item>
/// <item>P StatefulSet-shaped pods (<c>web-i</c> with claim <c>data-web-i</c>, schedulerName volume-aware-scheduler)
/// are created as fast as the creators can; pods/s from the first creation to the last binding, and per pod the time
/// from creation to its claim Bound and to its own binding.</item>
/// <item>Correctness (fatal), listed back from the emulator: every pod bound, every claim bound to a PV of its class,
/// and the volume-binding invariants of <c>InvariantChecker</c> (no PV bound twice, claimRefs naming their claims back,
/// pods inside their PVs' node affinity, no stale prebinding).</item>
/// <item>Curing events, from a PV's creation to the binding of the pod that got it: one at a time (a single waiting
/// pod, out of backoff, then its PV), and as a burst (C waiting pods, then their C PVs at once).</item>
/// <item>The scheduler alone (<see cref="PreCreatedRun"/>), as scheduler_perf measures it: on a fresh emulator every
/// pod exists before scheduling starts; the plain pods, the <see cref="OracleBinder"/> making the same writes for them
/// without deciding anything (ours over the oracle's pods/s), then each inter-pod shape of <see cref="PodShape"/>
/// (required and preferred hostname anti-affinity, zone spread), each checked for its rule.</item>
/// </list>
/// Only correctness decides the exit code; the throughput targets (290 pods/s, scheduler_perf's SchedulingInTreePVs
/// bar; 400 pods/s and 0.8× the oracle for the scheduler alone) are reported, never asserted.
/// </summary>
public sealed class E2eScenario : Scenario
{
    internal const string Namespace = "loadtest";
    internal const string StorageClass = "local-wffc";
    private const string LateStorageClass = "local-late";
    internal const string HostnameLabel = "kubernetes.io/hostname";
    internal const string ZoneLabel = "topology.kubernetes.io/zone";

    /// <summary>Zones the nodes are labelled with, round robin by node index.</summary>
    internal const int Zones = 3;
    private const double TargetPodsPerSecond = 290;

    private readonly Option<int?> _curePods = new("--cure-pods") { Description = "Pods left waiting for PVs that do not exist yet, then cured by creating them (default 200; 20 in --quick; 0 for none)." };
    private readonly Option<int?> _singleCures = new("--single-cures") { Description = "Curing events measured one at a time: one waiting pod, out of backoff, then its PV (default 20; 3 in --quick; 0 for none)." };
    private readonly Option<int?> _creators = new("--creators") { Description = "Concurrent API clients creating objects (default 8)." };
    private readonly Option<int?> _bindingWorkers = new("--binding-workers") { Description = "The scheduler's binding workers (default: StandaloneOptions' default)." };
    private readonly Option<string?> _mode = new("--mode") { Description = "all (default): pods created while the scheduler runs, curing events, then the scheduler-alone runs; streaming: the first two; alone: the scheduler-alone runs only (plain, oracle, inter-pod shapes)." };
    private readonly Option<int?> _alonePods = new("--alone-pods") { Description = "Pods of each scheduler-alone run, created before scheduling starts (default --count; 200 in --quick); shapes that need a node per pod take at most one per node." };
    private readonly Option<double?> _timeout = new("--timeout") { Description = "Seconds to wait for all pods to be bound before failing (default 600; 120 in --quick)." };

    public override string Name => "e2e";

    public override string Description =>
        "The standalone scheduler against the API emulator over HTTP: pods/s to binding, time to volume bound, curing-event latency; every pod on its PV's node (fatal).";

    public override IEnumerable<Option> Options => [_mode, _alonePods, _curePods, _singleCures, _creators, _bindingWorkers, _timeout];

    public override async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var quick = options.Quick;
        var report = context.Report;
        var nodes = options.Nodes ?? (quick ? 50 : 500);
        var volumes = options.Volumes ?? (quick ? 500 : 5_000);
        var pods = (int)(options.Count ?? volumes);
        var curePods = context.GetValue(_curePods) ?? (quick ? 20 : 200);
        var singleCures = context.GetValue(_singleCures) ?? (quick ? 3 : 20);
        var creators = context.GetValue(_creators) ?? 8;
        var timeout = TimeSpan.FromSeconds(context.GetValue(_timeout) ?? (quick ? 120 : 600));
        var mode = context.GetValue(_mode) ?? "all";
        var alonePods = context.GetValue(_alonePods) ?? (quick ? Math.Min(pods, 200) : pods);
        if (mode is not ("all" or "streaming" or "alone")) throw new ScenarioUsageException($"--mode must be all, streaming or alone; got \"{mode}\".");
        if (alonePods < 1 || alonePods > volumes) throw new ScenarioUsageException($"--alone-pods ({alonePods}) must be between 1 and --pvs ({volumes}): each pod needs its own PV.");
        if (pods > volumes) throw new ScenarioUsageException($"--count ({pods}) must not exceed --pvs ({volumes}): each pod needs its own PV.");
        if (curePods < 0 || creators < 1) throw new ScenarioUsageException("--cure-pods must be 0 or more and --creators at least 1.");
        var schedulerOptions = new StandaloneOptions();
        if (context.GetValue(_bindingWorkers) is { } workers) schedulerOptions = schedulerOptions with { BindingWorkers = workers };

        report.Parameters["mode"] = quick ? "quick (correctness only)" : "full";
        report.Parameters["nodes"] = nodes.ToString("N0", CultureInfo.InvariantCulture);
        report.Parameters["pvs"] = volumes.ToString("N0", CultureInfo.InvariantCulture);
        report.Parameters["pods"] = pods.ToString("N0", CultureInfo.InvariantCulture);
        report.Parameters["curing pods"] = curePods.ToString("N0", CultureInfo.InvariantCulture);
        report.Parameters["creators"] = creators.ToString(CultureInfo.InvariantCulture);
        report.Parameters["binding workers"] = schedulerOptions.BindingWorkers.ToString(CultureInfo.InvariantCulture);
        report.Parameters["runs"] = mode;

        if (mode is "all" or "streaming")
        {
            await StreamingAsync(context, nodes, volumes, pods, curePods, singleCures, creators, schedulerOptions, timeout, cancellationToken).ConfigureAwait(false);
        }
        if (mode is "all" or "alone")
        {
            report.Parameters["pods per scheduler-alone run"] = alonePods.ToString("N0", CultureInfo.InvariantCulture);
            await AloneAsync(context, nodes, volumes, alonePods, creators, schedulerOptions, timeout, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Pods created while the scheduler runs, as fast as the creators can; then the curing events.
    /// </summary>
    private static async Task StreamingAsync(ScenarioContext context, int nodes, int volumes, int pods, int curePods, int singleCures, int creators,
        StandaloneOptions schedulerOptions, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var quick = context.Options.Quick;
        var report = context.Report;

        // 1. The emulator, its objects, the scheduler.
        context.Step("starting the API emulator");
        // No simulated kubelet: what is timed is the scheduler alone, as in the results recorded so far; the kubelet's
        // status writes (two per pod, a lease renewal per node every 10 s) would share the emulator with it.
        await using var emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions { EnableKubelet = false }, cancellationToken).ConfigureAwait(false);
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        using var schedulerClient = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        await using var observer = new E2eObserver(emulator, Namespace);

        var clock = Stopwatch.StartNew();
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } }, cancellationToken: cancellationToken).ConfigureAwait(false);
        await client.StorageV1.CreateStorageClassAsync(Class(StorageClass), cancellationToken: cancellationToken).ConfigureAwait(false);
        await client.StorageV1.CreateStorageClassAsync(Class(LateStorageClass), cancellationToken: cancellationToken).ConfigureAwait(false);
        var nodeNames = Enumerable.Range(0, nodes).Select(i => $"node-{i:D4}").ToArray();
        context.Step($"creating {nodes:N0} nodes and {volumes:N0} local PVs through the API");
        await ForEachAsync(nodes, creators, (i, ct) => client.CoreV1.CreateNodeAsync(Node(nodeNames[i], i), cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        await ForEachAsync(volumes, creators, (i, ct) => client.CoreV1.CreatePersistentVolumeAsync(
            Volume($"pv-{nodeNames[i % nodes]}-{i / nodes}", nodeNames[i % nodes], StorageClass), cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        var setup = clock.Elapsed;

        context.Step("starting the standalone scheduler");
        clock.Restart();
        using var cycleMeter = new CycleMeter();
        await using var runner = new StandaloneRunner(schedulerClient, schedulerOptions, TimeProvider.System, NullLoggerFactory.Instance, meterFactory: cycleMeter);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = runner.RunAsync(stop.Token);
        var outcomes = new OutcomeCounter();
        var drain = outcomes.DrainAsync(runner.Scheduler.Progress);
        await runner.Cluster.Synced.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        var synced = clock.Elapsed;

        try
        {
            // 2. The pods.
            context.Step($"creating {pods:N0} pods with one claim each ({creators} creators)");
            var names = Enumerable.Range(0, pods).Select(i => $"web-{i}").ToArray();
            var cpuBefore = Environment.CpuUsage.TotalTime;
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
            var gen2Before = GC.CollectionCount(2);
            var cyclesBefore = cycleMeter.Read();
            var origin = Stopwatch.GetTimestamp();
            await ForEachAsync(pods, creators, async (i, ct) =>
            {
                await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("data-" + names[i], StorageClass), Namespace, cancellationToken: ct).ConfigureAwait(false);
                await client.CoreV1.CreateNamespacedPodAsync(Pod(names[i], "data-" + names[i]), Namespace, cancellationToken: ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            var created = Stopwatch.GetElapsedTime(origin);
            context.Step($"created in {created.TotalSeconds:0.00} s; waiting for bindings");
            var allBound = await observer.WaitForBoundAsync(names, timeout, bound => context.Step($"  {bound:N0} / {pods:N0} bound"), cancellationToken).ConfigureAwait(false);
            var elapsedWall = Stopwatch.GetElapsedTime(origin);
            var cpu = Environment.CpuUsage.TotalTime - cpuBefore;
            var allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
            var gen2 = GC.CollectionCount(2) - gen2Before;
            var cyclesAfter = cycleMeter.Read();
            var cycles = cyclesAfter.Cycles - cyclesBefore.Cycles;
            var cycleBusy = cyclesAfter.BusySeconds - cyclesBefore.BusySeconds;
            if (!allBound)
            {
                var missing = names.Where(n => !observer.PodBound.ContainsKey(n)).ToList();
                throw new ScenarioAbortedException($"{missing.Count:N0} of {pods:N0} pods not bound within {timeout.TotalSeconds:0} s (e.g. {string.Join(", ", missing.Take(5))}); "
                    + $"scheduler outcomes: {outcomes}");
            }

            // Throughput and latencies, from the store's own commit times.
            var first = names.Min(n => observer.PodCreated[n]);
            var last = names.Max(n => observer.PodBound[n]);
            var span = (last - first) / (double)Stopwatch.Frequency;
            var podsPerSecond = pods / span;
            var toPodBound = new LatencyRecorder(first);
            var toVolumeBound = new LatencyRecorder(first);
            foreach (var name in names)
            {
                var createdAt = observer.PodCreated[name];
                toPodBound.Record(observer.PodBound[name] - createdAt, observer.PodBound[name]);
                if (observer.ClaimBound.TryGetValue("data-" + name, out var claimBound)) toVolumeBound.Record(claimBound - createdAt, claimBound);
            }
            // Where a pod's time goes: queue + scheduling cycle until the PV's claimRef is written; the PV controller
            // until the claim is Bound; the scheduler seeing that and creating the Binding.
            var toPrebound = new LatencyRecorder(first);
            var prebindToClaimBound = new LatencyRecorder(first);
            var claimBoundToPodBound = new LatencyRecorder(first);
            foreach (var name in names)
            {
                if (!observer.ClaimPrebound.TryGetValue("data-" + name, out var prebound) || !observer.ClaimBound.TryGetValue("data-" + name, out var claimBoundAt)) continue;
                toPrebound.Record(prebound - observer.PodCreated[name], prebound);
                prebindToClaimBound.Record(claimBoundAt - prebound, claimBoundAt);
                claimBoundToPodBound.Record(observer.PodBound[name] - claimBoundAt, observer.PodBound[name]);
            }
            var model = $"{pods:N0} pods created by {creators} clients, as fast as the API takes them";
            var podPhase = Phase("creation → pod bound", "e2e", model, toPodBound, span, cpu, allocated, gen2, pods);
            var volumePhase = Phase("creation → claim bound (PV controller done)", "e2e", model, toVolumeBound, span, cpu, allocated, gen2, pods);
            report.Phases.Add(podPhase);
            report.Phases.Add(volumePhase);
            context.Output.WriteLine($"    {podsPerSecond:0.#} pods/s (target ≥ {TargetPodsPerSecond}); creation → bound p50 {Format.Duration(podPhase.Latency.P50Ns)} p99 {Format.Duration(podPhase.Latency.P99Ns)};"
                + $" → claim bound p50 {Format.Duration(volumePhase.Latency.P50Ns)} p99 {Format.Duration(volumePhase.Latency.P99Ns)}; cpu {podPhase.CpuCores:0.00} cores, {Format.Duration(cpu.TotalMilliseconds * 1e6 / pods)}/pod");
            context.Output.WriteLine($"    breakdown p50/p99: → claimRef written {Percentiles(toPrebound)}; → claim Bound (PV controller) {Percentiles(prebindToClaimBound)}; → pod bound {Percentiles(claimBoundToPodBound)}");
            var cycleSummary = cycles == 0 ? "none" : $"{cycles:N0} cycles, mean {Format.Duration(cycleBusy * 1e9 / cycles)}, loop busy {cycleBusy / span:P0} of the batch";
            context.Output.WriteLine($"    scheduling cycles: {cycleSummary}");

            // 3. Correctness, read back from the emulator.
            context.Step("verifying placements against the emulator's objects");
            await VerifyAsync(context, client, names, StorageClass, "", cancellationToken).ConfigureAwait(false);

            // 4. Curing events.
            PhaseResult? singlePhase = null;
            if (singleCures > 0)
            {
                singlePhase = await SingleCuresAsync(context, emulator, client, observer, outcomes, nodeNames, singleCures, timeout, cancellationToken).ConfigureAwait(false);
            }
            PhaseResult? curePhase = null;
            if (curePods > 0)
            {
                curePhase = await CureAsync(context, emulator, client, observer, outcomes, nodeNames, curePods, creators, timeout, cancellationToken).ConfigureAwait(false);
            }

            report.Tables.Add(new ReportTable($"End to end: {nodes:N0} nodes × {volumes:N0} local PVs, {pods:N0} pods",
                ["measurement", "value", "target"],
                [
                    ["pods/s, first pod created → last pod bound", podsPerSecond.ToString("0.#", CultureInfo.InvariantCulture), quick ? "" : $"≥ {TargetPodsPerSecond} {(podsPerSecond >= TargetPodsPerSecond ? "met" : "MISSED")}"],
                    ["wall time for the batch", Format.Duration(span * 1e9), ""],
                    ["creation of pods + claims by the clients", Format.Duration(created.TotalMilliseconds * 1e6), ""],
                    ["creation → pod bound p50 / p99 / max", $"{Format.Duration(podPhase.Latency.P50Ns)} / {Format.Duration(podPhase.Latency.P99Ns)} / {Format.Duration(podPhase.Latency.MaxNs)}", ""],
                    ["creation → claim bound p50 / p99 / max", $"{Format.Duration(volumePhase.Latency.P50Ns)} / {Format.Duration(volumePhase.Latency.P99Ns)} / {Format.Duration(volumePhase.Latency.MaxNs)}", ""],
                    ["single curing event (PV created) → its pod bound p50 / p99 / max", singlePhase is null ? "not measured" : $"{Format.Duration(singlePhase.Latency.P50Ns)} / {Format.Duration(singlePhase.Latency.P99Ns)} / {Format.Duration(singlePhase.Latency.MaxNs)}", ""],
                    [$"burst of {curePods} curing events → pods bound p50 / p99 / max", curePhase is null ? "not measured" : $"{Format.Duration(curePhase.Latency.P50Ns)} / {Format.Duration(curePhase.Latency.P99Ns)} / {Format.Duration(curePhase.Latency.MaxNs)}", ""],
                    ["  of which: creation → PV claimRef written (queue + scheduling cycle + PreBind write) p50 / p99", Percentiles(toPrebound), ""],
                    ["  of which: claimRef written → claim Bound (PV controller) p50 / p99", Percentiles(prebindToClaimBound), ""],
                    ["  of which: claim Bound → pod bound (scheduler sees it, creates the Binding) p50 / p99", Percentiles(claimBoundToPodBound), ""],
                    ["scheduling cycles (wall time in the serial loop, lock wait included)", cycleSummary, ""],
                    ["process CPU during the batch (emulator + scheduler + clients)", $"{podPhase.CpuCores:0.00} cores of {Environment.ProcessorCount}", ""],
                    ["process CPU per pod (emulator + scheduler + clients)", Format.Duration(cpu.TotalMilliseconds * 1e6 / pods), quick ? "" : $"≤ {Format.Duration(Environment.ProcessorCount * 1e9 / TargetPodsPerSecond)} for {TargetPodsPerSecond} pods/s on {Environment.ProcessorCount} cores"],
                    ["allocated during the batch", Format.Bytes(allocated), ""],
                    ["gen2 collections during the batch", gen2.ToString(CultureInfo.InvariantCulture), ""],
                    ["scheduler outcomes", outcomes.ToString(), ""],
                    ["setup: nodes + PVs through the API", Format.Duration(setup.TotalMilliseconds * 1e6), ""],
                    ["scheduler start → synced", Format.Duration(synced.TotalMilliseconds * 1e6), ""],
                ],
                "Everything runs in one process on this machine: the emulator (API server + PV controller), the scheduler and the clients share its cores. "
                + "Times are taken in-process when the emulator commits each change."));
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await run.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // stopping
            }
            await drain.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The scheduler alone (<see cref="PreCreatedRun"/>): the plain WaitForFirstConsumer pods, the oracle making the
    /// same writes for them, then each inter-pod shape; each on a fresh emulator of the same size, reported beside the
    /// plain run and upstream's threshold for the shape (without volumes there).
    /// </summary>
    private static async Task AloneAsync(ScenarioContext context, int nodes, int volumes, int pods, int creators, StandaloneOptions schedulerOptions,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        var quick = context.Options.Quick;
        var plain = await PreCreatedRun.RunAsync(context, PodShape.Plain, oracle: false, nodes, volumes, pods, creators, schedulerOptions, timeout, cancellationToken).ConfigureAwait(false);
        var oracle = await PreCreatedRun.RunAsync(context, PodShape.Plain, oracle: true, nodes, volumes, pods, creators, schedulerOptions, timeout, cancellationToken).ConfigureAwait(false);
        var shapes = new List<PreCreatedResult>();
        foreach (var shape in PodShape.InterPod)
        {
            // One pod per node for anti-affinity; for the zone spread, no more than the smallest zone's PVs allow at
            // maxSkew 1 (three times them): beyond, DoNotSchedule rightly leaves the rest pending.
            var count = shape.OnePerNode ? Math.Min(pods, nodes)
                : shape == PodShape.ZoneSpread ? Math.Min(pods, 3 * (nodes / 3) * (volumes / Math.Max(1, nodes)))
                : pods;
            shapes.Add(await PreCreatedRun.RunAsync(context, shape, oracle: false, nodes, volumes, count, creators, schedulerOptions, timeout, cancellationToken).ConfigureAwait(false));
        }

        var ratio = plain.PodsPerSecond / oracle.PodsPerSecond;
        context.Output.WriteLine($"    scheduler alone over the oracle: {Format.Ratio(ratio)} ({plain.PodsPerSecond:0.#} / {oracle.PodsPerSecond:0.#} pods/s)");
        string Target(string text, bool met) => quick ? "" : $"{text} {(met ? "met" : "MISSED")}";
        static string Latencies(LatencyRecorder recorder)
        {
            var summary = recorder.Summarize();
            return $"{Format.Duration(summary.P50Ns)} / {Format.Duration(summary.P99Ns)} / {Format.Duration(summary.MaxNs)}";
        }
        context.Report.Tables.Add(new ReportTable($"Scheduler alone: {nodes:N0} nodes × {volumes:N0} local PVs, {pods:N0} pods created before scheduling starts",
            ["measurement", "value", "target"],
            [
                ["pods/s, scheduling start → last pod bound", plain.PodsPerSecond.ToString("0.#", CultureInfo.InvariantCulture), Target("≥ 400", plain.PodsPerSecond >= 400)],
                ["mean scheduling cycle", Format.Duration(plain.MeanCycleNs), Target("≤ 0.5 ms", plain.MeanCycleNs <= 500_000)],
                ["scheduling loop busy (share of the span in a cycle)", plain.LoopBusy.ToString("P0", CultureInfo.InvariantCulture), Target("≤ 25 %", plain.LoopBusy <= 0.25)],
                ["scheduling cycles", plain.Cycles.ToString("N0", CultureInfo.InvariantCulture), ""],
                ["allocated per pod (whole process: emulator + scheduler)", Format.Bytes(plain.AllocatedPerPod), ""],
                ["process CPU per pod (emulator + scheduler)", Format.Duration(plain.CpuPerPodNs), ""],
                ["scheduling start → pod bound p50 / p99 / max", Latencies(plain.ToPodBound), ""],
                ["scheduling start → claim bound p50 / p99 / max", Latencies(plain.ToClaimBound), ""],
                ["scheduler outcomes", plain.Outcomes, ""],
                ["oracle (same API writes, no decisions): pods/s", oracle.PodsPerSecond.ToString("0.#", CultureInfo.InvariantCulture), ""],
                ["oracle: allocated / process CPU per pod", $"{Format.Bytes(oracle.AllocatedPerPod)} / {Format.Duration(oracle.CpuPerPodNs)}", ""],
                ["oracle: start → pod bound p50 / p99 / max", Latencies(oracle.ToPodBound), ""],
                ["ours over the oracle, pods/s", Format.Ratio(ratio), Target("≥ 0.8×", ratio >= 0.8)],
                ["setup per run: nodes + PVs + pods through the API, scheduler synced", Format.Duration(plain.SetupSeconds * 1e9), ""],
            ],
            "scheduler_perf's way: every pod exists before scheduling starts. The scheduler starts as a standby replica does when it takes the lease "
            + "(informers listed, cache warm, every pod pending); the times run from that start. The oracle is a binder that already knows each pod's PV "
            + "and node and makes the scheduler's writes (PV claimRef, then the PV controller's binding awaited, pod Binding, Scheduled event) on as many "
            + "workers, waiting for the claim in-process instead of through informers. Each run has a fresh emulator of the same size."));

        var rows = new List<List<string>>
        {
            Row(plain, plain, pods),
        };
        rows.AddRange(shapes.Select(s => Row(s, plain, pods)));
        foreach (var shape in shapes.Select(s => s.Shape).Prepend(plain.Shape))
        {
            if (shape.UpstreamThreshold is not { } threshold) continue;
            var upstreamVolumes = shape == PodShape.Plain ? "PVs created bound, no matching" : "no volumes";
            rows.Add([$"reference: upstream {shape.UpstreamWorkload}, 5,000 nodes, {upstreamVolumes}", "", threshold.ToString("0", CultureInfo.InvariantCulture), "", "", "", ""]);
        }
        context.Report.Tables.Add(new ReportTable("Scheduler alone by shape: pods/s beside the plain run, and upstream's thresholds (no volumes there)",
            ["shape", "pods", "pods/s", "beside plain", "mean cycle", "loop busy", "start → bound p50 / p99"],
            rows,
            "Each shape's pods also claim their own local PV (WaitForFirstConsumer). Required anti-affinity on the hostname needs a node per pod, so it runs at most one pod per node. "
            + "The reference rows are scheduler_perf's thresholds (v1.37 performance-config.yaml) at 5,000 nodes, measured on its CI machines without volumes: a reference, not a target."));
        foreach (var result in shapes.Prepend(oracle).Prepend(plain))
        {
            context.Report.Phases.Add(Phase($"{result.Label}: start → pod bound", "alone", $"{result.Pods:N0} pods created before scheduling starts",
                result.ToPodBound, result.SpanSeconds, result.Cpu, result.AllocatedBytes, result.Gen2Collections, result.Pods));
        }
    }

    private static List<string> Row(PreCreatedResult result, PreCreatedResult plain, int pods)
    {
        var summary = result.ToPodBound.Summarize();
        return
        [
            result.Shape.Name + " (" + result.Shape.Description + ")",
            result.Pods.ToString("N0", CultureInfo.InvariantCulture) + (result.Pods < pods ? " (one per node)" : ""),
            result.PodsPerSecond.ToString("0.#", CultureInfo.InvariantCulture),
            result == plain ? "" : Format.Ratio(result.PodsPerSecond / plain.PodsPerSecond),
            Format.Duration(result.MeanCycleNs),
            result.LoopBusy.ToString("P0", CultureInfo.InvariantCulture),
            $"{Format.Duration(summary.P50Ns)} / {Format.Duration(summary.P99Ns)}",
        ];
    }

    /// <summary>
    /// One curing event at a time: a pod whose claim has no PV is found unschedulable; once it is out of backoff its PV
    /// is created, and the time from the PV's creation to the pod's binding is recorded. Then the next.
    /// </summary>
    private static async Task<PhaseResult> SingleCuresAsync(ScenarioContext context, ApiEmulator.ApiEmulator emulator, k8s.Kubernetes client, E2eObserver observer,
        OutcomeCounter outcomes, string[] nodeNames, int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        context.Step($"single curing events: {count:N0}, one at a time");
        var origin = Stopwatch.GetTimestamp();
        var recorder = new LatencyRecorder(origin);
        var names = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var name = $"single-{i}";
            names.Add(name);
            await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("data-" + name, LateStorageClass), Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            await client.CoreV1.CreateNamespacedPodAsync(Pod(name, "data-" + name), Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            var deadline = Stopwatch.StartNew();
            while (!outcomes.IsOutOfBackoff(name))
            {
                if (deadline.Elapsed > timeout) throw new ScenarioAbortedException($"{name} was not reported unschedulable");
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
            var volume = $"pv-single-{i}";
            await client.CoreV1.CreatePersistentVolumeAsync(Volume(volume, nodeNames[(i * 13) % nodeNames.Length], LateStorageClass), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!await observer.WaitForBoundAsync([name], timeout, null, cancellationToken).ConfigureAwait(false))
                throw new ScenarioAbortedException($"{name} not bound within {timeout.TotalSeconds:0} s of its PV's creation");
            var bound = observer.PodBound[name];
            recorder.Record(bound - observer.VolumeCreated[volume], bound);
        }
        var phase = Phase("single curing event (PV created) → its pod bound", "cure", $"{count:N0} events, one at a time, each pod out of backoff",
            recorder, Stopwatch.GetElapsedTime(origin).TotalSeconds, TimeSpan.Zero, 0, 0, count);
        context.Report.Phases.Add(phase);
        context.Output.WriteLine($"    single curing event → pod bound p50 {Format.Duration(phase.Latency.P50Ns)}  p99 {Format.Duration(phase.Latency.P99Ns)}  max {Format.Duration(phase.Latency.MaxNs)}");
        await VerifyAsync(context, client, names, LateStorageClass, " (single curing events)", cancellationToken).ConfigureAwait(false);
        return phase;
    }

    /// <summary>
    /// Pods whose claims (of their own class) have no PV yet: each is tried and found unschedulable; once none is in
    /// backoff any more, the PVs are created, and each PV's creation is timed to the binding of the pod whose claim got it.
    /// </summary>
    private static async Task<PhaseResult> CureAsync(ScenarioContext context, ApiEmulator.ApiEmulator emulator, k8s.Kubernetes client, E2eObserver observer,
        OutcomeCounter outcomes, string[] nodeNames, int count, int creators, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var names = Enumerable.Range(0, count).Select(i => $"late-{i}").ToArray();
        context.Step($"curing events: {count:N0} pods whose PVs do not exist yet");
        await ForEachAsync(count, creators, async (i, ct) =>
        {
            await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("data-" + names[i], LateStorageClass), Namespace, cancellationToken: ct).ConfigureAwait(false);
            await client.CoreV1.CreateNamespacedPodAsync(Pod(names[i], "data-" + names[i]), Namespace, cancellationToken: ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        // Each pod is tried, found unschedulable, and retried on the cluster events of its batch (its neighbours'
        // claims); wait until every one is out of backoff, so that the curing event moves it straight to the active
        // queue, as for a PV that appears long after its pod.
        var deadline = Stopwatch.StartNew();
        while (names.Any(n => !outcomes.IsOutOfBackoff(n)))
        {
            if (deadline.Elapsed > timeout) throw new ScenarioAbortedException("the pods waiting for their PVs were not all reported unschedulable");
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
        context.Step($"creating their {count:N0} PVs");
        var origin = Stopwatch.GetTimestamp();
        await ForEachAsync(count, creators, (i, ct) => client.CoreV1.CreatePersistentVolumeAsync(
            Volume($"pv-late-{i}", nodeNames[(i * 7) % nodeNames.Length], LateStorageClass), cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        if (!await observer.WaitForBoundAsync(names, timeout, null, cancellationToken).ConfigureAwait(false))
            throw new ScenarioAbortedException($"{names.Count(n => !observer.PodBound.ContainsKey(n))} cured pods not bound within {timeout.TotalSeconds:0} s");
        var span = Stopwatch.GetElapsedTime(origin);

        var recorder = new LatencyRecorder(origin);
        var claims = emulator.List("persistentvolumeclaims", Namespace).ToDictionary(c => (string)c["metadata"]!["name"]!, StringComparer.Ordinal);
        var unmatched = 0;
        foreach (var name in names)
        {
            var volume = (string?)claims.GetValueOrDefault("data-" + name)?["spec"]?["volumeName"];
            if (volume is null || !observer.VolumeCreated.TryGetValue(volume, out var createdAt))
            {
                unmatched++;
                continue;
            }
            var bound = observer.PodBound[name];
            recorder.Record(bound - createdAt, bound);
        }
        context.Report.Checks.Add(new ReportCheck("curing events: every cured pod's claim names a PV created after it", unmatched == 0,
            unmatched == 0 ? $"{count:N0} pods" : $"{unmatched} pods without a matching new PV"));
        var phase = Phase("burst of curing events (PV created) → pod bound", "cure", $"{count:N0} PVs created by {creators} clients after their pods were found unschedulable",
            recorder, span.TotalSeconds, TimeSpan.Zero, 0, 0, count);
        context.Report.Phases.Add(phase);
        context.Output.WriteLine($"    burst: curing event → pod bound p50 {Format.Duration(phase.Latency.P50Ns)}  p99 {Format.Duration(phase.Latency.P99Ns)}  max {Format.Duration(phase.Latency.MaxNs)}");
        await VerifyAsync(context, client, names, LateStorageClass, " (cured pods)", cancellationToken).ConfigureAwait(false);
        context.Report.Notes.Add("Curing events: pods rejected for want of a PV wait in the unschedulable set; the PVs are created once none of them is in backoff. "
            + "Each PV event moves every waiting pod on (PV events may cure any volume rejection); a pod that then loses the race for a new PV "
            + "fails again and backs off (1 s after its last attempt, doubling up to 10 s), so later PVs of a burst can wait for that backoff: "
            + "the upper percentiles show the queue's backoff, not the decision.");
        return phase;
    }

    /// <summary>
    /// The fatal checks, on the objects listed back from the emulator: each pod bound, each claim bound to a PV of the
    /// class; and the volume-binding invariants (<see cref="InvariantChecker"/>: no PV bound twice, each bound claim's
    /// PV naming it back with its uid, each pod inside its PV's node affinity, no stale prebinding).
    /// </summary>
    internal static async Task VerifyAsync(ScenarioContext context, k8s.Kubernetes client, IReadOnlyList<string> names, string storageClass, string label, CancellationToken cancellationToken)
    {
        var state = await StateLoader.ListAsync(client, [], cancellationToken).ConfigureAwait(false);
        var problems = new List<string>();
        var volumes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (state.GetPod(new ObjectKey(Namespace, name)) is not { NodeName.Length: > 0 })
            {
                problems.Add($"{name}: not bound");
                continue;
            }
            var claimName = "data-" + name;
            if (state.GetClaim(new ObjectKey(Namespace, claimName)) is not { } claim || !InvariantChecker.IsBound(claim))
            {
                problems.Add($"{claimName}: not Bound");
                continue;
            }
            volumes.Add(claim.VolumeName);
            if (state.Volumes.Get(claim.VolumeName) is { } volume && volume.StorageClassName != storageClass)
                problems.Add($"{claim.VolumeName}: class {volume.StorageClassName}, not {storageClass}");
        }
        var violations = InvariantChecker.Check(state);
        context.Report.Checks.Add(new ReportCheck($"every pod bound, its claim bound to a PV of its class{label}", problems.Count == 0,
            problems.Count == 0 ? $"{names.Count:N0} pods, {volumes.Count:N0} distinct PVs" : $"{problems.Count} problems; e.g. " + string.Join(" / ", problems.Take(5))));
        context.Report.Checks.Add(new ReportCheck($"volume-binding invariants hold{label}", violations.Count == 0,
            violations.Count == 0 ? $"{state.Volumes.Count:N0} PVs, {state.Claims.Count():N0} claims, {state.Pods.Count():N0} pods: no PV bound twice, every claim's PV names it back, every pod inside its PV's node affinity"
                : $"{violations.Count} violation(s); e.g. " + string.Join(" / ", violations.Take(5))));
        problems.AddRange(violations.Select(v => v.Message));
        if (problems.Count > 0) throw new ScenarioAbortedException($"placements are wrong{label}: " + string.Join(" / ", problems.Take(5)));
    }

    private static string Percentiles(LatencyRecorder recorder)
    {
        var summary = recorder.Summarize();
        return $"{Format.Duration(summary.P50Ns)} / {Format.Duration(summary.P99Ns)}";
    }

    private static PhaseResult Phase(string name, string group, string model, LatencyRecorder recorder, double seconds, TimeSpan cpu, long allocated, int gen2, int count) => new()
    {
        Name = name,
        Group = group,
        Model = model,
        Completed = recorder.Histogram.TotalCount,
        ElapsedSeconds = seconds,
        Throughput = count / Math.Max(seconds, 1e-9),
        Latency = recorder.Summarize(),
        Timeline = recorder.Timeline(),
        AllocatedBytesPerOperation = count == 0 ? 0 : (double)allocated / count,
        Gen2Collections = gen2,
        CpuCores = cpu.TotalSeconds / Math.Max(seconds, 1e-9),
    };

    internal static Task ForEachAsync(int count, int parallelism, Func<int, CancellationToken, Task> body, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, ct) => await body(i, ct).ConfigureAwait(false));

    internal static V1StorageClass Class(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Provisioner = "kubernetes.io/no-provisioner",
        VolumeBindingMode = "WaitForFirstConsumer",
    };

    internal static V1Node Node(string name, int index) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = new Dictionary<string, string> { [HostnameLabel] = name, [ZoneLabel] = ZoneOf(index) },
        },
        Status = new V1NodeStatus
        {
            Allocatable = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("64"), ["memory"] = new("256Gi"), ["pods"] = new("110"), ["ephemeral-storage"] = new("500Gi") },
            Capacity = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("64"), ["memory"] = new("256Gi"), ["pods"] = new("110"), ["ephemeral-storage"] = new("500Gi") },
        },
    };

    internal static V1PersistentVolume Volume(string name, string node, string storageClass) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PersistentVolumeSpec
        {
            Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new("100Gi") },
            AccessModes = ["ReadWriteOnce"],
            PersistentVolumeReclaimPolicy = "Retain",
            StorageClassName = storageClass,
            Local = new V1LocalVolumeSource { Path = "/mnt/disks/" + name },
            NodeAffinity = new V1VolumeNodeAffinity
            {
                Required = new V1NodeSelector
                {
                    NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = HostnameLabel, OperatorProperty = "In", Values = [node] }] }],
                },
            },
        },
    };

    internal static V1PersistentVolumeClaim Claim(string name, string storageClass) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace, Labels = new Dictionary<string, string> { ["app"] = "web" } },
        Spec = new V1PersistentVolumeClaimSpec
        {
            AccessModes = ["ReadWriteOnce"],
            StorageClassName = storageClass,
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("50Gi") } },
        },
    };

    /// <summary>The zone of the node of index <paramref name="index"/>: <see cref="Zones"/> zones, round robin.</summary>
    internal static string ZoneOf(int index) => "zone-" + (index % Zones).ToString(CultureInfo.InvariantCulture);

    /// <summary>Shaped like a StatefulSet's pod: the app label, the hostname, the claim named after the pod.</summary>
    internal static V1Pod Pod(string name, string claim) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = Namespace,
            Labels = new Dictionary<string, string> { ["app"] = "web", ["statefulset.kubernetes.io/pod-name"] = name },
        },
        Spec = new V1PodSpec
        {
            SchedulerName = StandaloneOptions.DefaultSchedulerName,
            Hostname = name,
            Containers =
            [
                new V1Container
                {
                    Name = "web",
                    Image = "registry.k8s.io/nginx-slim:0.27",
                    Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m"), ["memory"] = new("128Mi") } },
                    VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = "/usr/share/nginx/html" }],
                },
            ],
            Volumes = [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim } }],
        },
    };
}
