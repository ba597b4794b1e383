using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.OpenApi;
using VolumeAwareScheduler.ApiEmulator.Patching;
using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Patching;

/// <summary>Strategic merge patches that follow the kind's schema, as strategicpatch's LookupPatchMeta does.</summary>
public sealed class SchemaAwareStrategicMergeTests
{
    private static readonly ResourceRegistry Registry = ResourceRegistry.CreateDefault();
    private static readonly ModelCatalog Catalog = ModelCatalog.Build(Registry);

    /// <summary>name, kind, target, patch, expected.</summary>
    public static TheoryData<string, string, string, string, string> Cases => new()
    {
        {
            "container ports merge by containerPort", "pods",
            """{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80},{"containerPort":81}]}]}}""",
            """{"spec":{"containers":[{"name":"a","ports":[{"containerPort":82},{"$patch":"delete","containerPort":80}]}]}}""",
            """{"spec":{"containers":[{"name":"a","ports":[{"containerPort":81},{"containerPort":82}]}]}}"""
        },
        {
            "node taints are atomic and replaced", "nodes",
            """{"spec":{"taints":[{"key":"a","effect":"NoSchedule"}]}}""",
            """{"spec":{"taints":[{"key":"b","effect":"NoSchedule"}]}}""",
            """{"spec":{"taints":[{"key":"b","effect":"NoSchedule"}]}}"""
        },
        {
            "finalizers merge as a set", "persistentvolumes",
            """{"metadata":{"finalizers":["a","b"]}}""",
            """{"metadata":{"finalizers":["b","c"]}}""",
            """{"metadata":{"finalizers":["a","b","c"]}}"""
        },
        {
            "conditions merge by type", "pods",
            """{"status":{"conditions":[{"type":"Ready","status":"False"}]}}""",
            """{"status":{"conditions":[{"type":"PodScheduled","status":"True"}]}}""",
            """{"status":{"conditions":[{"type":"Ready","status":"False"},{"type":"PodScheduled","status":"True"}]}}"""
        },
        {
            "a list under an unknown field is replaced", "pods",
            """{"spec":{"x-extra":{"containers":[{"name":"a"}]}}}""",
            """{"spec":{"x-extra":{"containers":[{"name":"b"}]}}}""",
            """{"spec":{"x-extra":{"containers":[{"name":"b"}]}}}"""
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Lists_merge_as_their_schema_says(string name, string resource, string target, string patch, string expected)
    {
        _ = name;
        var schema = PatchSchema.Of(Catalog, Registry.Find(resource)!);

        var result = MergePatch.ApplyStrategic(JsonNode.Parse(target), JsonNode.Parse(patch), schema);

        Assert.Equal(expected, result!.ToJsonString());
    }
}
