using k8s;
using k8s.Models;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Admission;

/// <summary>Service defaulting and cluster IP allocation (SetDefaults_Service, service/storage/alloc.go).</summary>
public sealed class ServiceStrategyTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(o => o.EnableControllers = false);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static V1Service Service(string name, string? clusterIp = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1ServiceSpec
        {
            ClusterIP = clusterIp,
            Selector = new Dictionary<string, string> { ["app"] = name },
            Ports = [new V1ServicePort { Port = 80 }],
        },
    };

    [Fact]
    public async Task A_service_gets_defaults_and_a_free_cluster_ip()
    {
        var first = await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(Service("a"), "default");
        var second = await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(Service("b"), "default");

        Assert.Equal("ClusterIP", first.Spec.Type);
        Assert.Equal("None", first.Spec.SessionAffinity);
        Assert.Equal("TCP", first.Spec.Ports[0].Protocol);
        Assert.Equal("80", first.Spec.Ports[0].TargetPort.Value);
        Assert.Equal("10.96.0.1", first.Spec.ClusterIP);
        Assert.Equal(["10.96.0.1"], first.Spec.ClusterIPs);
        Assert.Equal("10.96.0.2", second.Spec.ClusterIP);
    }

    [Fact]
    public async Task A_headless_service_keeps_None()
    {
        var created = await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(Service("h", clusterIp: "None"), "default");

        Assert.Equal("None", created.Spec.ClusterIP);
    }

    [Fact]
    public async Task A_replace_without_the_cluster_ip_keeps_it()
    {
        var created = await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(Service("a"), "default");
        created.Spec.ClusterIP = null;
        created.Spec.ClusterIPs = null;

        var replaced = await _cluster.Client.CoreV1.ReplaceNamespacedServiceAsync(created, "a", "default");

        Assert.Equal("10.96.0.1", replaced.Spec.ClusterIP);
    }

    [Fact]
    public async Task Services_are_listed_and_watched_by_label()
    {
        var service = Service("web");
        service.Metadata.Labels = new Dictionary<string, string> { ["tier"] = "front" };
        await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(service, "default");
        await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(Service("db"), "default");

        var front = await _cluster.Client.CoreV1.ListServiceForAllNamespacesAsync(labelSelector: "tier=front");
        Assert.Equal(["web"], front.Items.Select(s => s.Metadata.Name));

        await foreach (var (type, watched) in _cluster.Client.CoreV1.WatchListNamespacedServiceAsync("default", labelSelector: "tier=front", cancellationToken: TestCluster.Deadline()))
        {
            Assert.Equal(WatchEventType.Added, type);
            Assert.Equal("web", watched.Metadata.Name);
            break;
        }
    }
}
