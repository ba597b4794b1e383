using System.CommandLine;
using System.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Kubernetes.Manifests;
using VolumeAwareScheduler.Standalone;

namespace VolumeAwareScheduler.Cli;

/// <summary>
/// `demo`: the embedded default. Starts the API emulator in-process, loads the demo cluster, runs the standalone
/// scheduler against it over HTTP through KubernetesClient, creates the missing volume once a pod waits for it,
/// and tells the story as it goes.
/// </summary>
public static class DemoCommand
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var cluster = new Option<string>("--cluster") { Description = "The cluster to load.", DefaultValueFactory = _ => Path.Combine("examples", "demo", "cluster.yaml") };
        var late = new Option<string>("--late-volume") { Description = "Created once a pod waits for a volume.", DefaultValueFactory = _ => Path.Combine("examples", "demo", "late-volume.yaml") };
        var keep = new Option<bool>("--keep-running") { Description = "Leave the emulator and the scheduler running; print the kubectl line to use." };
        var noKubelet = new Option<bool>("--no-kubelet") { Description = "Do not simulate the kubelet: nodes report no conditions and bound pods stay Pending." };
        var command = new Command("demo", "Run the standalone scheduler against an embedded API emulator loaded with the demo cluster.") { cluster, late, keep, noKubelet };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                return await RunAsync(parse.GetValue(cluster)!, parse.GetValue(late)!, parse.GetValue(keep), !parse.GetValue(noKubelet), stdout, cancellationToken);
            }
            catch (ManifestException e)
            {
                stderr.WriteLine($"error: {e.Message}");
                return CommandLine.ExitBadInput;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(string clusterPath, string latePath, bool keepRunning, bool kubelet, TextWriter output, CancellationToken cancellationToken)
    {
        var clusterObjects = ManifestReader.ReadFile(clusterPath);
        var lateFileObjects = ManifestReader.ReadFile(latePath);
        foreach (var warning in IgnoredObjects.Warnings(clusterPath, clusterObjects.Where(o => !ManifestApplier.CanCreate(o)))) output.WriteLine($"warning: {warning}");
        foreach (var warning in IgnoredObjects.Warnings(latePath, lateFileObjects.Where(o => !ManifestApplier.CanCreate(o)))) output.WriteLine($"warning: {warning}");
        var objects = clusterObjects.Where(ManifestApplier.CanCreate).ToList();
        var lateObjects = lateFileObjects.Where(ManifestApplier.CanCreate).ToList();

        var clock = Stopwatch.StartNew();
        string At() => $"+{clock.Elapsed.TotalSeconds,5:0.00}s";
        await using var emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions { EnableKubelet = kubelet }, cancellationToken);
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        output.WriteLine(kubelet
            ? $"API emulator listening on {emulator.BaseAddress} (PV controller, provisioner, StatefulSet controller and kubelet simulated)."
            : $"API emulator listening on {emulator.BaseAddress} (PV controller, provisioner and StatefulSet controller simulated; no kubelet).");

        foreach (var obj in objects) await ManifestApplier.CreateAsync(client, obj, cancellationToken);
        output.WriteLine($"Loaded {clusterPath}: {Summary(objects)}.");

        var options = new StandaloneOptions();
        await using var runner = new StandaloneRunner(client, options, TimeProvider.System, NullLoggerFactory.Instance);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = runner.RunAsync(stop.Token);
        output.WriteLine($"Scheduler \"{options.SchedulerName}\" running in standalone mode, through KubernetesClient over HTTP.");
        output.WriteLine();

        var expected = ExpectedPods(objects);
        var bound = new Dictionary<ObjectKey, PodBound>();
        var waiting = new Dictionary<ObjectKey, string>();
        DateTimeOffset? lateCreatedAt = null;
        var exit = CommandLine.ExitOk;
        using (var limit = new CancellationTokenSource(Limit))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, cancellationToken))
        {
            try
            {
                await foreach (var progress in runner.Scheduler.Progress.ReadAllAsync(linked.Token))
                {
                    switch (progress)
                    {
                        case PodBound b:
                            bound[b.Pod] = b;
                            var claims = string.Join(", ", b.Volumes.StaticBindings.Select(s => $"{s.Claim.Key.Name} → {s.Volume.Name}")
                                .Concat(b.Volumes.DynamicProvisions.Select(c => $"{c.Key.Name} → provisioned")));
                            var cure = waiting.Remove(b.Pod) && lateCreatedAt is { } t ? $"  (requeued by the new volume; bound {(b.At - t).TotalSeconds:0.00}s after it appeared)" : "";
                            output.WriteLine($"  {At()}  {b.Pod,-18} → {b.Node,-8} {(claims.Length > 0 ? claims : "no claims")}{cure}");
                            break;
                        case PodUnschedulable u when !waiting.ContainsKey(u.Pod):
                            waiting[u.Pod] = u.Message;
                            output.WriteLine($"  {At()}  {u.Pod,-18} pending: {u.Message}");
                            break;
                        case BindingFailed f:
                            output.WriteLine($"  {At()}  {f.Pod,-18} binding to {f.Node} failed, retrying: {f.Error}");
                            break;
                    }
                    if (waiting.Count > 0 && lateCreatedAt is null && bound.Count + waiting.Count >= expected)
                    {
                        foreach (var obj in lateObjects) await ManifestApplier.CreateAsync(client, obj, cancellationToken);
                        lateCreatedAt = DateTimeOffset.UtcNow;
                        output.WriteLine($"  {At()}  creating {string.Join(", ", lateObjects.Select(o => o.Describe()))} from {latePath}: the event that can cure the pending pod");
                    }
                    if (bound.Count >= expected) break;
                }
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested)
            {
                output.WriteLine($"  {At()}  stopped after {Limit.TotalSeconds:0}s with {expected - bound.Count} pod(s) not placed.");
                exit = 1;
            }
        }

        if (exit == CommandLine.ExitOk)
        {
            var story = new DemoStory(client, runner.Scheduler.Progress, output, At);
            if (!await story.RunStepAsync(SpreadStatefulSetAsync, Limit, cancellationToken)) exit = 1;
            else if (!await story.RunStepAsync(GatedPodAsync, Limit, cancellationToken)) exit = 1;
        }
        if (exit == CommandLine.ExitOk) exit = await RunPreemptionStepAsync(client, runner, output, At, cancellationToken);

        output.WriteLine();
        await WriteSummaryAsync(client, output, cancellationToken);
        if (keepRunning)
        {
            output.WriteLine();
            output.WriteLine("Still running. Look with Debian's kubectl (Ctrl+C to stop):");
            output.WriteLine($"  kubectl --server {emulator.BaseAddress.ToString().TrimEnd('/')} get nodes,pv,pvc,pods -A");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C
            }
        }
        await stop.CancelAsync();
        await run;
        return exit;
    }

    /// <summary>
    /// A StatefulSet whose replicas avoid each other (required pod anti-affinity on kubernetes.io/hostname), created
    /// together (podManagementPolicy: Parallel), with one local PV per node: each replica gets its own node and
    /// that node's PV, whatever the order the replicas are scheduled in.
    /// </summary>
    private static async Task<bool> SpreadStatefulSetAsync(DemoStory story, CancellationToken cancellationToken)
    {
        var objects = ManifestReader.Read(SpreadManifest, "the anti-affinity step");
        story.Output.WriteLine();
        story.Output.WriteLine($"  {story.At()}  creating StatefulSet default/db (3 replicas, required anti-affinity on {HostnameLabel}) and one local-nvme PV per node");
        foreach (var obj in objects) await ManifestApplier.CreateAsync(story.Client, obj, cancellationToken);
        var bound = await story.WaitForBoundAsync(["default/db-0", "default/db-1", "default/db-2"], cancellationToken);
        var nodes = bound.Values.Select(b => b.Node).Distinct(StringComparer.Ordinal).Count();
        var ownVolume = bound.Values.All(b => b.Volumes.StaticBindings.All(s => s.Volume.Name == $"nvme-{b.Node}"));
        story.Output.WriteLine($"  {story.At()}  db: {bound.Count} replicas on {nodes} nodes, {(ownVolume ? "each on its node's PV" : "NOT each on its node's PV")}");
        return nodes == bound.Count && ownVolume;
    }

    /// <summary>
    /// A pod created with a scheduling gate: the API server marks it PodScheduled=False (SchedulingGated) and the
    /// scheduler keeps it out of the queue (SchedulingGates PreEnqueue); removing the gate is the update that lets it be
    /// scheduled and bound.
    /// </summary>
    private static async Task<bool> GatedPodAsync(DemoStory story, CancellationToken cancellationToken)
    {
        var key = new ObjectKey("default", "report");
        story.Output.WriteLine();
        story.Output.WriteLine($"  {story.At()}  creating pod {key} with scheduling gate {ReportGate}");
        foreach (var obj in ManifestReader.Read(GatedManifest, "the scheduling gate step")) await ManifestApplier.CreateAsync(story.Client, obj, cancellationToken);
        await story.WaitForAsync(p => p is PodGated g && g.Pod == key, cancellationToken);
        var pod = await story.Client.CoreV1.ReadNamespacedPodAsync(key.Name, key.Namespace, cancellationToken: cancellationToken);
        var scheduled = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        story.Output.WriteLine($"  {story.At()}  {key,-18} pending, not attempted: PodScheduled={scheduled?.Status} reason {scheduled?.Reason} (\"{scheduled?.Message}\")");
        if (scheduled?.Reason != "SchedulingGated") return false;

        story.Output.WriteLine($"  {story.At()}  removing the gate: the pod update that lets it into the queue");
        pod.Spec.SchedulingGates = [];
        await story.Client.CoreV1.ReplaceNamespacedPodAsync(pod, key.Name, key.Namespace, cancellationToken: cancellationToken);
        var bound = await story.WaitForBoundAsync([key.ToString()], cancellationToken);
        return bound.Count == 1;
    }

    private const string HostnameLabel = "kubernetes.io/hostname";
    private const string ReportGate = "example.com/approval";

    private static readonly string SpreadManifest = """
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: local-nvme}
        provisioner: kubernetes.io/no-provisioner
        volumeBindingMode: WaitForFirstConsumer

        """ + string.Concat(new[] { "node-a1", "node-a2", "node-b1" }.Select(LocalVolume)) + """
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db, namespace: default}
        spec:
          serviceName: db
          replicas: 3
          podManagementPolicy: Parallel
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec:
              schedulerName: volume-aware-scheduler
              affinity:
                podAntiAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                  - labelSelector: {matchLabels: {app: db}}
                    topologyKey: kubernetes.io/hostname
              containers: [{name: db, image: registry.example/db:16, resources: {requests: {cpu: 500m, memory: 1Gi}}}]
          volumeClaimTemplates:
          - metadata: {name: data}
            spec:
              storageClassName: local-nvme
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 10Gi}}
        """;

    /// <summary>A 10Gi local-nvme PV on <paramref name="node"/>, as a YAML document.</summary>
    private static string LocalVolume(string node) => """
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: nvme-NODE}
        spec:
          capacity: {storage: 10Gi}
          accessModes: [ReadWriteOnce]
          storageClassName: local-nvme
          local: {path: /mnt/nvme0}
          nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [NODE]}]}]}}

        """.Replace("NODE", node, StringComparison.Ordinal);

    private static readonly string GatedManifest = """
        apiVersion: v1
        kind: Pod
        metadata: {name: report, namespace: default}
        spec:
          schedulerName: volume-aware-scheduler
          schedulingGates: [{name: example.com/approval}]
          containers: [{name: report, image: registry.example/report:1.0, resources: {requests: {cpu: 100m, memory: 128Mi}}}]
        """;

    /// <summary>
    /// Preemption: a one-cpu node is filled by a low-priority pod; a high-priority pod that must run there preempts it
    /// (eviction through the Eviction API, the preemptor nominated) and is bound once the victim is gone.
    /// </summary>
    private static async Task<int> RunPreemptionStepAsync(k8s.Kubernetes client, StandaloneRunner runner, TextWriter output, Func<string> at, CancellationToken cancellationToken)
    {
        const string node = "node-small";
        V1Pod CpuPod(string name, string priorityClass) => new()
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
            Spec = new V1PodSpec
            {
                SchedulerName = StandaloneOptions.DefaultSchedulerName,
                PriorityClassName = priorityClass,
                TerminationGracePeriodSeconds = 0,
                Containers = [new V1Container { Name = "c", Image = "busybox", Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1") } } }],
            },
        };
        output.WriteLine();
        output.WriteLine($"  {at()}  preemption: {node} (1 cpu) runs default/batch (priority 100); default/urgent (priority 1000) needs that cpu on {node}");
        await client.SchedulingV1.CreatePriorityClassAsync(new V1PriorityClass { Metadata = new V1ObjectMeta { Name = "demo-low" }, Value = 100 }, cancellationToken: cancellationToken);
        await client.SchedulingV1.CreatePriorityClassAsync(new V1PriorityClass { Metadata = new V1ObjectMeta { Name = "demo-high" }, Value = 1000 }, cancellationToken: cancellationToken);
        await client.CoreV1.CreateNodeAsync(new V1Node
        {
            Metadata = new V1ObjectMeta { Name = node, Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = node } },
            Status = new V1NodeStatus { Allocatable = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1"), ["memory"] = new("4Gi"), ["pods"] = new("110") } },
        }, cancellationToken: cancellationToken);
        var batch = CpuPod("batch", "demo-low");
        batch.Spec.NodeName = node;
        await client.CoreV1.CreateNamespacedPodAsync(batch, "default", cancellationToken: cancellationToken);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, cancellationToken);
        try
        {
            // The scheduler must see the victim on the node before the preemptor comes.
            await runner.Cluster.Cache.WaitForAsync(c => c.Read(s => s.GetPod(new ObjectKey("default", "batch"))?.NodeName == node), TimeSpan.FromSeconds(5), TimeProvider.System, linked.Token);
            var urgent = CpuPod("urgent", "demo-high");
            urgent.Spec.NodeSelector = new Dictionary<string, string> { ["kubernetes.io/hostname"] = node };
            await client.CoreV1.CreateNamespacedPodAsync(urgent, "default", cancellationToken: cancellationToken);
            await foreach (var progress in runner.Scheduler.Progress.ReadAllAsync(linked.Token))
            {
                switch (progress)
                {
                    case PreemptionStarted p:
                        output.WriteLine($"  {at()}  {p.Pod,-18} preempts {string.Join(", ", p.Victims)} on {p.Node}: evicted through the Eviction API, {p.Pod.Name} nominated to {p.Node}");
                        break;
                    case PodBound b when b.Pod.Name == "urgent":
                        output.WriteLine($"  {at()}  {b.Pod,-18} → {b.Node,-8} no claims  (after its victim was gone)");
                        return CommandLine.ExitOk;
                }
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            output.WriteLine($"  {at()}  the preemption step did not finish within 5s.");
        }
        return 1;
    }

    private static int ExpectedPods(IReadOnlyList<ManifestObject> objects) =>
        objects.Sum(o => o.Model switch
        {
            V1Pod p when string.IsNullOrEmpty(p.Spec?.NodeName) && p.Spec?.SchedulerName == StandaloneOptions.DefaultSchedulerName => 1,
            V1StatefulSet s when s.Spec?.Template?.Spec?.SchedulerName == StandaloneOptions.DefaultSchedulerName => s.Spec.Replicas ?? 1,
            _ => 0,
        });

    private static string Summary(IReadOnlyList<ManifestObject> objects) =>
        string.Join(", ", objects.GroupBy(o => o.Kind).Select(g => $"{g.Count()} {g.Key}"));

    private static async Task WriteSummaryAsync(k8s.Kubernetes client, TextWriter output, CancellationToken cancellationToken)
    {
        var pods = await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: cancellationToken);
        var claims = (await client.CoreV1.ListPersistentVolumeClaimForAllNamespacesAsync(cancellationToken: cancellationToken)).Items
            .ToDictionary(c => (c.Namespace(), c.Name()));
        var rows = new List<string[]> { new[] { "POD", "NODE", "CLAIM", "VOLUME" } };
        foreach (var pod in pods.Items.OrderBy(p => p.Namespace(), StringComparer.Ordinal).ThenBy(p => p.Name(), StringComparer.Ordinal))
        {
            var refs = (pod.Spec.Volumes ?? []).Where(v => v.PersistentVolumeClaim is not null).Select(v => v.PersistentVolumeClaim.ClaimName).ToList();
            if (refs.Count == 0) refs.Add("");
            var first = true;
            foreach (var claimName in refs)
            {
                var volume = claimName.Length == 0 ? "-" : claims.TryGetValue((pod.Namespace(), claimName), out var c) ? c.Spec.VolumeName ?? "<unbound>" : "<missing>";
                rows.Add(first ? [$"{pod.Namespace()}/{pod.Name()}", pod.Spec.NodeName ?? "<pending>", claimName.Length == 0 ? "-" : claimName, volume] : ["", "", claimName, volume]);
                first = false;
            }
        }
        TextTable.Write(rows, output);
    }
}
