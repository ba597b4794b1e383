using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Faults;

public sealed class FaultTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(o => o.EnableControllers = false);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Theory]
    [InlineData(500, "InternalError")]
    [InlineData(503, "ServiceUnavailable")]
    public async Task FailNext_fails_exactly_the_matching_requests(int code, string reason)
    {
        _cluster.Emulator.Faults.FailNext("list", "pods", code, count: 2);

        await _cluster.Client.CoreV1.ListNodeAsync();
        for (var i = 0; i < 2; i++)
        {
            var error = await Assert.ThrowsAsync<HttpOperationException>(() => _cluster.Client.CoreV1.ListNamespacedPodAsync("default"));
            Assert.Equal(code, (int)error.Response.StatusCode);
            Assert.Equal(reason, (string?)JsonNode.Parse(error.Response.Content)!["reason"]);
        }

        await _cluster.Client.CoreV1.ListNamespacedPodAsync("default");
        Assert.Equal(2, _cluster.Emulator.Faults.Injected[$"{code} list pods"]);
    }

    [Fact]
    public async Task FailNext_on_a_subresource_leaves_the_main_resource_alone()
    {
        await _cluster.Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("p"), "default");
        _cluster.Emulator.Faults.FailNext("create", "pods/binding", 500);

        var binding = new V1Binding { Metadata = new V1ObjectMeta { Name = "p" }, Target = new V1ObjectReference { Kind = "Node", Name = "n" } };
        await _cluster.Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("q"), "default");
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => _cluster.Client.CoreV1.CreateNamespacedPodBindingAsync(binding, "p", "default"));

        Assert.Equal(HttpStatusCode.InternalServerError, error.Response.StatusCode);
        await _cluster.Client.CoreV1.CreateNamespacedPodBindingAsync(binding, "p", "default");
    }

    [Fact]
    public async Task Conflict_storm_answers_updates_with_409_until_spent()
    {
        var pv = await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(Make.Volume("pv-1"));
        _cluster.Emulator.Faults.InjectConflicts("persistentvolumes", count: 2);
        pv.Metadata.Labels = new Dictionary<string, string> { ["a"] = "b" };

        for (var i = 0; i < 2; i++)
        {
            var error = await Assert.ThrowsAsync<HttpOperationException>(() => _cluster.Client.CoreV1.ReplacePersistentVolumeAsync(pv, "pv-1"));
            Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
            Assert.Contains("the object has been modified", error.Response.Content, StringComparison.Ordinal);
        }

        var updated = await _cluster.Client.CoreV1.ReplacePersistentVolumeAsync(pv, "pv-1");
        Assert.Equal("b", updated.Metadata.Labels["a"]);
    }

    [Fact]
    public async Task InterruptBefore_runs_before_the_request_lands_and_the_request_changes_nothing()
    {
        await _cluster.Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("p"), "default");
        var binding = new V1Binding { Metadata = new V1ObjectMeta { Name = "p" }, Target = new V1ObjectReference { Kind = "Node", Name = "n" } };
        string? nodeWhenInterrupted = "unset";
        _cluster.Emulator.Faults.InterruptBefore("create", "pods/binding", () => nodeWhenInterrupted = (string?)_cluster.Emulator.Get("pods", "default", "p")!["spec"]!["nodeName"]);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => _cluster.Client.CoreV1.CreateNamespacedPodBindingAsync(binding, "p", "default"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.Response.StatusCode);
        Assert.Null(nodeWhenInterrupted);
        Assert.Null((string?)_cluster.Emulator.Get("pods", "default", "p")!["spec"]!["nodeName"]);
        await _cluster.Client.CoreV1.CreateNamespacedPodBindingAsync(binding, "p", "default"); // spent after one request
    }

    [Fact]
    public async Task InterruptAfter_runs_once_the_request_is_applied_and_a_refused_request_leaves_it_armed()
    {
        var pv = await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(Make.Volume("pv-1"));
        var interrupted = new List<string?>();
        _cluster.Emulator.Faults.InterruptAfter("update", "persistentvolumes", () => interrupted.Add((string?)_cluster.Emulator.Get("persistentvolumes", null, "pv-1")!["metadata"]!["labels"]?["step"]));
        _cluster.Emulator.Faults.InjectConflicts("persistentvolumes", count: 1);
        pv.Metadata.Labels = new Dictionary<string, string> { ["step"] = "one" };

        await Assert.ThrowsAsync<HttpOperationException>(() => _cluster.Client.CoreV1.ReplacePersistentVolumeAsync(pv, "pv-1"));
        Assert.Empty(interrupted);
        pv = await _cluster.Client.CoreV1.ReplacePersistentVolumeAsync(pv, "pv-1"); // the answer still arrives: the interrupt stops the caller, not the server
        pv.Metadata.Labels["step"] = "two";
        await _cluster.Client.CoreV1.ReplacePersistentVolumeAsync(pv, "pv-1");

        Assert.Equal(["one"], interrupted);
    }

    [Fact]
    public async Task Reset_clears_pending_faults_and_latency()
    {
        _cluster.Emulator.Faults.FailNext("*", "*", 500, count: 5);
        _cluster.Emulator.Faults.Latency = TimeSpan.FromHours(1);
        _cluster.Emulator.Faults.Reset();

        Assert.Equal(TimeSpan.Zero, _cluster.Emulator.Faults.Latency);

        await _cluster.Client.CoreV1.ListNodeAsync();
    }
}
