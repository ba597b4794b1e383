using System.Text.Json;
using k8s;
using k8s.Models;
using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;
using VolumeAwareScheduler.Core.State;
using VolumeAwareScheduler.Kubernetes.Conversion;
using VolumeAwareScheduler.Kubernetes.Manifests;
using VolumeAwareScheduler.Standalone;
using VolumeAwareScheduler.Tests.Extender;
using VolumeAwareScheduler.Tests.Simulation;
using VolumeAwareScheduler.Tests.Standalone;

namespace VolumeAwareScheduler.Tests.Agreement;

/// <summary>
/// One table of Kubernetes v1.37 cases (VolumeAttributesClass matching, ReadWriteOncePod in use) run through the three
/// modes: `simulate` on the file, `serve` driven as kube-scheduler drives an extender, and `run` against the emulator
/// (with its PV controller). Each case is testdata/&lt;case&gt;/cluster.yaml and the one expected outcome of its pending
/// pod default/app in expected.json: the node and the claim's PV, or the FitError message.
/// </summary>
public sealed class ModesAgreeTests
{
    private static readonly ObjectKey App = new("default", "app");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(TestData()).Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(dir));
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Simulate_gives_the_expected_outcome(string caseName)
    {
        var (exit, stdout, stderr) = SimulateGoldenTests.Run("simulate", "--cluster", ClusterFile(caseName), "--output", "json");

        Assert.True(exit == 0, stderr);
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Single(e => e.GetProperty("pod").GetString() == App.ToString());
        var node = line.GetProperty("node").GetString();
        var volume = node is null ? null : line.GetProperty("bindings").EnumerateArray().Single().GetProperty("volume").GetString();
        var message = node is null ? line.GetProperty("message").GetString() : null;
        Assert.Equal(Expected(caseName), new Outcome(node, volume, message));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Serve_driven_as_kube_scheduler_drives_it_gives_the_expected_outcome(string caseName)
    {
        var file = ClusterFile(caseName);
        await using var host = await ExtenderTestHost.StartAsync(file);
        var objects = ManifestReader.ReadFile(file);
        var models = objects.Select(o => o.Model).ToList();
        var v1Pod = models.OfType<V1Pod>().Single(p => p.Metadata.Name == App.Name);
        v1Pod.Metadata.Uid = "uid-app";
        var pod = Converter.ToPod(v1Pod);
        var nodes = models.OfType<V1Node>().Select(Converter.ToNode).ToList();

        // kube-scheduler's own filter plugins come first, VolumeRestrictions among them (our Core plays their part
        // here); the extender (VolumeBinding's stand-in) is asked only about the nodes they pass.
        var filtered = new SchedulingFramework(InTreeProfile()).FilterAll(KubeSchedulerView(models), pod, nodes);
        var inTree = filtered.PreFilter.IsRejected
            ? nodes.Select((n, i) => new NodeOutcome(n, i, filtered.PreFilter, null)).ToList()
            : filtered.Nodes.ToList();
        var candidates = inTree.Where(o => o.Status.IsSuccess).Select(o => o.Node.Name).ToArray();
        var rejections = inTree.Where(o => !o.Status.IsSuccess).ToList();
        string[] feasible = [];
        if (candidates.Length > 0)
        {
            var args = ExtenderBehaviourTests.NamesArgs(KubernetesJson.Serialize(v1Pod), candidates);
            var filter = JsonDocument.Parse((await host.PostAsync("/scheduler/filter", args)).Body).RootElement;
            feasible = filter.GetProperty("NodeNames").ValueKind == JsonValueKind.Array ? [.. filter.GetProperty("NodeNames").EnumerateArray().Select(e => e.GetString()!)] : [];
            foreach (var failed in new[] { "FailedNodes", "FailedAndUnresolvableNodes" })
            {
                if (filter.GetProperty(failed).ValueKind != JsonValueKind.Object) continue;
                // schedule_one.go findNodesThatPassExtenders: one status per failed node, the extender's text its reason.
                foreach (var entry in filter.GetProperty(failed).EnumerateObject())
                {
                    rejections.Add(new NodeOutcome(nodes.Single(n => n.Name == entry.Name), 0, Status.Unschedulable("extender", entry.Value.GetString()!), null));
                }
            }
            if (feasible.Length > 0)
            {
                var chosen = feasible.Length == 1 ? feasible[0] : await BestScored(host, args, feasible);
                var bind = await host.PostAsync("/scheduler/bind", $$"""{"PodName":"app","PodNamespace":"default","PodUID":"uid-app","Node":"{{chosen}}"}""");
                Assert.Equal("""{"Error":""}""", bind.Body);
                var claimName = pod.Claims.Single().ClaimName;
                var volume = host.Source.Cache!.Read(claimName, static (state, name) => state.GetClaim(new ObjectKey("default", name))!.VolumeName);
                Assert.Equal(Expected(caseName), new Outcome(chosen, volume, null));
                return;
            }
        }
        // No node left: kube-scheduler's FitError over every node's status.
        Assert.Equal(Expected(caseName, extender: true), new Outcome(null, null, FitError.Message(nodes.Count, Status.Success, rejections)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Run_against_the_emulator_gives_the_expected_outcome(string caseName)
    {
        var objects = ManifestReader.ReadFile(ClusterFile(caseName));
        var others = objects.Where(o => o.Model is not V1Pod).ToList();
        var pods = objects.Where(o => o.Model is V1Pod).ToList();
        await using var cluster = await StandaloneTestCluster.StartAsync(StandaloneTestCluster.EventsOnly, async client =>
        {
            foreach (var manifest in others) await ManifestApplier.CreateAsync(client, manifest, default);
        });

        // The scheduler decides once its cache holds every node, PV and claim of the file, claims named bound: as a
        // long-running scheduler would have them. The pods then come in file order (the holder before the pod).
        var volumeNames = others.Select(o => o.Model).OfType<V1PersistentVolume>().Select(v => v.Metadata.Name).ToList();
        var claims = others.Select(o => o.Model).OfType<V1PersistentVolumeClaim>().ToList();
        var nodeNames = others.Select(o => o.Model).OfType<V1Node>().Select(n => n.Metadata.Name).ToList();
        Assert.True(await cluster.Runner.Cluster.Cache.WaitForAsync(c => c.Read(s =>
            nodeNames.All(n => s.GetNode(n) is not null)
            && volumeNames.All(v => s.Volumes.Get(v) is not null)
            && claims.All(pvc => s.GetClaim(new ObjectKey("default", pvc.Metadata.Name)) is { } claim
                && (string.IsNullOrEmpty(pvc.Spec.VolumeName) || claim.Phase == ClaimPhase.Bound))),
            StandaloneTestCluster.Patience, TimeProvider.System, default), "the scheduler's cache did not catch up");
        foreach (var manifest in pods) await ManifestApplier.CreateAsync(cluster.Client, manifest, default);

        var outcome = await FirstDecisionAsync(cluster.Runner);

        Assert.Equal(Expected(caseName), outcome);
    }

    private static async Task<Outcome> FirstDecisionAsync(StandaloneRunner runner)
    {
        using var timeout = new CancellationTokenSource(StandaloneTestCluster.Patience);
        await foreach (var progress in runner.Scheduler.Progress.ReadAllAsync(timeout.Token))
        {
            if (progress.Pod != App) continue;
            switch (progress)
            {
                case PodBound bound:
                    return new Outcome(bound.Node, bound.Volumes.StaticBindings.Single().Volume.Name, null);
                case PodUnschedulable unschedulable:
                    return new Outcome(null, null, unschedulable.Message);
            }
        }
        throw new TimeoutException($"no decision about {App}");
    }

    /// <summary>What kube-scheduler's own snapshot and PVC lister hold: the claims and the pods already on a node.</summary>
    private static ClusterState KubeSchedulerView(IEnumerable<object> models)
    {
        var state = new ClusterState(new LinearVolumeIndex());
        foreach (var model in models)
        {
            switch (model)
            {
                case V1PersistentVolumeClaim claim: state.UpsertClaim(Converter.ToClaim(claim)); break;
                case V1Pod p when !string.IsNullOrEmpty(p.Spec.NodeName): state.UpsertPod(Converter.ToPod(p)); break;
            }
        }
        return state;
    }

    /// <summary>kube-scheduler's filter plugins before the extender, in its order (the ones these cases can trip).</summary>
    private static Profile InTreeProfile()
    {
        var nodeAffinity = new NodeAffinity();
        var restrictions = new VolumeRestrictions();
        return new Profile
        {
            SchedulerName = "default-scheduler",
            PreFilter = [nodeAffinity, restrictions],
            Filter = [new NodeUnschedulable(), new NodeName(), new TaintToleration(), nodeAffinity, restrictions],
        };
    }

    /// <summary>As kube-scheduler would (with no other score): the highest extender score; ties to the name here.</summary>
    private static async Task<string> BestScored(ExtenderTestHost host, string args, string[] feasible)
    {
        var (_, body) = await host.PostAsync("/scheduler/prioritize", args);
        return JsonDocument.Parse(body).RootElement.EnumerateArray()
            .Where(e => feasible.Contains(e.GetProperty("Host").GetString()))
            .OrderByDescending(e => e.GetProperty("Score").GetInt64()).ThenBy(e => e.GetProperty("Host").GetString(), StringComparer.Ordinal)
            .First().GetProperty("Host").GetString()!;
    }

    private static string TestData() => Path.Combine(AppContext.BaseDirectory, "Agreement", "testdata");

    private static string ClusterFile(string caseName) => Path.Combine(TestData(), caseName, "cluster.yaml");

    /// <param name="extender">
    /// The outcome through kube-scheduler and the extender, where kube-scheduler's VolumeBinding is disabled: it has no
    /// PreFilterResult for bound local PVs, and the extender's profile has no DefaultPreemption (preemption is
    /// kube-scheduler's there), so a case may give its message as "extenderMessage".
    /// </param>
    private static Outcome Expected(string caseName, bool extender = false)
    {
        var e = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestData(), caseName, "expected.json"))).RootElement;
        Assert.Equal(App.ToString(), e.GetProperty("pod").GetString());
        var message = extender && e.TryGetProperty("extenderMessage", out var m) ? m.GetString() : e.GetProperty("message").GetString();
        return new Outcome(e.GetProperty("node").GetString(), e.GetProperty("volume").GetString(), message);
    }

    /// <summary>The pod's node and its claim's PV, or the FitError message when it has no node.</summary>
    private sealed record Outcome(string? Node, string? Volume, string? Message);
}
