using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Hosting;

namespace VolumeAwareScheduler.Tests.Extender;

/// <summary>--ops-urls: health and metrics for kubelet and Prometheus; the verbs stay reachable only on --urls.</summary>
public sealed class OpsListenerTests
{
    [Fact]
    public async Task The_ops_listener_serves_health_but_not_the_verbs()
    {
        var opsPort = FreePort();
        var options = new ServeOptions { ClusterFile = ExtenderTestHost.ClassicCluster, Urls = "http://127.0.0.1:0", OpsUrls = $"http://127.0.0.1:{opsPort}" };
        Assert.Empty(options.Validate());
        await using var app = ExtenderHost.Build(options, configure: b => b.Logging.ClearProviders());
        await app.StartAsync();
        var main = app.Urls.Single(u => !u.EndsWith($":{opsPort}", StringComparison.Ordinal));
        using var client = new HttpClient();
        var args = ExtenderBehaviourTests.NamesArgs(ExtenderBehaviourTests.ClassicPod, "node-2");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"http://127.0.0.1:{opsPort}/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"http://127.0.0.1:{opsPort}/scheduler/filter", new StringContent(args, Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"{main}/scheduler/filter", new StringContent(args, Encoding.UTF8, "application/json"))).StatusCode);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
