using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace VolumeAwareScheduler.ApiEmulator.Tests.OpenApi;

/// <summary>
/// The documents as kubectl 1.32 reads them: the v3 index and group/version documents (cli-runtime
/// query_param_verifier_v3.go, kubectl apply/patcher.go, explain/v2/templates/plaintext.tmpl) and the v2 document.
/// </summary>
public sealed class OpenApiDocumentTests(ReadOnlyCluster fixture) : IClassFixture<ReadOnlyCluster>
{
    private const string ProtobufV2 = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

    private HttpClient Http => fixture.Cluster.Http;

    /// <summary>Every served kind: the group/version document it is in and its kind.</summary>
    public static TheoryData<string, string, string> Kinds => new()
    {
        { "api/v1", "", "Namespace" },
        { "api/v1", "", "Node" },
        { "api/v1", "", "Pod" },
        { "api/v1", "", "PersistentVolume" },
        { "api/v1", "", "PersistentVolumeClaim" },
        { "api/v1", "", "Event" },
        { "apis/storage.k8s.io/v1", "storage.k8s.io", "StorageClass" },
        { "apis/storage.k8s.io/v1", "storage.k8s.io", "CSIDriver" },
        { "apis/storage.k8s.io/v1", "storage.k8s.io", "CSINode" },
        { "apis/storage.k8s.io/v1", "storage.k8s.io", "CSIStorageCapacity" },
        { "apis/coordination.k8s.io/v1", "coordination.k8s.io", "Lease" },
        { "apis/apps/v1", "apps", "StatefulSet" },
        { "api/v1", "", "Service" },
        { "apis/apps/v1", "apps", "ReplicaSet" },
        { "apis/policy/v1", "policy", "PodDisruptionBudget" },
        { "apis/scheduling.k8s.io/v1", "scheduling.k8s.io", "PriorityClass" },
    };

