using VolumeAwareScheduler.Testing.Kubernetes;
using System.Collections.Concurrent;
using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.NodeLoss;
using VolumeAwareScheduler.NodeLoss;
using VolumeAwareScheduler.Standalone;

namespace VolumeAwareScheduler.Tests.Standalone;

/// <summary>
/// deploy/standalone/rbac.yaml grants exactly what the standalone scheduler uses: every request the code makes
/// against the emulator (leader election, informers, static binding, provisioning, an unschedulable pod, preemption,
/// the node-loss policy releasing a claim) is
/// recorded as (group, resource, verb) and compared with the rules, both ways.
/// </summary>
public sealed class StandaloneRbacTests
{
    [Fact]
    public async Task Rbac_rules_cover_every_api_call_and_nothing_more()
    {
        var granted = GrantedByManifest(Path.Combine(RepositoryRoot(), "deploy", "standalone", "rbac.yaml"));
        var recorder = new RecordingHandler();
        await using var emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions());
        using var admin = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() }, recorder);

        await admin.CoreV1.CreateNodeAsync(Objects.Node("node-1"));
        await admin.StorageV1.CreateStorageClassAsync(Objects.LocalClass());
        await admin.StorageV1.CreateStorageClassAsync(new V1StorageClass { Metadata = new V1ObjectMeta { Name = "dynamic" }, Provisioner = "csi.example.com", VolumeBindingMode = "WaitForFirstConsumer" });
        await admin.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-1", "node-1"));
        await admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("static"), "default");
        await admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("provisioned", storageClass: "dynamic"), "default");
        await admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("never", "1Ti"), "default");

        // Leader election as `run` does it.
        using var elector = new LeaderElector(new LeaderElectionConfig(new LeaseLock(client, "kube-system", "volume-aware-scheduler", "test"))
        {
            LeaseDuration = TimeSpan.FromSeconds(15), RenewDeadline = TimeSpan.FromSeconds(10), RetryPeriod = TimeSpan.FromSeconds(2),
        });
        var leading = new TaskCompletionSource();
        elector.OnStartedLeading += () => leading.TrySetResult();
        using var stopElection = new CancellationTokenSource();
        var election = elector.RunUntilLeadershipLostAsync(stopElection.Token);
        await leading.Task.WaitAsync(TimeSpan.FromSeconds(20));

        // The node-loss policy, on: a StatefulSet's pending pod waits for a claim bound to a PV pinned to a node that is gone.
        var lostClass = Objects.LocalClass("lost");
        lostClass.Metadata.Annotations = new Dictionary<string, string> { [NodeLossPolicy.Annotation] = "true" };
        await admin.StorageV1.CreateStorageClassAsync(lostClass);
        var lostVolume = Objects.LocalVolume("pv-gone", "node-gone", storageClass: "lost");
        lostVolume.Spec.ClaimRef = new V1ObjectReference { NamespaceProperty = "default", Name = "data-gone-0" };
        await admin.CoreV1.CreatePersistentVolumeAsync(lostVolume);
        var lostClaim = Objects.Claim("data-gone-0", storageClass: "lost");
        lostClaim.Spec.VolumeName = "pv-gone";
        await admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(lostClaim, "default");
        var lostPod = Objects.Pod("gone-0", "data-gone-0", schedulerName: "other-scheduler");
        lostPod.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "StatefulSet", Name = "gone", Uid = "gone-uid", Controller = true }];
        await admin.CoreV1.CreateNamespacedPodAsync(lostPod, "default");
        var nodeLoss = new NodeLossOptions { Enabled = true, GracePeriod = TimeSpan.FromSeconds(1), ResyncPeriod = TimeSpan.FromMilliseconds(200) };

        await using (var runner = new StandaloneRunner(client, new StandaloneOptions { NodeLoss = nodeLoss }, TimeProvider.System, NullLoggerFactory.Instance))
        {
            using var stop = new CancellationTokenSource();
            var run = runner.RunAsync(stop.Token);
            await admin.CoreV1.CreateNamespacedPodAsync(Objects.Pod("a", "static"), "default");
            await admin.CoreV1.CreateNamespacedPodAsync(Objects.Pod("b", "provisioned"), "default");
            await admin.CoreV1.CreateNamespacedPodAsync(Objects.Pod("c", "never"), "default");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                await foreach (var p in runner.Scheduler.Progress.ReadAllAsync(timeout.Token))
                {
                    if (p is PodBound or PodUnschedulable) seen.Add(p.Pod.Name);
                    if (seen.SetEquals(["a", "b", "c"])) break;
                }
            }
            // The unschedulable report (event + status patch) is written in the background: wait for the event.
            await emulator.WaitForAsync("pods", "default", "c", p => p["status"]?["conditions"]?.AsArray().Any(c => c?["reason"]?.GetValue<string>() == "Unschedulable") == true,
                new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
            // A node change sends "c" back to the queue; it fails again with the same message, so its event is patched
            // (count 2), not created again.
            await admin.CoreV1.PatchNodeAsync(new V1Patch("""{"metadata":{"labels":{"disk":"ssd"}}}""", V1Patch.PatchType.MergePatch), "node-1");
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                while ((await admin.CoreV1.ListNamespacedEventAsync("default", cancellationToken: timeout.Token)).Items
                    .All(e => e.InvolvedObject.Name != "c" || e.Reason != "FailedScheduling" || e.Count < 2))
                {
                    await Task.Delay(100, timeout.Token);
                }
            }

            // Preemption: the node's cpu is taken by a low-priority pod whose budget allows no disruption, so the
            // eviction is refused (429) and the victim is deleted; the preemptor is nominated, then bound.
            await admin.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(new V1PodDisruptionBudget
            {
                Metadata = new V1ObjectMeta { Name = "low" },
                Spec = new V1PodDisruptionBudgetSpec { MinAvailable = 1, Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "low" } } },
            }, "default");
            await admin.SchedulingV1.CreatePriorityClassAsync(new V1PriorityClass { Metadata = new V1ObjectMeta { Name = "high" }, Value = 1000 });
            var low = Objects.Pod("low", null);
            low.Metadata.Labels = new Dictionary<string, string> { ["app"] = "low" };
            low.Spec.NodeName = "node-1";
            low.Spec.TerminationGracePeriodSeconds = 0;
            low.Spec.Containers[0].Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("4") } };
            var running = emulator.WaitForAsync("pods", "default", "low", p => p["status"]?["phase"]?.GetValue<string>() == "Running", new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
            var counted = emulator.WaitForAsync("poddisruptionbudgets", "default", "low", b => b["status"]?["currentHealthy"]?.GetValue<int>() == 1, new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
            await admin.CoreV1.CreateNamespacedPodAsync(low, "default");
            await running;
            await counted;
            var high = Objects.Pod("high", null);
            high.Spec.PriorityClassName = "high";
            high.Spec.Containers[0].Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("4") } };
            await admin.CoreV1.CreateNamespacedPodAsync(high, "default");
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                await foreach (var p in runner.Scheduler.Progress.ReadAllAsync(timeout.Token))
                {
                    if (p is PodBound { Pod.Name: "high" }) break;
                }
            }
            // The node-loss policy has released the claim: the PV controller marks its PV Released.
            await emulator.WaitForAsync("persistentvolumes", null, "pv-gone", v => v["status"]?["phase"]?.GetValue<string>() == "Released",
                new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
            await stop.CancelAsync();
            await run;
        }
        // Renewing the lease (an update) happens every retry period: make sure the run included one.
        var acquired = emulator.Get("leases", "kube-system", "volume-aware-scheduler")!["spec"]!["renewTime"]!.ToJsonString();
        await emulator.WaitForAsync("leases", "kube-system", "volume-aware-scheduler", l => l["spec"]?["renewTime"]?.ToJsonString() != acquired,
            new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
        await stopElection.CancelAsync();
        try { await election; } catch (OperationCanceledException) { }

        var used = recorder.Calls.ToHashSet();
        Assert.Empty(used.Except(granted).Select(c => $"missing grant: {c}"));
        Assert.Empty(granted.Except(used).Select(c => $"unused grant: {c}"));
    }

    private static HashSet<string> GrantedByManifest(string path) =>
        Granted(KubernetesYaml.LoadAllFromString(File.ReadAllText(path)).SelectMany(obj => obj switch
        {
            V1ClusterRole cr => cr.Rules,
            V1Role r => r.Rules,
            _ => [],
        }));

    /// <summary>Each (group, resource, verb) the rules grant, as "group/resource:verb".</summary>
    internal static HashSet<string> Granted(IEnumerable<V1PolicyRule> rules)
    {
        var granted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in rules)
        foreach (var group in rule.ApiGroups)
        foreach (var resource in rule.Resources)
        foreach (var verb in rule.Verbs)
            granted.Add($"{group}/{resource}:{verb}");
        return granted;
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VolumeAwareScheduler.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    /// <summary>Records each request as "group/resource:verb" the way the API server's authorizer sees it.</summary>
    private sealed class RecordingHandler : DelegatingHandler
    {
        public ConcurrentBag<string> Calls { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls.Add(Describe(request));
            return base.SendAsync(request, cancellationToken);
        }

        private static string Describe(HttpRequestMessage request)
        {
            var segments = request.RequestUri!.AbsolutePath.Trim('/').Split('/');
            var (group, rest) = segments[0] == "api" ? ("", segments[2..]) : (segments[1], segments[3..]);
            if (rest.Length >= 2 && rest[0] == "namespaces") rest = rest[2..];
            var resource = rest[0] + (rest.Length >= 3 ? "/" + rest[2] : "");
            var isItem = rest.Length >= 2;
            var query = request.RequestUri.Query;
            var verb = request.Method.Method switch
            {
                "GET" when query.Contains("watch=true", StringComparison.Ordinal) => "watch",
                "GET" => isItem ? "get" : "list",
                "POST" => "create",
                "PUT" => "update",
                "PATCH" => "patch",
                "DELETE" => "delete",
                var m => m,
            };
            return $"{group}/{resource}:{verb}";
        }
    }
}
