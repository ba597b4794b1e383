using k8s.Models;
using VolumeAwareScheduler.Kubernetes.Conversion;

namespace VolumeAwareScheduler.Kubernetes.Tests.Conversion;

/// <summary>spec.volumeAttributesClassName reaches the Core snapshots; unset reads as "" (ptr.Deref(…, "") in pv_helpers.go).</summary>
public sealed class VolumeAttributesClassConversionTests
{
    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("gold", "gold")]
    public void Volume_and_claim_carry_their_VolumeAttributesClass(string? attributesClass, string expected)
    {
        var volume = new V1PersistentVolume
        {
            Metadata = new V1ObjectMeta { Name = "pv-1" },
            Spec = new V1PersistentVolumeSpec
            {
                Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") },
                VolumeAttributesClassName = attributesClass,
            },
        };
        var claim = new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = "data", NamespaceProperty = "default" },
            Spec = new V1PersistentVolumeClaimSpec { VolumeAttributesClassName = attributesClass },
        };

        Assert.Equal(expected, Converter.ToVolume(volume).VolumeAttributesClassName);
        Assert.Equal(expected, Converter.ToClaim(claim).VolumeAttributesClassName);
    }
}
