using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Http;

/// <summary>pods/{name}/binding, with upstream's messages (pkg/registry/core/pod/storage/storage.go).</summary>
public sealed class BindingTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(o => o.EnableControllers = false);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static V1Binding Binding(string pod, string node, string? uid = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = pod, Uid = uid },
        Target = new V1ObjectReference { Kind = "Node", Name = node },
    };

    [Fact]
    public async Task Binding_sets_nodeName_and_PodScheduled()
    {
        var pod = await _cluster.Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("p"), "default");

        await _cluster.Client.CoreV1.CreateNamespacedPodBindingAsync(Binding("p", "node-1", pod.Metadata.Uid), "p", "default");

        var bound = await _cluster.Client.CoreV1.ReadNamespacedPodAsync("p", "default");
        Assert.Equal("node-1", bound.Spec.NodeName);
        Assert.Contains(bound.Status.Conditions, c => c.Type == "PodScheduled" && c.Status == "True");
    }

    [Fact]
    public async Task Binding_clears_the_nominated_node_name()
    {
        // ClearingNominatedNodeNameAfterBinding (KEP-5278, on by default since 1.35).
        var pod = await _cluster.Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("p"), "default");
        await _cluster.Client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch("""{"status":{"nominatedNodeName":"node-1"}}""", V1Patch.PatchType.MergePatch), "p", "default");

        await _cluster.Client.CoreV1.CreateNamespacedPodBindingAsync(Binding("p", "node-1", pod.Metadata.Uid), "p", "default");

        var bound = await _cluster.Client.CoreV1.ReadNamespacedPodAsync("p", "default");
        Assert.Equal("node-1", bound.Spec.NodeName);
        Assert.Null(bound.Status.NominatedNodeName);
    }

    [Fact]
    public async Task Binding_an_assigned_pod_is_409()
    {
        await _cluster.Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("p", nodeName: "node-1"), "default");

        var error = await Assert.ThrowsAsync<HttpOperationException>(
            () => _cluster.Client.CoreV1.CreateNamespacedPodBindingAsync(Binding("p", "node-2"), "p", "default"));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        Assert.Equal(
            "Operation cannot be fulfilled on pods/binding \"p\": pod p is already assigned to node \"node-1\"",
            (string?)JsonNode.Parse(error.Response.Content)!["message"]);
    }

    [Fact]
    public async Task Binding_with_a_different_uid_is_409_and_changes_nothing()
    {
        await _cluster.Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("p"), "default");

        var error = await Assert.ThrowsAsync<HttpOperationException>(
            () => _cluster.Client.CoreV1.CreateNamespacedPodBindingAsync(Binding("p", "node-1", uid: "not-the-uid"), "p", "default"));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        Assert.Equal("Conflict", (string?)JsonNode.Parse(error.Response.Content)!["reason"]);
        Assert.Null((await _cluster.Client.CoreV1.ReadNamespacedPodAsync("p", "default")).Spec.NodeName);
    }

    [Fact]
    public async Task Binding_a_missing_pod_is_404()
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(
            () => _cluster.Client.CoreV1.CreateNamespacedPodBindingAsync(Binding("ghost", "node-1"), "ghost", "default"));

        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
    }
}
