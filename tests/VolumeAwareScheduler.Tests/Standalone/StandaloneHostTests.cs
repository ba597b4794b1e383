using System.Net;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Standalone;
using VolumeAwareScheduler.Testing.Kubernetes;

namespace VolumeAwareScheduler.Tests.Standalone;

/// <summary>`run` on the generic host: the runner and the scheduling loop start and stop with the host.</summary>
public sealed class StandaloneHostTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_host_schedules_from_start_and_stops_cleanly(bool leaderElect)
    {
        await using var emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions());
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        await client.CoreV1.CreateNodeAsync(Objects.Node("node-1"));
        var settings = RunSettings.From(null, leaderElect: leaderElect, leaseNamespace: "default");
        using var host = StandaloneHost.Build(client, settings, "127.0.0.1:0", _ => { });

        await host.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(((WebApplication)host).Urls.Single()) };
        await client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("app", null, schedulerName: StandaloneOptions.DefaultSchedulerName), "default");
        var progress = await StandaloneTestCluster.NextAsync<PodBound>(host.Services.GetRequiredService<StandaloneRunner>(), new ObjectKey("default", "app"));
        var ready = (await http.GetAsync("/readyz")).StatusCode;
        await host.StopAsync().WaitAsync(Patience);

        Assert.Equal("node-1", progress.Node);
        Assert.Equal("node-1", (await client.CoreV1.ReadNamespacedPodAsync("app", "default")).Spec.NodeName);
        Assert.Equal(HttpStatusCode.OK, ready);
        Assert.Null(host.Services.GetRequiredService<SchedulingService>().Failure);
    }
}