    [Fact]
    public async Task Index_lists_a_hashed_document_for_every_served_group_version()
    {
        var index = await GetJsonAsync("openapi/v3");

        var paths = index["paths"]!.AsObject();
        Assert.Equal(
            ["api/v1", "apis/apps/v1", "apis/coordination.k8s.io/v1", "apis/policy/v1", "apis/scheduling.k8s.io/v1", "apis/storage.k8s.io/v1"],
            paths.Select(p => p.Key).Order(StringComparer.Ordinal));
        foreach (var (path, entry) in paths)
        {
            var url = (string)entry!["serverRelativeURL"]!;
            Assert.Matches($"^/openapi/v3/{path}\\?hash=[0-9A-F]{{128}}$", url);
            var document = await GetJsonAsync(url.TrimStart('/'));
            Assert.Equal("3.0.0", (string?)document["openapi"]);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Every_kind_has_a_schema_with_its_kind_and_a_patch_operation_that_validates_on_the_server(string document, string group, string kind)
    {
        var gv = await GetJsonAsync("openapi/v3/" + document);
        var gvk = new JsonObject { ["group"] = group, ["kind"] = kind, ["version"] = "v1" };

        // explain and apply find the schema by x-kubernetes-group-version-kind.
        Assert.Single(gv["components"]!["schemas"]!.AsObject(), s =>
            s.Value!["x-kubernetes-group-version-kind"] is JsonArray kinds && kinds.Any(k => JsonNode.DeepEquals(k, gvk)));

        // supportsQueryParamV3: the PATCH of the kind names fieldValidation; gvkSupportsPatchOpenAPIV3: it takes a strategic merge patch.
        var patch = Assert.Single(gv["paths"]!.AsObject(), p =>
            p.Value!["patch"] is JsonObject op && JsonNode.DeepEquals(op["x-kubernetes-group-version-kind"], gvk) && !p.Key.EndsWith("/status", StringComparison.Ordinal)).Value!["patch"]!;
        Assert.Contains(patch["parameters"]!.AsArray(), p => (string?)p!["name"] == "fieldValidation");
        Assert.NotNull(patch["requestBody"]!["content"]!["application/strategic-merge-patch+json"]);
    }

    [Theory]
    [InlineData("/api/v1/namespaces/{namespace}/pods", "", "Pod")]
    [InlineData("/api/v1/pods", "", "Pod")]
    [InlineData("/api/v1/nodes", "", "Node")]
    [InlineData("/apis/storage.k8s.io/v1/storageclasses", "storage.k8s.io", "StorageClass")]
    [InlineData("/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}", "apps", "StatefulSet")]
    [InlineData("/apis/policy/v1/namespaces/{namespace}/poddisruptionbudgets", "policy", "PodDisruptionBudget")]
    [InlineData("/apis/scheduling.k8s.io/v1/priorityclasses", "scheduling.k8s.io", "PriorityClass")]
    public async Task Explain_finds_a_resource_kind_from_the_operations_on_its_path(string path, string group, string kind)
    {
        var document = path.StartsWith("/api/", StringComparison.Ordinal) ? "api/v1" : string.Join('/', path.Split('/')[1..4]);
        var gv = await GetJsonAsync("openapi/v3/" + document);

        var get = gv["paths"]![path]!["get"]!;

        Assert.True(JsonNode.DeepEquals(new JsonObject { ["group"] = group, ["kind"] = kind, ["version"] = "v1" }, get["x-kubernetes-group-version-kind"]));
    }

    [Theory]
    [InlineData("io.k8s.api.core.v1.PodSpec", "containers", "name", "merge")]
    [InlineData("io.k8s.api.core.v1.PodSpec", "volumes", "name", "merge,retainKeys")]
    [InlineData("io.k8s.api.core.v1.Container", "ports", "containerPort", "merge")]
    [InlineData("io.k8s.api.core.v1.ServiceSpec", "ports", "port", "merge")]
    [InlineData("io.k8s.api.core.v1.PodStatus", "conditions", "type", "merge")]
    [InlineData("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "ownerReferences", "uid", "merge")]
    public async Task Lists_carry_the_strategic_merge_tags_of_their_go_fields(string definition, string field, string mergeKey, string strategy)
    {
        var core = await GetJsonAsync("openapi/v3/api/v1");

        var property = core["components"]!["schemas"]![definition]!["properties"]![field]!;

        Assert.Equal(mergeKey, (string?)property["x-kubernetes-patch-merge-key"]);
        Assert.Equal(strategy, (string?)property["x-kubernetes-patch-strategy"]);
        Assert.Equal("map", (string?)property["x-kubernetes-list-type"]);
    }

    [Fact]
    public async Task The_eviction_subresource_takes_a_policy_v1_Eviction()
    {
        var core = await GetJsonAsync("openapi/v3/api/v1");

        var post = core["paths"]!["/api/v1/namespaces/{namespace}/pods/{name}/eviction"]!["post"]!;

        Assert.True(JsonNode.DeepEquals(new JsonObject { ["group"] = "policy", ["kind"] = "Eviction", ["version"] = "v1" }, post["x-kubernetes-group-version-kind"]));
        Assert.Equal("#/components/schemas/io.k8s.api.policy.v1.Eviction", (string?)post["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        Assert.NotNull(core["components"]!["schemas"]!["io.k8s.api.policy.v1.Eviction"]);
    }

    [Fact]
    public async Task Atomic_lists_have_no_merge_tags()
    {
        var core = await GetJsonAsync("openapi/v3/api/v1");

        var taints = core["components"]!["schemas"]!["io.k8s.api.core.v1.NodeSpec"]!["properties"]!["taints"]!;

        Assert.Null(taints["x-kubernetes-patch-merge-key"]);
        Assert.Equal("#/components/schemas/io.k8s.api.core.v1.Taint", (string?)taints["items"]!["$ref"]);
    }

    [Fact]
    public async Task Named_scalars_are_written_as_kube_openapi_writes_them()
    {
        var schemas = (await GetJsonAsync("openapi/v3/api/v1"))["components"]!["schemas"]!;

        Assert.Equal("""[{"type":"string"},{"type":"number"}]""", schemas["io.k8s.apimachinery.pkg.api.resource.Quantity"]!["oneOf"]!.ToJsonString());
        Assert.Equal("int-or-string", (string?)schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]!["format"]);
        Assert.Equal("date-time", (string?)schemas["io.k8s.apimachinery.pkg.apis.meta.v1.Time"]!["format"]);
        var creationTimestamp = schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]!["properties"]!["creationTimestamp"]!;
        Assert.Equal("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time", (string?)creationTimestamp["allOf"]![0]!["$ref"]);
    }

    [Fact]
    public async Task Descriptions_come_from_the_client_models_documentation()
    {
        var schemas = (await GetJsonAsync("openapi/v3/api/v1"))["components"]!["schemas"]!;

        Assert.Equal("PodSpec is a description of a pod.", (string?)schemas["io.k8s.api.core.v1.PodSpec"]!["description"]);
        Assert.StartsWith("List of containers belonging to the pod.", (string?)schemas["io.k8s.api.core.v1.PodSpec"]!["properties"]!["containers"]!["description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_group_version_document_holds_every_schema_its_paths_reach()
    {
        var apps = await GetJsonAsync("openapi/v3/apis/apps/v1");
        var schemas = apps["components"]!["schemas"]!.AsObject();

        var references = apps.ToJsonString().Split("\"#/components/schemas/").Skip(1).Select(r => r[..r.IndexOf('"')]).Distinct();

        Assert.All(references, r => Assert.True(schemas.ContainsKey(r), $"{r} is referenced but not defined"));
        Assert.True(schemas.ContainsKey("io.k8s.api.core.v1.PodTemplateSpec"));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.OK)]
    [InlineData("application/json", HttpStatusCode.OK)]
    [InlineData("*/*", HttpStatusCode.OK)]
    [InlineData(ProtobufV2 + ", application/json;q=0.5", HttpStatusCode.OK)]
    [InlineData(ProtobufV2, HttpStatusCode.NotAcceptable)]
    [InlineData("application/json;q=0", HttpStatusCode.NotAcceptable)]
    public async Task V2_is_served_as_json_and_a_request_for_protobuf_only_is_not_acceptable(string? accept, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "openapi/v2");
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await Http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal("2.0", (string?)document["swagger"]);
            Assert.Equal("#/definitions/io.k8s.api.core.v1.PodSpec", (string?)document["definitions"]!["io.k8s.api.core.v1.Pod"]!["properties"]!["spec"]!["$ref"]);
            Assert.NotNull(document["paths"]!["/api/v1/namespaces/{namespace}/pods/{name}"]!["patch"]);
        }
    }

    [Fact]
    public async Task A_stale_hash_is_redirected_and_a_current_etag_is_not_modified()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = Http.BaseAddress };
        var url = (string)(await GetJsonAsync("openapi/v3"))["paths"]!["api/v1"]!["serverRelativeURL"]!;

        using var stale = await http.GetAsync("openapi/v3/api/v1?hash=0000");
        Assert.Equal(HttpStatusCode.MovedPermanently, stale.StatusCode);
        Assert.Equal(url, stale.Headers.Location!.OriginalString);

        using var current = await http.GetAsync(url.TrimStart('/'));
        Assert.Equal("public, immutable", current.Headers.CacheControl!.ToString());
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, url.TrimStart('/'));
        revalidate.Headers.IfNoneMatch.Add(current.Headers.ETag!);
        using var notModified = await http.SendAsync(revalidate);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task An_unserved_group_version_has_no_document()
    {
        using var response = await Http.GetAsync("openapi/v3/apis/example.com/v1");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<JsonNode> GetJsonAsync(string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
