using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Core.Invariants;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.NodeLoss;
using VolumeAwareScheduler.Kubernetes.Informers;
using VolumeAwareScheduler.NodeLoss;
using VolumeAwareScheduler.Standalone;
using VolumeAwareScheduler.Testing.Kubernetes;
using VolumeAwareScheduler.Tests.Standalone;

namespace VolumeAwareScheduler.Tests.NodeLoss;

/// <summary>
/// The node-loss policy end to end: `run`'s runner (the scheduling loop and the node-loss controller) against the
/// emulator through KubernetesClient over HTTP, with its PV controller, StatefulSet controller, pod garbage collector
/// and kubelet, all on one fake clock that only the test moves.
/// </summary>
public sealed class NodeLossEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);
    private static readonly ObjectKey Web0 = new("default", "web-0");

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
    private readonly CancellationTokenSource _stop = new();
    private ApiEmulator.ApiEmulator _emulator = null!;
    private k8s.Kubernetes _client = null!;
    private StandaloneRunner? _runner;
    private Task _run = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions { TimeProvider = _clock, PodStartupDelay = TimeSpan.Zero });
        _client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = _emulator.BaseAddress.ToString() });
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(StandaloneTestCluster.Patience);
        if (_runner is not null) await _runner.DisposeAsync();
        _client.Dispose();
        await _emulator.DisposeAsync();
        _stop.Dispose();
    }

    private async Task StartSchedulerAsync()
    {
        var options = new StandaloneOptions { NodeLoss = new NodeLossOptions { Enabled = true, GracePeriod = Grace } };
        // Watches stay open however far the test moves the clock; no audit relists in between.
        var informers = new InformerOptions { SilenceLimit = TimeSpan.FromDays(1), AuditPeriod = null };
        _runner = new StandaloneRunner(_client, options, _clock, NullLoggerFactory.Instance, StandaloneTestCluster.EventsOnly, informers);
        _run = _runner.RunAsync(_stop.Token);
        await _runner.Cluster.Synced.WaitAsync(StandaloneTestCluster.Patience);
        await NextPassAsync(); // the first pass, at start: the controller now waits on the clock
    }

    /// <summary>The controller's next pass; after it, the controller waits on the fake clock.</summary>
    private async Task<NodeLossPass> NextPassAsync()
    {
        using var timeout = new CancellationTokenSource(StandaloneTestCluster.Patience);
        return await _runner!.NodeLoss!.Passes.ReadAsync(timeout.Token);
    }

    /// <summary>Moves the clock (at least to the controller's next pass) and returns that pass.</summary>
    private Task<NodeLossPass> AdvanceToPassAsync(TimeSpan by)
    {
        _clock.Advance(by);
        return NextPassAsync();
    }

    private static CancellationToken Deadline() => new CancellationTokenSource(StandaloneTestCluster.Patience).Token;

    private static V1StorageClass OptedInClass()
    {
        var storageClass = Objects.LocalClass();
        storageClass.Metadata.Annotations = new Dictionary<string, string> { [NodeLossPolicy.Annotation] = "true" };
        return storageClass;
    }

    private static V1StatefulSet StatefulSet(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1StatefulSetSpec
        {
            Replicas = 1,
            ServiceName = name,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { SchedulerName = StandaloneOptions.DefaultSchedulerName, Containers = [new V1Container { Name = "db", Image = "registry.k8s.io/pause:3.10" }] },
            },
            VolumeClaimTemplates = [Objects.Claim("data")],
        },
    };

    /// <summary>The Events about an object (kind and name), as "Reason: message".</summary>
    private List<string> EventsAbout(string kind, string name) =>
        [.. _emulator.List("events").Where(e => (string?)e["involvedObject"]?["kind"] == kind && (string?)e["involvedObject"]?["name"] == name)
            .Select(e => $"{(string?)e["reason"]}: {(string?)e["message"]}")];

    private async Task WaitForGoneAsync(string resource, string? ns, string name)
    {
        using var watching = new CancellationTokenSource(StandaloneTestCluster.Patience);
        var changes = _emulator.WatchAsync(resource, ns, watching.Token).GetAsyncEnumerator(watching.Token);
        var next = changes.MoveNextAsync();
        try
        {
            while (_emulator.Get(resource, ns, name) is not null)
            {
                if (!await next) throw new TimeoutException($"{resource} {ns}/{name} still exists after {StandaloneTestCluster.Patience.TotalSeconds:0}s");
                next = changes.MoveNextAsync();
            }
        }
        finally
        {
            await watching.CancelAsync();
            try { await next; } catch (OperationCanceledException) { }
            await changes.DisposeAsync();
        }
    }

    private Task<JsonObject> WaitForEventAsync(string kind, string name, string reason) =>
        WaitForListedAsync("events", e => (string?)e["involvedObject"]?["kind"] == kind && (string?)e["involvedObject"]?["name"] == name && (string?)e["reason"] == reason);

    /// <summary>The first object of the kind that satisfies the condition, waiting for changes (never polling).</summary>
    private async Task<JsonObject> WaitForListedAsync(string resource, Func<JsonObject, bool> condition)
    {
        using var watching = new CancellationTokenSource(StandaloneTestCluster.Patience);
        var changes = _emulator.WatchAsync(resource, null, watching.Token).GetAsyncEnumerator(watching.Token);
        var next = changes.MoveNextAsync(); // subscribes before the first look
        try
        {
            while (true)
            {
                if (_emulator.List(resource).FirstOrDefault(condition) is { } found) return found;
                if (!await next) throw new TimeoutException($"no {resource} as expected within {StandaloneTestCluster.Patience.TotalSeconds:0}s");
                next = changes.MoveNextAsync();
            }
        }
        finally
        {
            // The feed ends when cancelled; an enumerator is disposed only after its last MoveNextAsync completed.
            await watching.CancelAsync();
            try { await next; } catch (OperationCanceledException) { }
            await changes.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_StatefulSet_pod_whose_node_is_deleted_gets_a_new_PV_on_another_node_after_the_grace_period()
    {
        await _client.CoreV1.CreateNodeAsync(Objects.Node("node-a"));
        await _client.CoreV1.CreateNodeAsync(Objects.Node("node-b"));
        await _client.StorageV1.CreateStorageClassAsync(OptedInClass());
        await _client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-a", "node-a"));
        await StartSchedulerAsync();
        await _client.AppsV1.CreateNamespacedStatefulSetAsync(StatefulSet("web"), "default");
        var placed = await StandaloneTestCluster.NextAsync<PodBound>(_runner!, Web0);
        Assert.Equal("node-a", placed.Node);
        var firstPod = await _emulator.WaitForAsync("pods", "default", "web-0", p => (string?)p["status"]?["phase"] == "Running", Deadline());
        var firstClaim = _emulator.Get("persistentvolumeclaims", "default", "data-web-0")!;

        // node-a is deleted; 40 s later the pod garbage collector removes web-0, and the StatefulSet creates it again,
        // pending: its claim is still bound to pv-a, pinned to a node that no longer exists.
        await _client.CoreV1.DeleteNodeAsync("node-a");
        // The kubelet drops the node's Lease on the controller loop's pass that also starts the pod GC's quarantine.
        await WaitForGoneAsync("leases", "kube-node-lease", "node-a");
        await _runner!.Cluster.Cache.WaitForAsync(c => c.Read(s => s.GetNode("node-a") is null), Timeout.InfiniteTimeSpan, TimeProvider.System, Deadline());
        var seen = await AdvanceToPassAsync(TimeSpan.FromSeconds(40));
        Assert.Equal(["node-a"], seen.Plan.MissingNodes);
        Assert.Empty(seen.Released);
        await _emulator.WaitForAsync("pods", "default", "web-0", p => (string?)p["metadata"]?["uid"] != (string?)firstPod["metadata"]?["uid"], Deadline());
        await StandaloneTestCluster.NextAsync<PodUnschedulable>(_runner, Web0);
        await _client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-b", "node-b"));
        await _runner.Cluster.Cache.WaitForAsync(c => c.Read(s => s.Volumes.Get("pv-b") is not null), Timeout.InfiniteTimeSpan, TimeProvider.System, Deadline());

        // The controller's next pass finds the pending pod waiting for the claim and warns on the claim and the PV,
        // naming the node and the grace period, which runs from the pass that first saw the node gone.
        var waiting = await AdvanceToPassAsync(TimeSpan.FromSeconds(10));
        var planned = Assert.Single(waiting.Plan.Claims);
        Assert.Equal(NodeLossVerdict.WaitForGracePeriod, planned.Verdict);
        Assert.Equal(seen.At + Grace, planned.ReleaseAt);
        var warning = await WaitForEventAsync("PersistentVolumeClaim", "data-web-0", NodeLossEvents.VolumeNodeLost);
        await WaitForEventAsync("PersistentVolume", "pv-a", NodeLossEvents.VolumeNodeLost);
        Assert.Contains("node node-a", (string?)warning["message"]);
        Assert.Contains("grace period 10m0s", (string?)warning["message"]);
        Assert.Equal(firstClaim["metadata"]!["uid"]!.ToString(), _emulator.Get("persistentvolumeclaims", "default", "data-web-0")!["metadata"]!["uid"]!.ToString());

        // Once the grace period has passed, the claim is released; the StatefulSet creates it again and the pod is
        // scheduled onto the free PV on node-b.
        var released = await AdvanceToPassAsync(planned.ReleaseAt - _clock.GetUtcNow());
        Assert.Equal([new ObjectKey("default", "data-web-0")], released.Released);
        var moved = await StandaloneTestCluster.NextAsync<PodBound>(_runner, Web0);
        Assert.Equal("node-b", moved.Node);
        var claim = await _emulator.WaitForAsync("persistentvolumeclaims", "default", "data-web-0", c => (string?)c["spec"]?["volumeName"] == "pv-b", Deadline());
        Assert.NotEqual(firstClaim["metadata"]!["uid"]!.ToString(), claim["metadata"]!["uid"]!.ToString());
        await _emulator.WaitForAsync("persistentvolumes", null, "pv-a", v => (string?)v["status"]?["phase"] == "Released", Deadline());

        Assert.Contains(EventsAbout("PersistentVolumeClaim", "data-web-0"), e => e.StartsWith(NodeLossEvents.ClaimReleased + ": Deleted this claim: PersistentVolume pv-a is pinned to node node-a", StringComparison.Ordinal)
            && e.Contains("grace period 10m0s", StringComparison.Ordinal) && e.Contains("pod default/web-0", StringComparison.Ordinal));
        Assert.Contains(EventsAbout("PersistentVolume", "pv-a"), e => e.StartsWith(NodeLossEvents.ClaimReleased + ": Claim default/data-web-0 was deleted: node node-a", StringComparison.Ordinal));
        // Each pass re-plans, but the warning was recorded once.
        Assert.Single(EventsAbout("PersistentVolumeClaim", "data-web-0"), e => e.StartsWith(NodeLossEvents.VolumeNodeLost, StringComparison.Ordinal));
        await _runner.Cluster.Cache.WaitForAsync(c => c.Read(s => s.Volumes.Get("pv-a")?.Phase == VolumePhase.Released && s.GetClaim(new ObjectKey("default", "data-web-0"))?.VolumeName == "pv-b"),
            Timeout.InfiniteTimeSpan, TimeProvider.System, Deadline());
        Assert.Empty(_runner.Cluster.Cache.Read(InvariantChecker.Check));
    }

    [Fact]
    public async Task A_PV_whose_node_exists_is_never_touched_while_one_whose_node_is_gone_is_released()
    {
        // node-a exists but is unreachable (tainted, so kept-0 stays pending); node-c does not exist.
        var unreachable = Objects.Node("node-a");
        unreachable.Spec = new V1NodeSpec { Taints = [new V1Taint { Key = "node.kubernetes.io/unreachable", Effect = "NoSchedule" }] };
        await _client.CoreV1.CreateNodeAsync(unreachable);
        await _client.CoreV1.CreateNodeAsync(Objects.Node("node-b"));
        await _client.StorageV1.CreateStorageClassAsync(OptedInClass());
        foreach (var (set, node) in new[] { ("kept", "node-a"), ("lost", "node-c") })
        {
            var volume = Objects.LocalVolume($"pv-{set}", node);
            volume.Spec.ClaimRef = new V1ObjectReference { NamespaceProperty = "default", Name = $"data-{set}-0" };
            await _client.CoreV1.CreatePersistentVolumeAsync(volume);
            var claim = Objects.Claim($"data-{set}-0");
            claim.Metadata.Labels = new Dictionary<string, string> { ["app"] = set };
            claim.Spec.VolumeName = $"pv-{set}";
            await _client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(claim, "default");
            await _emulator.WaitForAsync("persistentvolumeclaims", "default", $"data-{set}-0", c => (string?)c["status"]?["phase"] == "Bound", Deadline());
        }
        var kept = _emulator.Get("persistentvolumeclaims", "default", "data-kept-0")!;
        var keptVolume = _emulator.Get("persistentvolumes", null, "pv-kept")!;
        await StartSchedulerAsync();
        await _client.AppsV1.CreateNamespacedStatefulSetAsync(StatefulSet("kept"), "default");
        await _client.AppsV1.CreateNamespacedStatefulSetAsync(StatefulSet("lost"), "default");
        await StandaloneTestCluster.NextAsync<PodUnschedulable>(_runner!, new ObjectKey("default", "kept-0"));
        await StandaloneTestCluster.NextAsync<PodUnschedulable>(_runner!, new ObjectKey("default", "lost-0"));

        // node-c is seen missing at the first pass after the pods are pending; node-a never is, however long the wait.
        var waiting = await AdvanceToPassAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["node-c"], waiting.Plan.MissingNodes);
        Assert.Equal(NodeLossVerdict.WaitForGracePeriod, Assert.Single(waiting.Plan.Claims).Verdict);
        var released = await AdvanceToPassAsync(Grace);
        Assert.Equal([new ObjectKey("default", "data-lost-0")], released.Released);
        await WaitForEventAsync("PersistentVolumeClaim", "data-lost-0", NodeLossEvents.ClaimReleased);
        await WaitForEventAsync("PersistentVolume", "pv-lost", NodeLossEvents.ClaimReleased);
        var later = await AdvanceToPassAsync(Grace * 3);
        Assert.DoesNotContain(later.Plan.Claims, c => c.Claim.Key.Name == "data-kept-0");
        Assert.Empty(later.Released);

        var keptNow = _emulator.Get("persistentvolumeclaims", "default", "data-kept-0")!;
        Assert.Equal(kept["metadata"]!["uid"]!.ToString(), keptNow["metadata"]!["uid"]!.ToString());
        Assert.Equal(kept["metadata"]!["resourceVersion"]!.ToString(), keptNow["metadata"]!["resourceVersion"]!.ToString());
        Assert.Equal(keptVolume["metadata"]!["resourceVersion"]!.ToString(), _emulator.Get("persistentvolumes", null, "pv-kept")!["metadata"]!["resourceVersion"]!.ToString());
        Assert.DoesNotContain(EventsAbout("PersistentVolumeClaim", "data-kept-0"), e => e.StartsWith("VolumeNodeLost", StringComparison.Ordinal) || e.StartsWith("NodeLoss", StringComparison.Ordinal));
        Assert.Empty(EventsAbout("PersistentVolume", "pv-kept"));
    }
}
