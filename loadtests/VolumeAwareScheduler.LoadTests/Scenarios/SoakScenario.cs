using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using k8s;
using k8s.Models;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Core.Invariants;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Kubernetes.Queue;
using VolumeAwareScheduler.LoadTests.Harness;
using VolumeAwareScheduler.LoadTests.Harness.Reports;
using VolumeAwareScheduler.LoadTests.Scenarios.Soak;

namespace VolumeAwareScheduler.LoadTests.Scenarios;

/// <summary>
/// The standalone `run` host for minutes against the API emulator, with faults on, pods churning and the scheduler
/// restarted. Round after round, until --duration runs out (or --count rounds):
/// <list type="number">
/// <item>Churn: the oldest pods beyond the live target are deleted with their claims; local PVs left Released are
/// deleted and replaced by fresh ones on the same node (what a local static provisioner does).</item>
/// <item>One fault, in turn: a 409 storm on PV writes, on claim writes, on pod bindings; 5xx on writes; latency on every
/// request; watches dropped and compacted; the scheduler killed (no drain, memory lost) after the PV claimRef write,
/// after the claim's selected-node annotation, before the pod Binding or after it, then started again; or a graceful
/// restart.</item>
/// <item>New pods, half on local PVs, half on provisioned volumes (the emulator's provisioner takes a moment).</item>
/// <item>Settle: faults cleared, every live pod placed and its claim bound, then every invariant of `check` over the
/// cluster listed back from the API. A pod not placed, or any violation, fails the run.</item>
/// </list>
/// Only correctness decides the exit code; counts are reported, timings never asserted.
/// </summary>
public sealed class SoakScenario : Scenario
{
    private const string Namespace = "soak";
    private const string LocalClass = "local-wffc";
    private const string DynamicClass = "dynamic-wffc";
    private const int VolumesPerNode = 6;

    private static readonly string[] Faults =
    [
        "409 storm on PV writes", "409 storm on claim writes", "409 on pod bindings", "5xx on writes", "latency on every request",
        "watches dropped and compacted", "killed after the PV claimRef write", "killed after the selected-node annotation",
        "killed before the pod Binding", "killed after the pod Binding", "graceful restart",
    ];

    private readonly Option<int?> _podsPerRound = new("--pods-per-round") { Description = "Pods created each round (default 24; 8 in --quick)." };
    private readonly Option<int?> _livePods = new("--live-pods") { Description = "Pods kept alive: older ones are deleted with their claims before a round (default 120; 24 in --quick)." };
    private readonly Option<double?> _timeout = new("--timeout") { Description = "Seconds a round may take to place every pod before the run fails (default 120)." };

    public override string Name => "soak";

    public override string Description =>
        "The standalone host for minutes with faults on, pods churning and scheduler restarts; every pod placed and no invariant violated (fatal).";

    public override IEnumerable<Option> Options => [_podsPerRound, _livePods, _timeout];

    public override async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var quick = options.Quick;
        var report = context.Report;
        var nodes = options.Nodes ?? (quick ? 6 : 20);
        var podsPerRound = context.GetValue(_podsPerRound) ?? (quick ? 8 : 24);
        var livePods = context.GetValue(_livePods) ?? (quick ? 24 : 120);
        var duration = options.Duration ?? (quick ? TimeSpan.FromSeconds(40) : TimeSpan.FromMinutes(10));
        var maxRounds = options.Count ?? (quick ? Faults.Length : long.MaxValue);
        var roundTimeout = TimeSpan.FromSeconds(context.GetValue(_timeout) ?? 120);
        if (podsPerRound < 2 || livePods < podsPerRound) throw new ScenarioUsageException("--pods-per-round must be at least 2 and --live-pods at least --pods-per-round.");
        if (livePods / 2 > nodes * VolumesPerNode) throw new ScenarioUsageException($"--live-pods ({livePods}) needs more local PVs than {nodes} nodes hold ({VolumesPerNode} each, half the pods use one): add --nodes.");

