using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Http;

public sealed class PatchTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync(o => o.EnableControllers = false);
        await _cluster.Client.CoreV1.CreatePersistentVolumeAsync(Make.Volume("pv-1", labels: new Dictionary<string, string> { ["keep"] = "1", ["drop"] = "1" }));
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Merge_patch_sets_and_removes_fields()
    {
        var patch = new V1Patch("""{"metadata":{"labels":{"drop":null,"new":"2"}},"spec":{"storageClassName":"fast"}}""", V1Patch.PatchType.MergePatch);

        var patched = await _cluster.Client.CoreV1.PatchPersistentVolumeAsync(patch, "pv-1");

        Assert.Equal(new Dictionary<string, string> { ["keep"] = "1", ["new"] = "2" }, patched.Metadata.Labels);
        Assert.Equal("fast", patched.Spec.StorageClassName);
    }

    [Fact]
    public async Task Json_patch_applies_operations_in_order()
    {
        var patch = new V1Patch(
            """[{"op":"test","path":"/spec/capacity/storage","value":"10Gi"},{"op":"replace","path":"/spec/capacity/storage","value":"20Gi"},{"op":"add","path":"/metadata/labels/x~1y","value":"z"},{"op":"remove","path":"/metadata/labels/drop"}]""",
            V1Patch.PatchType.JsonPatch);

        var patched = await _cluster.Client.CoreV1.PatchPersistentVolumeAsync(patch, "pv-1");

        Assert.Equal("20Gi", patched.Spec.Capacity["storage"].ToString());
        Assert.Equal("z", patched.Metadata.Labels["x/y"]);
        Assert.False(patched.Metadata.Labels.ContainsKey("drop"));
    }

    [Fact]
    public async Task Failed_json_patch_test_is_422_and_changes_nothing()
    {
        var patch = new V1Patch("""[{"op":"test","path":"/spec/capacity/storage","value":"1Gi"},{"op":"remove","path":"/metadata/labels"}]""", V1Patch.PatchType.JsonPatch);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => _cluster.Client.CoreV1.PatchPersistentVolumeAsync(patch, "pv-1"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        Assert.Equal("1", (await _cluster.Client.CoreV1.ReadPersistentVolumeAsync("pv-1")).Metadata.Labels["keep"]);
    }

    [Fact]
    public async Task Merge_patch_with_stale_resourceVersion_is_409()
    {
        var patch = new V1Patch("""{"metadata":{"resourceVersion":"1","labels":{"a":"b"}}}""", V1Patch.PatchType.MergePatch);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => _cluster.Client.CoreV1.PatchPersistentVolumeAsync(patch, "pv-1"));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
    }

    [Fact]
    public async Task Strategic_merge_patch_of_status_merges_conditions_by_type()
    {
        var pod = Make.Pod("p");
        await _cluster.Client.CoreV1.CreateNamespacedPodAsync(pod, "default");
        var seed = new V1Patch("""{"status":{"conditions":[{"type":"PodScheduled","status":"False"},{"type":"Ready","status":"False"}]}}""", V1Patch.PatchType.MergePatch);
        await _cluster.Client.CoreV1.PatchNamespacedPodStatusAsync(seed, "p", "default");

        var patch = new V1Patch("""{"status":{"conditions":[{"type":"Ready","status":"True"}]}}""", V1Patch.PatchType.StrategicMergePatch);
        var patched = await _cluster.Client.CoreV1.PatchNamespacedPodStatusAsync(patch, "p", "default");

        Assert.Equal(["PodScheduled=False", "Ready=True"], patched.Status.Conditions.Select(c => $"{c.Type}={c.Status}"));
    }

    [Fact]
    public async Task Unsupported_patch_type_is_415()
    {
        using var content = new StringContent("x: y");
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/apply-patch+yaml");
        using var response = await _cluster.Http.PatchAsync("api/v1/persistentvolumes/pv-1", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }
}
