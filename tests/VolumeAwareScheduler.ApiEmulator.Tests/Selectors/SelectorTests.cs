using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Resources;
using VolumeAwareScheduler.ApiEmulator.Selectors;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Selectors;

public sealed class SelectorTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "web", ["tier"] = "front", ["rank"] = "3" };

    [Theory]
    [InlineData("", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app!=web", false)]
    [InlineData("app in (db, web)", true)]
    [InlineData("app notin (db,web)", false)]
    [InlineData("missing notin (x)", true)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!missing", true)]
    [InlineData("app=web,tier=back", false)]
    [InlineData("rank>2", true)]
    [InlineData("rank<3", false)]
    public void Label_selector_string_form(string selector, bool matches)
    {
        Assert.True(LabelSelector.TryParse(selector, out var parsed, out var error), error);
        Assert.Equal(matches, parsed.Matches(Labels));
    }

    [Theory]
    [InlineData("app in (a")]
    [InlineData("app in a")]
    [InlineData("=x")]
    [InlineData("rank>x")]
    public void Malformed_label_selectors_are_rejected(string selector) =>
        Assert.False(LabelSelector.TryParse(selector, out _, out _));

    [Fact]
    public void Structured_selector_combines_matchLabels_and_expressions()
    {
        var json = JsonNode.Parse("""{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["front","mid"]},{"key":"x","operator":"DoesNotExist"}]}""")!.AsObject();

        Assert.True(LabelSelector.TryFromJson(json, out var selector, out _));
        Assert.True(selector.Matches(Labels));
    }

    [Theory]
    [InlineData("spec.nodeName=", "", true)]
    [InlineData("spec.nodeName=", "node-1", false)]
    [InlineData("spec.nodeName!=", "node-1", true)]
    [InlineData("spec.nodeName==node-1", "node-1", true)]
    [InlineData("spec.nodeName=node\\,1", "node,1", true)]
    public void Field_selector_on_pods(string selector, string nodeName, bool matches)
    {
        var pods = ResourceRegistry.CreateDefault().Find("pods")!;
        Assert.True(FieldSelector.TryParse(selector, pods, out var parsed, out var error), error);
        Assert.Equal(matches, parsed.Matches(new Dictionary<string, string> { ["spec.nodeName"] = nodeName }));
    }

    [Fact]
    public void Field_selector_rejects_labels_the_kind_does_not_support()
    {
        var nodes = ResourceRegistry.CreateDefault().Find("nodes")!;

        Assert.False(FieldSelector.TryParse("spec.nodeName=x", nodes, out _, out var error));
        Assert.Equal("field label not supported: spec.nodeName", error);
    }
}
