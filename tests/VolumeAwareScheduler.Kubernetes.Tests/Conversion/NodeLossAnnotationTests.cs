using k8s.Models;
using VolumeAwareScheduler.Core.NodeLoss;
using VolumeAwareScheduler.Kubernetes.Conversion;

namespace VolumeAwareScheduler.Kubernetes.Tests.Conversion;

/// <summary>A StorageClass opts in to the node-loss policy only with the annotation set to "true".</summary>
public sealed class NodeLossAnnotationTests
{
    public static TheoryData<string, string?, bool> Values => new()
    {
        { "annotated true", "true", true },
        { "annotated false", "false", false },
        { "annotated True (values are case-sensitive, as the default-class annotation's)", "True", false },
        { "not annotated", null, false },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void The_annotation_opts_the_class_in(string _, string? value, bool expected)
    {
        var storageClass = new V1StorageClass
        {
            Metadata = new V1ObjectMeta { Name = "local", Annotations = value is null ? null : new Dictionary<string, string> { [NodeLossPolicy.Annotation] = value } },
            Provisioner = "kubernetes.io/no-provisioner",
            VolumeBindingMode = "WaitForFirstConsumer",
        };

        Assert.Equal(expected, Converter.ToStorageClass(storageClass).ReleasesClaimsOnNodeLoss);
    }

    [Fact]
    public void The_annotation_name_is_ours() =>
        Assert.Equal("volume-aware-scheduler.io/release-claims-on-node-loss", NodeLossPolicy.Annotation);
}
