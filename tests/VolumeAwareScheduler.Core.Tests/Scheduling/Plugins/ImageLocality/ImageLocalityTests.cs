using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.ImageLocality;

/// <summary>
/// Ports TestImageLocalityPriority and TestNormalizedImageName (pkg/scheduler/framework/plugins/imagelocality/
/// image_locality_test.go; the stored version with init containers counted, as in Kubernetes v1.37).
/// </summary>
public class ImageLocalityTests
{
    private const long Mb = 1024 * 1024;

    private static NodeInfo Node403002000(string name) => BareNode(name)
        .WithImage(40 * Mb, "gcr.io/40:latest", "gcr.io/40:v1", "gcr.io/40:v1")
        .WithImage(300 * Mb, "gcr.io/300:latest", "gcr.io/300:v1")
        .WithImage(2000 * Mb, "gcr.io/2000:latest");

    private static NodeInfo Node25010(string name) => BareNode(name).WithImage(250 * Mb, "gcr.io/250:latest").WithImage(10 * Mb, "gcr.io/10:latest", "gcr.io/10:v1");

    private static NodeInfo Node60040900(string name) => BareNode(name)
        .WithImage(600 * Mb, "gcr.io/600:latest").WithImage(40 * Mb, "gcr.io/40:latest").WithImage(900 * Mb, "gcr.io/900:latest");

    private static NodeInfo Node300600900(string name) => BareNode(name)
        .WithImage(300 * Mb, "gcr.io/300:latest").WithImage(600 * Mb, "gcr.io/600:latest").WithImage(900 * Mb, "gcr.io/900:latest");

    private static NodeInfo Node400030(string name) => BareNode(name).WithImage(4000 * Mb, "gcr.io/4000:latest").WithImage(30 * Mb, "gcr.io/30:latest");

    private static NodeInfo Node203040(string name) => BareNode(name)
        .WithImage(20 * Mb, "gcr.io/20:latest").WithImage(30 * Mb, "gcr.io/30:latest").WithImage(40 * Mb, "gcr.io/40:latest");

    /// <summary>Images as the pod lists them: init containers first, then containers.</summary>
    public static TheoryData<string, string[], NodeInfo[], long[]> Cases => new()
    {
        { "two images spread on two nodes, prefer the larger image one", ["gcr.io/40", "gcr.io/250"], [Node403002000("node1"), Node25010("node2")], [0, 5] },
        { "two images on one node, prefer this node", ["gcr.io/40", "gcr.io/300"], [Node403002000("node1"), Node25010("node2")], [7, 0] },
        { "if exceed limit, use limit", ["gcr.io/10", "gcr.io/4000"], [Node400030("node1"), Node25010("node2")], [100, 0] },
        {
            "if exceed limit, use limit (with node which has no images present)", ["gcr.io/10", "gcr.io/4000"],
            [Node400030("node1"), Node25010("node2"), BareNode("node3")], [66, 0, 0]
        },
        {
            "pod with multiple large images, node2 is preferred", ["gcr.io/300", "gcr.io/600", "gcr.io/900"],
            [Node60040900("node1"), Node300600900("node2"), BareNode("node3")], [32, 36, 0]
        },
        { "pod with multiple small images", ["gcr.io/30", "gcr.io/40"], [Node203040("node1"), Node400030("node2")], [1, 0] },
        { "include InitContainers: two images spread on two nodes, prefer the larger image one", ["gcr.io/300", "gcr.io/30"], [Node403002000("node1"), Node203040("node2")], [6, 0] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Image_locality_priority(string name, string[] images, NodeInfo[] nodes, long[] expected)
    {
        _ = name;
        var cluster = PluginHarness.Cluster(nodes);

        var scores = PluginHarness.Score(new VolumeAwareScheduler.Core.Scheduling.Plugins.ImageLocality(), cluster, Pod("ns", "p").WithImages(images));

        Assert.Equal(expected, scores);
    }

    [Theory]
    [InlineData("add :latest postfix 1", "root", "root:latest")]
    [InlineData("add :latest postfix 2", "gcr.io:5000/root", "gcr.io:5000/root:latest")]
    [InlineData("keep it as is 1", "root:tag", "root:tag")]
    [InlineData("keep it as is 2", "root@sha256:4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2", "root@sha256:4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2")]
    public void Normalized_image_name(string name, string input, string output)
    {
        _ = name;
        Assert.Equal(output, VolumeAwareScheduler.Core.Scheduling.Plugins.ImageLocality.NormalizedImageName(input));
    }
}
