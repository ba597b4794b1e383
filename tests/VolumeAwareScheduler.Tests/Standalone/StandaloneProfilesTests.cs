using k8s;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Standalone;
using VolumeAwareScheduler.Testing.Kubernetes;

namespace VolumeAwareScheduler.Tests.Standalone;

/// <summary>run with several profiles (--config): each pod is decided by the profile its spec.schedulerName names.</summary>
public sealed class StandaloneProfilesTests
{
    private const string Config = """
        apiVersion: kubescheduler.config.k8s.io/v1
        kind: KubeSchedulerConfiguration
        profiles:
          - schedulerName: best-fit
          - schedulerName: most-free
            pluginConfig:
              - name: VolumeBinding
                args:
                  shape: [{utilization: 0, score: 10}, {utilization: 100, score: 0}]
        """;

    [Fact]
    public async Task Each_pod_is_scheduled_by_the_profile_its_scheduler_name_names()
    {
        var settings = RunSettings.From(SchedulerConfigurationFile.Parse(Config, "scheduler.yaml"));
        await using var cluster = await StandaloneTestCluster.StartAsync(new StandaloneOptions { Profiles = settings.Profiles }, settings.Queue,
            Objects.Node("node-1"), Objects.Node("node-2"));
        var client = cluster.Client;
        // Each node has room for both claims: node-1 in small PVs, node-2 in large ones.
        foreach (var (name, node, size) in new[] { ("small-1", "node-1", "6Gi"), ("small-2", "node-1", "6Gi"), ("large-1", "node-2", "100Gi"), ("large-2", "node-2", "100Gi") })
            await client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume(name, node, size));
        await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("data-a"), "default");
        await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("data-b"), "default");

        await client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("a", "data-a", schedulerName: "best-fit"), "default");
        await client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("b", "data-b", schedulerName: "most-free"), "default");

        var bound = new Dictionary<string, PodBound>();
        using var timeout = new CancellationTokenSource(StandaloneTestCluster.Patience);
        await foreach (var progress in cluster.Runner.Scheduler.Progress.ReadAllAsync(timeout.Token))
        {
            if (progress is PodBound b) bound[b.Pod.Name] = b;
            if (bound.Count == 2) break;
        }

        Assert.Equal("node-1", bound["a"].Node);
        Assert.StartsWith("small-", Assert.Single(bound["a"].Volumes.StaticBindings).Volume.Name, StringComparison.Ordinal);
        Assert.Equal("node-2", bound["b"].Node);
        Assert.StartsWith("large-", Assert.Single(bound["b"].Volumes.StaticBindings).Volume.Name, StringComparison.Ordinal);
        Assert.Equal(["best-fit", "most-free"], cluster.Runner.Scheduler.SchedulerNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Two_profiles_of_one_name_are_refused()
    {
        var profile = Core.Scheduling.Framework.Profiles.Default("same");
        var error = Assert.Throws<ArgumentException>(() => new StandaloneOptions { Profiles = [profile, Core.Scheduling.Framework.Profiles.Default("same")] }.EffectiveProfiles());
        Assert.StartsWith("Two profiles are named same.", error.Message, StringComparison.Ordinal);
    }
}