        report.Parameters["mode"] = quick ? "quick (bounded count and time)" : "full";
        report.Parameters["duration"] = $"{duration.TotalSeconds:0} s (rounds start until then)";
        report.Parameters["nodes"] = nodes.ToString(CultureInfo.InvariantCulture);
        report.Parameters["local PVs"] = (nodes * VolumesPerNode).ToString(CultureInfo.InvariantCulture) + " (replaced when Released)";
        report.Parameters["pods per round"] = podsPerRound.ToString(CultureInfo.InvariantCulture) + " (half local, half provisioned)";
        report.Parameters["live pods"] = livePods.ToString(CultureInfo.InvariantCulture);
        report.Parameters["faults, in turn"] = string.Join("; ", Faults);

        context.Step("starting the API emulator");
        await using var emulator = await ApiEmulator.ApiEmulator.StartAsync(
            new ApiEmulatorOptions { EnableKubelet = false, ProvisioningDelay = TimeSpan.FromMilliseconds(200) }, cancellationToken).ConfigureAwait(false);
        using var admin = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        await admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } }, cancellationToken: cancellationToken).ConfigureAwait(false);
        await admin.StorageV1.CreateStorageClassAsync(E2eScenario.Class(LocalClass), cancellationToken: cancellationToken).ConfigureAwait(false);
        await admin.StorageV1.CreateStorageClassAsync(new V1StorageClass
        {
            Metadata = new V1ObjectMeta { Name = DynamicClass }, Provisioner = "csi.example.com", VolumeBindingMode = "WaitForFirstConsumer", ReclaimPolicy = "Delete",
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        var nodeNames = Enumerable.Range(0, nodes).Select(i => $"node-{i:D3}").ToArray();
        for (var i = 0; i < nodes; i++)
        {
            await admin.CoreV1.CreateNodeAsync(E2eScenario.Node(nodeNames[i], i), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        var volumeSerial = 0;
        foreach (var node in nodeNames)
        {
            for (var v = 0; v < VolumesPerNode; v++) await CreateLocalVolumeAsync(admin, node, volumeSerial++, cancellationToken).ConfigureAwait(false);
        }

        var defaults = RunSettings.From(null, leaderElect: false);
        var settings = defaults with { Queue = new QueueOptions { InitialBackoff = TimeSpan.FromMilliseconds(200), MaxBackoff = TimeSpan.FromSeconds(2) } };
        context.Step("starting the scheduler");
        var scheduler = await SoakScheduler.StartAsync(emulator.BaseAddress, settings, cancellationToken).ConfigureAwait(false);
        var dying = new List<Task>();
        var live = new Queue<string>();
        var rounds = new Dictionary<string, int>(StringComparer.Ordinal);
        var restarts = new Dictionary<string, int>(StringComparer.Ordinal);
        var violations = new List<string>();
        var missedKills = new List<string>();
        long created = 0, placed = 0, deleted = 0, recycled = 0, checks = 0;
        var unplaced = new List<string>();
        var clock = Stopwatch.StartNew();
        try
        {
            for (var round = 0; round < maxRounds && clock.Elapsed < duration && unplaced.Count == 0 && violations.Count == 0; round++)
            {
                var fault = Faults[round % Faults.Length];
                rounds[fault] = rounds.GetValueOrDefault(fault) + 1;

                // 1. Churn.
                while (live.Count > livePods - podsPerRound)
                {
                    var old = live.Dequeue();
                    await admin.CoreV1.DeleteNamespacedPodAsync(old, Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                    await admin.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync("data-" + old, Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                    deleted++;
                }
                foreach (var released in (await admin.CoreV1.ListPersistentVolumeAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Items
                    .Where(v => v.Status?.Phase == "Released" && v.Spec.StorageClassName == LocalClass))
                {
                    var node = released.Spec.NodeAffinity.Required.NodeSelectorTerms[0].MatchExpressions[0].Values[0];
                    await admin.CoreV1.DeletePersistentVolumeAsync(released.Name(), cancellationToken: cancellationToken).ConfigureAwait(false);
                    await CreateLocalVolumeAsync(admin, node, volumeSerial++, cancellationToken).ConfigureAwait(false);
                    recycled++;
                }

                // 2. The fault, and 3. the pods.
                var names = Enumerable.Range(0, podsPerRound).Select(i => $"r{round}-{i}").ToList();
                var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var current = scheduler;
                void Kill()
                {
                    current.Kill();
                    killed.TrySetResult();
                }
                var faults = emulator.Faults;
                switch (fault)
                {
                    case "409 storm on PV writes": faults.InjectConflicts("persistentvolumes", podsPerRound); break;
                    case "409 storm on claim writes": faults.InjectConflicts("persistentvolumeclaims", podsPerRound); break;
                    case "409 on pod bindings": faults.FailNext("create", "pods/binding", 409, podsPerRound / 2); break;
                    case "5xx on writes":
                        faults.FailNext("update", "persistentvolumes", 500, podsPerRound / 4 + 1);
                        faults.FailNext("update", "persistentvolumeclaims", 503, podsPerRound / 4 + 1);
                        faults.FailNext("create", "pods/binding", 500, podsPerRound / 4 + 1);
                        break;
                    case "latency on every request": faults.Latency = TimeSpan.FromMilliseconds(10); break;
                    case "killed after the PV claimRef write": faults.InterruptAfter("update", "persistentvolumes", Kill); break;
                    case "killed after the selected-node annotation": faults.InterruptAfter("update", "persistentvolumeclaims", Kill); break;
                    case "killed before the pod Binding": faults.InterruptBefore("create", "pods/binding", Kill); break;
                    case "killed after the pod Binding": faults.InterruptAfter("create", "pods/binding", Kill); break;
                }
                for (var i = 0; i < names.Count; i++)
                {
                    await admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("data-" + names[i], i % 2 == 0 ? LocalClass : DynamicClass), Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                    await admin.CoreV1.CreateNamespacedPodAsync(Pod(names[i]), Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                    created++;
                    live.Enqueue(names[i]);
                    if (fault == "watches dropped and compacted" && i == names.Count / 2)
                    {
                        faults.DropWatches();
                        faults.Compact();
                    }
                }
                if (fault.StartsWith("killed", StringComparison.Ordinal))
                {
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    wait.CancelAfter(roundTimeout);
                    try
                    {
                        await killed.Task.WaitAsync(wait.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        missedKills.Add($"round {round}: {fault}");
                        current.Kill(); // the step never came: killed anyway, at no particular step
                    }
                    dying.Add(scheduler.DisposeAsync().AsTask());
                    scheduler = await SoakScheduler.StartAsync(emulator.BaseAddress, settings, cancellationToken).ConfigureAwait(false);
                    restarts[fault] = restarts.GetValueOrDefault(fault) + 1;
                }
                else if (fault == "graceful restart")
                {
                    await scheduler.DisposeAsync().ConfigureAwait(false);
                    scheduler = await SoakScheduler.StartAsync(emulator.BaseAddress, settings, cancellationToken).ConfigureAwait(false);
                    restarts[fault] = restarts.GetValueOrDefault(fault) + 1;
                }

                // 4. Settle and check.
                unplaced.AddRange(await SettleAsync(emulator, live, roundTimeout, cancellationToken).ConfigureAwait(false));
                faults.Reset();
                if (unplaced.Count == 0) unplaced.AddRange(await SettleAsync(emulator, live, roundTimeout, cancellationToken).ConfigureAwait(false));
                placed += names.Count;
                var state = await StateLoader.ListAsync(admin, [], cancellationToken).ConfigureAwait(false);
                violations.AddRange(InvariantChecker.Check(state).Select(v => $"round {round} ({fault}): {v.Message}"));
                checks++;
                if (round % Faults.Length == Faults.Length - 1 || quick)
                    context.Step($"round {round} ({fault}): {created:N0} pods created, {live.Count} live, {deleted:N0} deleted, {restarts.Values.Sum()} restarts, {violations.Count} violations");
            }
        }
        finally
        {
            dying.Add(scheduler.DisposeAsync().AsTask());
            await Task.WhenAll(dying).ConfigureAwait(false);
        }

        var injected = emulator.Faults.Injected;
        report.Parameters["rounds"] = rounds.Values.Sum().ToString(CultureInfo.InvariantCulture);
        report.Tables.Add(new ReportTable("Faults by kind", ["fault", "rounds", "restarts survived"],
            [.. Faults.Select(f => new List<string> { f, rounds.GetValueOrDefault(f).ToString(CultureInfo.InvariantCulture), restarts.TryGetValue(f, out var r) ? r.ToString(CultureInfo.InvariantCulture) : "" })]));
        report.Tables.Add(new ReportTable("Faults injected by the emulator", ["status verb resource", "requests answered"],
            [.. injected.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => new List<string> { k.Key, k.Value.ToString("N0", CultureInfo.InvariantCulture) })],
            "Requests the emulator's fault injection answered in place of the API (interrupts: the kill points)."));
        report.Tables.Add(new ReportTable("Totals", ["what", "count"],
        [
            ["pods created", created.ToString("N0", CultureInfo.InvariantCulture)],
            ["pods placed (settled rounds)", placed.ToString("N0", CultureInfo.InvariantCulture)],
            ["pods deleted with their claims (churn)", deleted.ToString("N0", CultureInfo.InvariantCulture)],
            ["local PVs released and replaced", recycled.ToString("N0", CultureInfo.InvariantCulture)],
            ["scheduler restarts survived", restarts.Values.Sum().ToString(CultureInfo.InvariantCulture)],
            ["invariant checks (one per round)", checks.ToString(CultureInfo.InvariantCulture)],
            ["invariant violations", violations.Count.ToString(CultureInfo.InvariantCulture)],
        ]));
        report.Notes.AddRange(violations.Take(20));
        report.Checks.Add(new ReportCheck("every pod placed in every round", unplaced.Count == 0 && created > 0,
            unplaced.Count == 0 ? $"{placed:N0} of {created:N0} pods placed, each round settled" : $"not placed within {roundTimeout.TotalSeconds:0} s: {string.Join(", ", unplaced.Take(10))}"));
        report.Checks.Add(new ReportCheck("invariant violations", violations.Count == 0, $"{violations.Count} over {checks} checks" + (violations.Count > 0 ? $"; first: {violations[0]}" : "")));
        var restartRounds = rounds.Where(r => r.Key.StartsWith("killed", StringComparison.Ordinal) || r.Key == "graceful restart").Sum(r => r.Value);
        report.Checks.Add(new ReportCheck("restarts survived", restarts.Values.Sum() == restartRounds && missedKills.Count == 0,
            $"{restarts.Values.Sum()} of {restartRounds} restart rounds"
            + (missedKills.Count > 0 ? $"; the kill step never came in {string.Join(", ", missedKills)}" : "")
            + (restarts.Count > 0 ? " (" + string.Join(", ", restarts.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}: {r.Value}")) + ")" : "")));
        report.Checks.Add(new ReportCheck("faults met", injected.Values.Sum() > 0, $"{injected.Values.Sum():N0} requests answered by fault injection"));
    }

    private static async Task CreateLocalVolumeAsync(k8s.Kubernetes admin, string node, int serial, CancellationToken cancellationToken) =>
        await admin.CoreV1.CreatePersistentVolumeAsync(E2eScenario.Volume($"pv-{node}-{serial}", node, LocalClass), cancellationToken: cancellationToken).ConfigureAwait(false);

    private static V1PersistentVolumeClaim Claim(string name, string storageClass)
    {
        var claim = E2eScenario.Claim(name, storageClass);
        claim.Metadata.NamespaceProperty = Namespace;
        return claim;
    }

    private static V1Pod Pod(string name)
    {
        var pod = E2eScenario.Pod(name, "data-" + name);
        pod.Metadata.NamespaceProperty = Namespace;
        return pod;
    }

    /// <summary>Waits for every live pod to have a node and its claim to be bound; returns those that did not in time.</summary>
    private static async Task<List<string>> SettleAsync(ApiEmulator.ApiEmulator emulator, IEnumerable<string> pods, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        var missing = new List<string>();
        foreach (var pod in pods.ToList())
        {
            try
            {
                await emulator.WaitForAsync("pods", Namespace, pod, p => p["spec"]?["nodeName"] is not null, wait.Token).ConfigureAwait(false);
                await emulator.WaitForAsync("persistentvolumeclaims", Namespace, "data-" + pod, c => c["status"]?["phase"]?.GetValue<string>() == "Bound", wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (wait.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                missing.Add(pod);
            }
        }
        return missing;
    }
}
