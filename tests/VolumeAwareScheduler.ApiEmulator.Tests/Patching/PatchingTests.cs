using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Patching;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Patching;

public sealed class PatchingTests
{
    public static TheoryData<string, string, string, string> MergeCases => new()
    {
        // name, target, patch, expected (RFC 7386 appendix A examples among them)
        { "replace scalar", """{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""" },
        { "add member", """{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""" },
        { "null removes", """{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""" },
        { "arrays replace", """{"a":[1,2]}""", """{"a":[3]}""", """{"a":[3]}""" },
        { "nested", """{"a":{"b":"c","d":1}}""", """{"a":{"b":"x","d":null}}""", """{"a":{"b":"x"}}""" },
        { "non-object target", """{"a":"b"}""", """{"a":{"c":null,"d":1}}""", """{"a":{"d":1}}""" },
    };

    [Theory]
    [MemberData(nameof(MergeCases))]
    public void Merge_patch(string name, string target, string patch, string expected)
    {
        _ = name;
        var result = MergePatch.Apply(JsonNode.Parse(target), JsonNode.Parse(patch));

        Assert.Equal(expected, result!.ToJsonString());
    }

    [Fact]
    public void Strategic_merge_merges_keyed_lists_and_honours_directives()
    {
        var target = JsonNode.Parse("""{"spec":{"containers":[{"name":"a","image":"1"},{"name":"b","image":"1"}]},"status":{"conditions":[{"type":"Ready","status":"False"}]}}""");
        var patch = JsonNode.Parse("""{"$setElementOrder/containers":[{"name":"a"}],"spec":{"containers":[{"name":"a","image":"2"},{"name":"b","$patch":"delete"}]},"status":{"conditions":[{"type":"Scheduled","status":"True"}]}}""");

        var result = MergePatch.ApplyStrategic(target, patch)!;

        Assert.Equal("""{"spec":{"containers":[{"name":"a","image":"2"}]},"status":{"conditions":[{"type":"Ready","status":"False"},{"type":"Scheduled","status":"True"}]}}""", result.ToJsonString());
    }

    [Fact]
    public void Strategic_merge_does_not_modify_the_target()
    {
        var target = JsonNode.Parse("""{"a":{"b":1}}""")!;

        MergePatch.ApplyStrategic(target, JsonNode.Parse("""{"a":{"b":2}}"""));

        Assert.Equal("""{"a":{"b":1}}""", target.ToJsonString());
    }

    [Theory]
    [InlineData("""[{"op":"add","path":"/b","value":2}]""", """{"a":[1,2],"b":2}""")]
    [InlineData("""[{"op":"add","path":"/a/-","value":3}]""", """{"a":[1,2,3]}""")]
    [InlineData("""[{"op":"add","path":"/a/0","value":0}]""", """{"a":[0,1,2]}""")]
    [InlineData("""[{"op":"remove","path":"/a/0"}]""", """{"a":[2]}""")]
    [InlineData("""[{"op":"replace","path":"/a","value":"x"}]""", """{"a":"x"}""")]
    [InlineData("""[{"op":"move","from":"/a","path":"/c"}]""", """{"c":[1,2]}""")]
    [InlineData("""[{"op":"copy","from":"/a/1","path":"/d"}]""", """{"a":[1,2],"d":2}""")]
    [InlineData("""[{"op":"test","path":"/a/1","value":2}]""", """{"a":[1,2]}""")]
    public void Json_patch_operations(string patch, string expected)
    {
        Assert.True(JsonPatch.TryApply(JsonNode.Parse("""{"a":[1,2]}""")!, JsonNode.Parse(patch), out var result, out var error), error);
        Assert.Equal(expected, result!.ToJsonString());
    }

    [Theory]
    [InlineData("""[{"op":"remove","path":"/missing"}]""")]
    [InlineData("""[{"op":"test","path":"/a/0","value":9}]""")]
    [InlineData("""[{"op":"bogus","path":"/a"}]""")]
    [InlineData("""{"op":"add"}""")]
    [InlineData("""[{"op":"add","path":"no-slash","value":1}]""")]
    public void Json_patch_failures_are_reported_not_thrown(string patch) =>
        Assert.False(JsonPatch.TryApply(JsonNode.Parse("""{"a":[1,2]}""")!, JsonNode.Parse(patch), out _, out _));
}
