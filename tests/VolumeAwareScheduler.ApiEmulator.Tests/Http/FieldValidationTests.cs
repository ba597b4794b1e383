using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Http;

/// <summary>The fieldValidation query parameter, as k8s.io/apiserver handlers/create.go, update.go and patch.go treat it.</summary>
public sealed class FieldValidationTests : IAsyncLifetime
{
    private const string PodWithTypos = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i","imagee":"x"}],"replicass":2}}""";

    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(o => o.EnableControllers = false);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Strict_create_with_unknown_fields_is_400_with_the_strict_decoding_error()
    {
        using var response = await PostAsync("api/v1/namespaces/default/pods?fieldValidation=Strict", PodWithTypos);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("BadRequest", (string?)status["reason"]);
        Assert.Equal(
            "Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.containers[0].imagee\", unknown field \"spec.replicass\"",
            (string?)status["message"]);
        Assert.Null(_cluster.Emulator.Get("pods", "default", "p"));
    }

    [Fact]
    public async Task Warn_create_stores_the_object_and_warns_once_per_unknown_field()
    {
        using var response = await PostAsync("api/v1/namespaces/default/pods?fieldValidation=Warn", PodWithTypos);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(
            ["299 - \"unknown field \\\"spec.containers[0].imagee\\\"\"", "299 - \"unknown field \\\"spec.replicass\\\"\""],
            response.Headers.GetValues("Warning"));
        Assert.NotNull(_cluster.Emulator.Get("pods", "default", "p"));
    }

    [Theory]
    [InlineData("?fieldValidation=Ignore")]
    [InlineData("")]
    public async Task Ignore_or_no_parameter_stores_without_warnings(string query)
    {
        using var response = await PostAsync("api/v1/namespaces/default/pods" + query, PodWithTypos);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.False(response.Headers.Contains("Warning"));
    }

    [Fact]
    public async Task Strict_update_with_an_unknown_field_is_400()
    {
        await _cluster.Client.CoreV1.CreateNodeAsync(Make.Node("n1"));
        var node = _cluster.Emulator.Get("nodes", null, "n1")!;
        node["spec"] = new JsonObject { ["unschedulabel"] = true };

        using var response = await _cluster.Http.PutAsync("api/v1/nodes/n1?fieldValidation=Strict", Content(node.ToJsonString()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.EndsWith("strict decoding error: unknown field \"spec.unschedulabel\"", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Strict_patch_adding_an_unknown_field_is_422_and_changes_nothing()
    {
        await _cluster.Client.CoreV1.CreateNodeAsync(Make.Node("n1"));
        var before = _cluster.Emulator.Get("nodes", null, "n1")!;

        using var response = await PatchAsync("api/v1/nodes/n1?fieldValidation=Strict", """{"spec":{"unschedulabel":true}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Invalid", (string?)status["reason"]);
        Assert.Equal(
            " \"\" is invalid: patch: Invalid value: \"{\"spec\":{\"unschedulabel\":true}}\": strict decoding error: unknown field \"spec.unschedulabel\"",
            (string?)status["message"]);
        Assert.Equal("patch", (string?)status["details"]!["causes"]![0]!["field"]);
        Assert.True(JsonNode.DeepEquals(before, _cluster.Emulator.Get("nodes", null, "n1")));
    }

    [Fact]
    public async Task Strict_patch_of_an_object_stored_with_unknown_fields_checks_only_what_it_adds()
    {
        using (var created = await PostAsync("api/v1/namespaces/default/pods", PodWithTypos))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var response = await PatchAsync("api/v1/namespaces/default/pods/p?fieldValidation=Strict", """{"metadata":{"labels":{"a":"b"}}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Strict_binding_with_an_unknown_field_is_400_naming_the_binding()
    {
        await _cluster.Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("p"), "default");

        using var response = await PostAsync("api/v1/namespaces/default/pods/p/binding?fieldValidation=Strict",
            """{"apiVersion":"v1","kind":"Binding","metadata":{"name":"p"},"target":{"kind":"Node","name":"n1","nodeName":"n1"}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(
            "Binding in version \"v1\" cannot be handled as a Binding: strict decoding error: unknown field \"target.nodeName\"",
            (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]);
    }

    [Fact]
    public async Task An_unsupported_fieldValidation_value_is_422()
    {
        using var response = await PostAsync("api/v1/nodes?fieldValidation=Loose", """{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(
            "CreateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"Loose\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"",
            (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]);
    }

    [Fact]
    public async Task A_repeated_field_is_400_not_a_server_error()
    {
        using var response = await PostAsync("api/v1/nodes", """{"apiVersion":"v1","kind":"Node","metadata":{"name":"a","name":"b"}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BadRequest", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["reason"]);
    }

    private Task<HttpResponseMessage> PostAsync(string url, string body) => _cluster.Http.PostAsync(url, Content(body));

    private Task<HttpResponseMessage> PatchAsync(string url, string body) =>
        _cluster.Http.PatchAsync(url, new StringContent(body, Encoding.UTF8, "application/merge-patch+json"));

    private static StringContent Content(string body) => new(body, Encoding.UTF8, "application/json");
}
