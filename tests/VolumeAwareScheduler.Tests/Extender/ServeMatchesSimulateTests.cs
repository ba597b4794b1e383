using System.Text.Json;
using k8s;
using k8s.Models;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Kubernetes.Conversion;
using VolumeAwareScheduler.Kubernetes.Manifests;
using VolumeAwareScheduler.Simulation;
using VolumeAwareScheduler.Tests.Simulation;
using VolumeAwareScheduler.Core.Scheduling.Plugins;

namespace VolumeAwareScheduler.Tests.Extender;

/// <summary>One cluster, two ways: `simulate`, and kube-scheduler driving `serve` through filter → prioritize → bind.</summary>
public sealed class ServeMatchesSimulateTests
{
    [Fact]
    public async Task Classic_case_gets_the_same_node_and_PV_through_serve_as_through_simulate()
    {
        var cluster = ExtenderTestHost.ClassicCluster;
        var (exit, stdout, _) = SimulateGoldenTests.Run("simulate", "--cluster", cluster, "--output", "json");
        Assert.Equal(0, exit);
        using var simulated = JsonDocument.Parse(stdout.Split('\n')[0]);
        var simulatedNode = simulated.RootElement.GetProperty("node").GetString();
        var simulatedVolume = simulated.RootElement.GetProperty("bindings")[0].GetProperty("volume").GetString();

        await using var host = await ExtenderTestHost.StartAsync(cluster);
        var objects = ManifestReader.ReadFile(cluster);
        var v1Pod = objects.Select(o => o.Model).OfType<V1Pod>().Single();
        v1Pod.Metadata.NamespaceProperty ??= "default";
        v1Pod.Metadata.Uid = "uid-app";
        var pod = Converter.ToPod(v1Pod);
        // kube-scheduler's own filter plugins run first: the extender is sent only the nodes they pass.
        var candidates = objects.Select(o => o.Model).OfType<V1Node>().Select(Converter.ToNode)
            .Where(n => new NodeUnschedulable().Filter(null!, pod, n, 0).IsSuccess && new TaintToleration().Filter(null!, pod, n, 0).IsSuccess && new NodeAffinity().Filter(null!, pod, n, 0).IsSuccess)
            .Select(n => n.Name).ToArray();
        var args = ExtenderBehaviourTests.NamesArgs(KubernetesJson.Serialize(v1Pod), candidates);

        var filter = await host.PostAsync("/scheduler/filter", args);
        var feasible = JsonDocument.Parse(filter.Body).RootElement.GetProperty("NodeNames").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var chosen = feasible.Length == 1 ? feasible[0] : await BestScored(host, args, feasible);
        var bind = await host.PostAsync("/scheduler/bind", $$"""{"PodName":"{{pod.Key.Name}}","PodNamespace":"{{pod.Key.Namespace}}","PodUID":"uid-app","Node":"{{chosen}}"}""");

        Assert.Equal("""{"Error":""}""", bind.Body);
        Assert.Equal(simulatedNode, chosen);
        Assert.Equal(simulatedVolume, host.Source.Cache!.Read(static s => s.GetClaim(new ObjectKey("default", "data"))!.VolumeName));
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
}
