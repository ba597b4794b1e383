using System.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.LoadTests.Harness;
using VolumeAwareScheduler.LoadTests.Harness.Reports;
using VolumeAwareScheduler.Standalone;

namespace VolumeAwareScheduler.LoadTests.Scenarios.E2e;

/// <summary>
/// The scheduler alone, as scheduler_perf measures it: on a fresh emulator, the nodes, the PVs and every pod with its
/// claim exist before scheduling starts, so what is timed is the scheduler draining its queue (or the
/// <see cref="OracleBinder"/> making the same writes), not the clients creating pods.
/// <para>
/// Scheduling starts the way a standby replica starts when it takes the lease: its informers have listed everything
/// (the cache is warm, every pod pending), then the loop starts and finds every pod at once. The other way, creating
/// the pods behind a scheduling gate and lifting it, would put one pod update per pod through the same emulator and
/// the same cores during the measurement: the pods/s would be the ungating clients' as much as the scheduler's, and
/// each ungating a cluster event for the queue to process.
/// </para>
/// Correctness after each run (fatal): every pod bound on its PV's node, no PV given to two claims, and the shape's
/// own rule (<see cref="ShapeChecks"/>).
/// </summary>
public static class PreCreatedRun
{
    public static async Task<PreCreatedResult> RunAsync(ScenarioContext context, PodShape shape, bool oracle, int nodes, int volumes, int pods, int creators,
        StandaloneOptions schedulerOptions, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var label = oracle ? $"oracle, {shape.Name}" : $"scheduler alone, {shape.Name}";
        context.Step($"{label}: {nodes:N0} nodes, {volumes:N0} PVs, {pods:N0} pods created before scheduling starts");
        var clock = Stopwatch.StartNew();
        await using var emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions { EnableKubelet = false }, cancellationToken).ConfigureAwait(false);
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        using var binderClient = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        await using var observer = new E2eObserver(emulator, E2eScenario.Namespace);

        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = E2eScenario.Namespace } }, cancellationToken: cancellationToken).ConfigureAwait(false);
        await client.StorageV1.CreateStorageClassAsync(E2eScenario.Class(E2eScenario.StorageClass), cancellationToken: cancellationToken).ConfigureAwait(false);
        var nodeNames = Enumerable.Range(0, nodes).Select(i => $"node-{i:D4}").ToArray();
        await E2eScenario.ForEachAsync(nodes, creators, (i, ct) => client.CoreV1.CreateNodeAsync(E2eScenario.Node(nodeNames[i], i), cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        var volumeObjects = new V1PersistentVolume[volumes];
        await E2eScenario.ForEachAsync(volumes, creators, async (i, ct) => volumeObjects[i] = await client.CoreV1.CreatePersistentVolumeAsync(
            E2eScenario.Volume($"pv-{nodeNames[i % nodes]}-{i / nodes}", nodeNames[i % nodes], E2eScenario.StorageClass), cancellationToken: ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var names = Enumerable.Range(0, pods).Select(i => $"web-{i}").ToArray();
        var podUids = new string[pods];
        var claimUids = new string[pods];
        await E2eScenario.ForEachAsync(pods, creators, async (i, ct) =>
        {
            var claim = await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(E2eScenario.Claim("data-" + names[i], E2eScenario.StorageClass), E2eScenario.Namespace, cancellationToken: ct).ConfigureAwait(false);
            var pod = await client.CoreV1.CreateNamespacedPodAsync(shape.Pod(names[i], "data-" + names[i]), E2eScenario.Namespace, cancellationToken: ct).ConfigureAwait(false);
            claimUids[i] = claim.Uid();
            podUids[i] = pod.Uid();
        }, cancellationToken).ConfigureAwait(false);

        // The oracle writes the PVs as they are once the PV controller has made them Available (its first write), as
        // the scheduler writes the copies its informer holds.
        var volumeIndex = Enumerable.Range(0, volumes).ToDictionary(i => volumeObjects[i].Name(), StringComparer.Ordinal);
        for (var listed = await client.CoreV1.ListPersistentVolumeAsync(cancellationToken: cancellationToken).ConfigureAwait(false); ;
             listed = await client.CoreV1.ListPersistentVolumeAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (listed.Items.All(v => v.Status?.Phase == "Available"))
            {
                foreach (var volume in listed.Items) volumeObjects[volumeIndex[volume.Name()]] = volume;
                break;
            }
            if (clock.Elapsed > timeout) throw new ScenarioAbortedException($"{label}: the PV controller did not make every PV Available within {timeout.TotalSeconds:0} s");
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        using var cycleMeter = new CycleMeter();
        await using var runner = oracle ? null : new StandaloneRunner(binderClient, schedulerOptions, TimeProvider.System, NullLoggerFactory.Instance, meterFactory: cycleMeter);
        if (runner is not null)
        {
            // The standby's warm cache: every informer listed, every pod in it.
            await runner.Cluster.Synced.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            var listed = runner.Cluster.Cache.PodObjects().Count;
            if (listed != pods) throw new ScenarioAbortedException($"{label}: the scheduler's cache holds {listed:N0} pods after its sync, not {pods:N0}");
        }
        var setup = clock.Elapsed;
        // The setup's garbage is not the run's.
        GC.Collect();
        GC.WaitForPendingFinalizers();

        context.Step(oracle ? $"{label}: binding with {schedulerOptions.BindingWorkers} workers" : $"{label}: scheduling starts");
        var outcomes = new OutcomeCounter();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var gen2Before = GC.CollectionCount(2);
        var cyclesBefore = cycleMeter.Read();
        var origin = Stopwatch.GetTimestamp();
        Task work;
        Task? drain = null;
        if (runner is not null)
        {
            work = runner.RunAsync(stop.Token);
            drain = outcomes.DrainAsync(runner.Scheduler.Progress);
        }
        else
        {
            var assignments = Enumerable.Range(0, pods)
                .Select(i => new OracleAssignment(names[i], podUids[i], "data-" + names[i], claimUids[i], volumeObjects[i], nodeNames[i % nodes]))
                .ToList();
            work = new OracleBinder(binderClient, observer, schedulerOptions.BindingWorkers).BindAllAsync(assignments, StandaloneOptions.DefaultSchedulerName, stop.Token);
        }

        bool allBound;
        try
        {
            var waiting = observer.WaitForBoundAsync(names, timeout, bound => context.Step($"  {bound:N0} / {pods:N0} bound"), stop.Token);
            // A binder that fails ends the wait: no pod would be bound after it.
            if (await Task.WhenAny(waiting, work).ConfigureAwait(false) == work && !waiting.IsCompleted) await stop.CancelAsync().ConfigureAwait(false);
            allBound = await waiting.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (work.IsFaulted)
        {
            allBound = false;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await work.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // stopping
            }
            if (drain is not null) await drain.ConfigureAwait(false);
        }
        var cpu = Environment.CpuUsage.TotalTime - cpuBefore;
        var allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
        var gen2 = GC.CollectionCount(2) - gen2Before;
        var cyclesAfter = cycleMeter.Read();
        if (!allBound)
        {
            var missing = names.Where(n => !observer.PodBound.ContainsKey(n)).ToList();
            throw new ScenarioAbortedException($"{label}: {missing.Count:N0} of {pods:N0} pods not bound within {timeout.TotalSeconds:0} s (e.g. {string.Join(", ", missing.Take(5))}); "
                + $"scheduler outcomes: {outcomes}");
        }

        var last = names.Max(n => observer.PodBound[n]);
        var toPodBound = new LatencyRecorder(origin);
        var toClaimBound = new LatencyRecorder(origin);
        foreach (var name in names)
        {
            var bound = observer.PodBound[name];
            toPodBound.Record(bound - origin, bound);
            if (observer.ClaimBound.TryGetValue("data-" + name, out var claimBound)) toClaimBound.Record(claimBound - origin, claimBound);
        }
        var result = new PreCreatedResult
        {
            Shape = shape,
            Oracle = oracle,
            Pods = pods,
            SpanSeconds = (last - origin) / (double)Stopwatch.Frequency,
            Cycles = cyclesAfter.Cycles - cyclesBefore.Cycles,
            CycleBusySeconds = cyclesAfter.BusySeconds - cyclesBefore.BusySeconds,
            AllocatedBytes = allocated,
            Cpu = cpu,
            Gen2Collections = gen2,
            ToPodBound = toPodBound,
            ToClaimBound = toClaimBound,
            SetupSeconds = setup.TotalSeconds,
            Outcomes = oracle ? "" : outcomes.ToString(),
        };
        context.Output.WriteLine($"    {label}: {result.PodsPerSecond:0.#} pods/s; start → bound p50 {Format.Duration(toPodBound.Summarize().P50Ns)} p99 {Format.Duration(toPodBound.Summarize().P99Ns)}"
            + (oracle ? "" : $"; {result.Cycles:N0} cycles, mean {Format.Duration(result.MeanCycleNs)}, loop busy {result.LoopBusy:P0}")
            + $"; {Format.Bytes(result.AllocatedPerPod)}/pod, cpu {Format.Duration(result.CpuPerPodNs)}/pod");

        context.Step($"{label}: verifying placements");
        await E2eScenario.VerifyAsync(context, client, names, E2eScenario.StorageClass, $" ({label})", cancellationToken).ConfigureAwait(false);
        ShapeChecks.Verify(context, emulator, shape, names, $" ({label})");
        return result;
    }
}
