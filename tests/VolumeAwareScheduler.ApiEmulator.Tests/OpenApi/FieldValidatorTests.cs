using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.OpenApi;
using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Tests.OpenApi;

public sealed class FieldValidatorTests
{
    private static readonly ModelCatalog Catalog = ModelCatalog.Build(ResourceRegistry.CreateDefault());

    /// <summary>name, pod JSON, the unknown fields as sigs.k8s.io/json names them.</summary>
    public static TheoryData<string, string, string[]> Pods => new()
    {
        { "known fields only", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"any":"key"}},"spec":{"containers":[{"name":"c","image":"i","resources":{"requests":{"cpu":"1"}}}]}}""", [] },
        { "top level", """{"apiVersion":"v1","kind":"Pod","specc":{}}""", ["specc"] },
        { "list element", """{"spec":{"containers":[{"name":"a"},{"name":"b","imagee":"x"}]}}""", ["spec.containers[1].imagee"] },
        { "under a reference", """{"spec":{"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchFields":[],"bogus":1}]}}}}}""", ["spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].bogus"] },
        { "in metadata", """{"metadata":{"nme":"p"}}""", ["metadata.nme"] },
        { "several, in document order", """{"x":1,"spec":{"y":2},"z":3}""", ["x", "spec.y", "z"] },
        { "map values are free", """{"metadata":{"annotations":{"a":"b"}},"spec":{"nodeSelector":{"k":"v"},"overhead":{"cpu":"1"}}}""", [] },
        { "a wrong type is not an unknown field", """{"spec":{"containers":"oops"}}""", [] },
    };

    [Theory]
    [MemberData(nameof(Pods))]
    public void Unknown_fields_are_named_by_their_path(string name, string pod, string[] expected)
    {
        _ = name;

        var unknown = FieldValidator.UnknownFields(Catalog, Catalog.Find(new GroupVersionKind("", "v1", "Pod"))!, JsonNode.Parse(pod)!.AsObject());

        Assert.Equal(expected, unknown);
    }

    [Fact]
    public void Map_values_of_objects_are_checked_under_their_key()
    {
        var set = """{"spec":{"template":{"spec":{"containers":[]}},"volumeClaimTemplates":[{"spec":{"resources":{"requests":{"storage":"1Gi"}},"colour":"red"}}]}}""";

        var unknown = FieldValidator.UnknownFields(Catalog, Catalog.Find(new GroupVersionKind("apps", "v1", "StatefulSet"))!, JsonNode.Parse(set)!.AsObject());

        Assert.Equal(["spec.volumeClaimTemplates[0].spec.colour"], unknown);
    }
}
