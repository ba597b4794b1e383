using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Http;

public sealed class ListTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync(o => o.EnableControllers = false);
        var pods = new[]
        {
            Make.Pod("p1", labels: new Dictionary<string, string> { ["app"] = "a", ["tier"] = "web" }),
            Make.Pod("p2", nodeName: "node-1", labels: new Dictionary<string, string> { ["app"] = "b", ["tier"] = "db" }),
            Make.Pod("p3", schedulerName: "vas", labels: new Dictionary<string, string> { ["app"] = "c", ["canary"] = "true" }),
            Make.Pod("p4", ns: "other", nodeName: "node-2", labels: new Dictionary<string, string> { ["app"] = "a" }),
        };
        foreach (var pod in pods)
        {
            await _cluster.Client.CoreV1.CreateNamespacedPodAsync(pod, pod.Metadata.NamespaceProperty);
        }
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Theory]
    [InlineData("app=a", "p1,p4")]
    [InlineData("app==a", "p1,p4")]
    [InlineData("app!=a", "p2,p3")]
    [InlineData("app in (a,b)", "p1,p2,p4")]
    [InlineData("app notin (a, b)", "p3")]
    [InlineData("canary", "p3")]
    [InlineData("!canary", "p1,p2,p4")]
    [InlineData("app in (a,b),tier!=db", "p1,p4")]
    public async Task Label_selectors_filter_all_namespaces_list(string selector, string expected)
    {
        var list = await _cluster.Client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: selector);

        Assert.Equal(expected, string.Join(',', list.Items.Select(p => p.Metadata.Name).Order(StringComparer.Ordinal)));
    }

    [Theory]
    [InlineData("spec.nodeName=", "p1,p3")]
    [InlineData("spec.nodeName=node-1", "p2")]
    [InlineData("spec.nodeName!=", "p2,p4")]
    [InlineData("spec.schedulerName=vas", "p3")]
    [InlineData("spec.schedulerName==default-scheduler", "p1,p2,p4")]
    [InlineData("metadata.name!=p1,metadata.namespace=default", "p2,p3")]
    public async Task Field_selectors_filter_pods(string selector, string expected)
    {
        var list = await _cluster.Client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: selector);

        Assert.Equal(expected, string.Join(',', list.Items.Select(p => p.Metadata.Name).Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task Unsupported_field_selector_is_400()
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => _cluster.Client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.bogus=x"));

        Assert.Equal(HttpStatusCode.BadRequest, error.Response.StatusCode);
        Assert.Contains("field label not supported: spec.bogus", error.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Namespaced_list_sees_only_its_namespace()
    {
        var list = await _cluster.Client.CoreV1.ListNamespacedPodAsync("other");

        Assert.Equal(["p4"], list.Items.Select(p => p.Metadata.Name));
    }

    [Fact]
    public async Task Limit_and_continue_page_through_everything_once_in_key_order()
    {
        for (var i = 0; i < 5; i++)
        {
            await _cluster.Client.CoreV1.CreateNodeAsync(Make.Node($"node-{i}"));
        }

        var names = new List<string>();
        string? continueToken = null;
        var pages = 0;
        do
        {
            var page = await _cluster.Client.CoreV1.ListNodeAsync(limit: 2, continueParameter: continueToken);
            names.AddRange(page.Items.Select(n => n.Metadata.Name));
            continueToken = page.Metadata.ContinueProperty;
            if (pages == 0)
            {
                Assert.Equal(3, page.Metadata.RemainingItemCount);
            }

            pages++;
        }
        while (!string.IsNullOrEmpty(continueToken));

        Assert.Equal(3, pages);
        Assert.Equal(["node-0", "node-1", "node-2", "node-3", "node-4"], names);
    }

    [Fact]
    public async Task Invalid_continue_token_is_400()
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => _cluster.Client.CoreV1.ListNodeAsync(limit: 1, continueParameter: "garbage"));

        Assert.Equal(HttpStatusCode.BadRequest, error.Response.StatusCode);
    }

    [Fact]
    public async Task Table_format_of_pods_has_printPods_columns_and_cells()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/namespaces/default/pods");
        request.Headers.TryAddWithoutValidation("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        using var response = await _cluster.Http.SendAsync(request);
        var table = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal("Table", (string?)table["kind"]);
        var columns = table["columnDefinitions"]!.AsArray().Select(c => $"{(string?)c!["name"]}:{(int)c["priority"]!}").ToList();
        Assert.Equal(["Name:0", "Ready:0", "Status:0", "Restarts:0", "Age:0", "IP:1", "Node:1", "Nominated Node:1", "Readiness Gates:1"], columns);
        Assert.Equal(3, table["rows"]!.AsArray().Count);
        var p2 = table["rows"]!.AsArray().Single(r => (string?)r!["cells"]![0] == "p2")!;
        // No kubelet runs here and the emulator stores pods as created, without a phase: STATUS is empty.
        Assert.Equal(["p2", "0/1", "", "0"], p2["cells"]!.AsArray().Take(4).Select(c => (string?)c));
        Assert.Equal(["<none>", "node-1", "<none>", "<none>"], p2["cells"]!.AsArray().Skip(5).Select(c => (string?)c));
        Assert.Equal("PartialObjectMetadata", (string?)p2["object"]!["kind"]);
    }

    [Fact]
    public async Task Table_format_of_other_kinds_has_name_first_and_age_last()
    {
        await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Make.Claim("data"), "default");
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/namespaces/default/persistentvolumeclaims");
        request.Headers.TryAddWithoutValidation("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        using var response = await _cluster.Http.SendAsync(request);
        var table = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        var columns = table["columnDefinitions"]!.AsArray().Select(c => (string?)c!["name"]).ToList();
        Assert.Equal("Name", columns[0]);
        Assert.Equal("Age", columns[^1]);
        Assert.Equal("data", (string?)table["rows"]![0]!["cells"]![0]);
    }
}
