using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Http;

public sealed class CrudTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(o => o.EnableControllers = false);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    /// <summary>Collection URL and a minimal object for every served kind.</summary>
    public static TheoryData<string, string, string> Kinds => new()
    {
        { "api/v1/namespaces", "v1", "Namespace" },
        { "api/v1/nodes", "v1", "Node" },
        { "api/v1/namespaces/default/pods", "v1", "Pod" },
        { "api/v1/persistentvolumes", "v1", "PersistentVolume" },
        { "api/v1/namespaces/default/persistentvolumeclaims", "v1", "PersistentVolumeClaim" },
        { "api/v1/namespaces/default/events", "v1", "Event" },
        { "apis/storage.k8s.io/v1/storageclasses", "storage.k8s.io/v1", "StorageClass" },
        { "apis/storage.k8s.io/v1/csidrivers", "storage.k8s.io/v1", "CSIDriver" },
        { "apis/storage.k8s.io/v1/csinodes", "storage.k8s.io/v1", "CSINode" },
        { "apis/storage.k8s.io/v1/namespaces/default/csistoragecapacities", "storage.k8s.io/v1", "CSIStorageCapacity" },
        { "apis/coordination.k8s.io/v1/namespaces/default/leases", "coordination.k8s.io/v1", "Lease" },
        { "apis/apps/v1/namespaces/default/statefulsets", "apps/v1", "StatefulSet" },
        { "api/v1/namespaces/default/services", "v1", "Service" },
        { "apis/apps/v1/namespaces/default/replicasets", "apps/v1", "ReplicaSet" },
        { "apis/policy/v1/namespaces/default/poddisruptionbudgets", "policy/v1", "PodDisruptionBudget" },
        { "apis/scheduling.k8s.io/v1/priorityclasses", "scheduling.k8s.io/v1", "PriorityClass" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Create_get_list_update_delete_round_trip_unknown_fields(string collection, string apiVersion, string kind)
    {
        var http = _cluster.Http;
        var body = $$$"""{"apiVersion":"{{{apiVersion}}}","kind":"{{{kind}}}","metadata":{"name":"obj-1","labels":{"app":"x"}},"spec":{"x-unknown":{"nested":[1,2.50,"three"]}},"extra":true}""";

        var created = await http.PostAsync(collection, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var createdObject = JsonNode.Parse(await created.Content.ReadAsStringAsync())!.AsObject();
        Assert.False(string.IsNullOrEmpty((string?)createdObject["metadata"]!["uid"]));
        Assert.NotNull(createdObject["metadata"]!["creationTimestamp"]);
        Assert.Equal("""{"nested":[1,2.50,"three"]}""", createdObject["spec"]!["x-unknown"]!.ToJsonString());
        Assert.Equal("true", createdObject["extra"]!.ToJsonString());

        var fetched = JsonNode.Parse(await http.GetStringAsync($"{collection}/obj-1"))!.AsObject();
        Assert.True(JsonNode.DeepEquals(createdObject, fetched));

        var list = JsonNode.Parse(await http.GetStringAsync(collection))!.AsObject();
        Assert.Equal(kind + "List", (string?)list["kind"]);
        Assert.Contains(list["items"]!.AsArray(), item => (string?)item!["metadata"]!["name"] == "obj-1");

        fetched["spec"]!["x-unknown"] = "changed";
        var updated = await http.PutAsJsonAsync($"{collection}/obj-1", fetched);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var updatedObject = JsonNode.Parse(await updated.Content.ReadAsStringAsync())!;
        Assert.Equal("changed", (string?)updatedObject["spec"]!["x-unknown"]);
        Assert.True(long.Parse((string)updatedObject["metadata"]!["resourceVersion"]!) > long.Parse((string)createdObject["metadata"]!["resourceVersion"]!));

        var deleted = await http.DeleteAsync($"{collection}/obj-1");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        var gone = await http.GetAsync($"{collection}/obj-1");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Typed_client_creates_reads_lists_and_deletes_volumes()
    {
        var client = _cluster.Client;
        var created = await client.CoreV1.CreatePersistentVolumeAsync(Make.Volume("pv-1"));
        Assert.Equal("pv-1", created.Metadata.Name);

        var read = await client.CoreV1.ReadPersistentVolumeAsync("pv-1");
        Assert.Equal("10Gi", read.Spec.Capacity["storage"].ToString());

        var list = await client.CoreV1.ListPersistentVolumeAsync();
        Assert.Single(list.Items);
        Assert.False(string.IsNullOrEmpty(list.Metadata.ResourceVersion));

        await client.CoreV1.DeletePersistentVolumeAsync("pv-1");
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadPersistentVolumeAsync("pv-1"));
        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
    }

    [Fact]
    public async Task Create_twice_is_409_AlreadyExists()
    {
        await _cluster.Client.CoreV1.CreateNodeAsync(Make.Node("node-1"));

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => _cluster.Client.CoreV1.CreateNodeAsync(Make.Node("node-1")));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        var status = JsonNode.Parse(error.Response.Content)!;
        Assert.Equal("AlreadyExists", (string?)status["reason"]);
        Assert.Equal("nodes \"node-1\" already exists", (string?)status["message"]);
        Assert.Equal("node-1", (string?)status["details"]!["name"]);
    }

    [Fact]
    public async Task Update_with_stale_resourceVersion_is_409_Conflict_with_upstream_message()
    {
        var created = await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(Make.Volume("pv-1"));
        created.Metadata.Labels = new Dictionary<string, string> { ["a"] = "1" };
        await _cluster.Client.CoreV1.ReplacePersistentVolumeAsync(created, "pv-1");

        created.Metadata.Labels["a"] = "2";
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => _cluster.Client.CoreV1.ReplacePersistentVolumeAsync(created, "pv-1"));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        var status = JsonNode.Parse(error.Response.Content)!;
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal("Failure", (string?)status["status"]);
        Assert.Equal("Conflict", (string?)status["reason"]);
        Assert.Equal(409, (int)status["code"]!);
        Assert.Equal(
            "Operation cannot be fulfilled on persistentvolumes \"pv-1\": the object has been modified; please apply your changes to the latest version and try again",
            (string?)status["message"]);
    }

    [Fact]
    public async Task GenerateName_assigns_a_unique_name()
    {
        var pod = Make.Pod(name: null!);
        pod.Metadata.GenerateName = "web-";

        var first = await _cluster.Client.CoreV1.CreateNamespacedPodAsync(pod, "default");
        var second = await _cluster.Client.CoreV1.CreateNamespacedPodAsync(pod, "default");

        Assert.StartsWith("web-", first.Metadata.Name, StringComparison.Ordinal);
        Assert.NotEqual(first.Metadata.Name, second.Metadata.Name);
    }

    [Fact]
    public async Task Missing_name_is_422_Invalid()
    {
        var response = await _cluster.Http.PostAsync("api/v1/nodes", new StringContent("""{"apiVersion":"v1","kind":"Node","metadata":{}}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Invalid", (string?)status["reason"]);
        Assert.Equal("metadata.name", (string?)status["details"]!["causes"]![0]!["field"]);
    }

    [Fact]
    public async Task Malformed_json_is_400_BadRequest()
    {
        var response = await _cluster.Http.PostAsync("api/v1/nodes", new StringContent("{not json", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BadRequest", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["reason"]);
    }

    [Fact]
    public async Task Unknown_path_is_404_Status()
    {
        var response = await _cluster.Http.GetAsync("apis/example.com/v1/widgets");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("NotFound", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["reason"]);
    }

    [Fact]
    public async Task Main_resource_update_keeps_status_and_status_subresource_changes_only_status()
    {
        var claim = await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Make.Claim("c1"), "default");
        claim.Status = new V1PersistentVolumeClaimStatus { Phase = "Bound" };
        claim.Spec.VolumeName = "ignored-by-status-update";

        var afterStatus = await _cluster.Client.CoreV1.ReplaceNamespacedPersistentVolumeClaimStatusAsync(claim, "c1", "default");
        Assert.Equal("Bound", afterStatus.Status.Phase);
        Assert.Null(afterStatus.Spec.VolumeName);

        afterStatus.Status.Phase = "Lost";
        afterStatus.Metadata.Labels = new Dictionary<string, string> { ["l"] = "v" };
        var afterMain = await _cluster.Client.CoreV1.ReplaceNamespacedPersistentVolumeClaimAsync(afterStatus, "c1", "default");
        Assert.Equal("Bound", afterMain.Status.Phase);
        Assert.Equal("v", afterMain.Metadata.Labels["l"]);
    }

    [Fact]
    public async Task Finalizers_keep_an_object_until_removed()
    {
        var pv = Make.Volume("pv-1");
        pv.Metadata.Finalizers = ["example.com/protect"];
        await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(pv);

        await _cluster.Client.CoreV1.DeletePersistentVolumeAsync("pv-1");
        var terminating = await _cluster.Client.CoreV1.ReadPersistentVolumeAsync("pv-1");
        Assert.NotNull(terminating.Metadata.DeletionTimestamp);

        var patch = new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch);
        await _cluster.Client.CoreV1.PatchPersistentVolumeAsync(patch, "pv-1");

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => _cluster.Client.CoreV1.ReadPersistentVolumeAsync("pv-1"));
        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
    }

    [Fact]
    public async Task In_process_seed_is_visible_over_http_and_in_process_reads_see_http_writes()
    {
        await _cluster.Emulator.CreateAsync(Make.Json(Make.Node("seeded")));
        await _cluster.Client.CoreV1.CreateNodeAsync(Make.Node("over-http"));

        var viaHttp = await _cluster.Client.CoreV1.ReadNodeAsync("seeded");
        Assert.Equal("seeded", viaHttp.Metadata.Name);
        Assert.NotNull(_cluster.Emulator.Get("nodes", null, "over-http"));
        Assert.Equal(["over-http", "seeded"], _cluster.Emulator.List("no").Select(n => (string)n["metadata"]!["name"]!));
    }

    [Fact]
    public async Task In_process_create_reports_refusals_as_ApiEmulatorException()
    {
        await _cluster.Emulator.CreateAsync(Make.Json(Make.Node("n")));

        var error = await Assert.ThrowsAsync<ApiEmulatorException>(() => _cluster.Emulator.CreateAsync(Make.Json(Make.Node("n"))));

        Assert.Equal(409, error.StatusCode);
        Assert.Equal("AlreadyExists", error.Reason);
    }
}
