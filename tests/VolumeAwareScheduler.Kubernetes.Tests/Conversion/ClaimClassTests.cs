using k8s.Models;
using VolumeAwareScheduler.Kubernetes.Conversion;

namespace VolumeAwareScheduler.Kubernetes.Tests.Conversion;

/// <summary>
/// A claim's class as the PV controller reads it (component-helpers storage/volume/helpers.go
/// GetPersistentVolumeClaimClass): the legacy annotation first, then spec.storageClassName; and whether it names one
/// at all (the DefaultStorageClass admission plugin assigns the default only when it does not).
/// </summary>
public sealed class ClaimClassTests
{
    private static V1PersistentVolumeClaim Claim(string? annotation, string? storageClassName)
    {
        var claim = new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = "data", NamespaceProperty = "default" },
            Spec = new V1PersistentVolumeClaimSpec { StorageClassName = storageClassName, AccessModes = ["ReadWriteOnce"] },
        };
        if (annotation is not null) claim.Metadata.Annotations = new Dictionary<string, string> { [Converter.AnnBetaStorageClass] = annotation };
        return claim;
    }

    // Upstream TestGetPersistentVolumeClaimClass cases first, by name; then ours.
    public static TheoryData<string, string?, string?, string, string?> Cases() => new()
    {
        { "Get beta storage class annotation", "class", null, "class", "class" },
        { "Get storage class name", null, "class1", "class1", "class1" },
        { "No storage class", null, null, "", null },
        { "annotation wins over storageClassName", "fast", "standard", "fast", "fast" },
        { "empty storageClassName names no class and takes no default", null, "", "", "" },
        { "empty annotation wins over storageClassName", "", "standard", "", "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Claim_class_is_the_legacy_annotation_then_storageClassName(string name, string? annotation, string? storageClassName, string expectedClass, string? expectedRequested)
    {
        var claim = Claim(annotation, storageClassName);

        Assert.True(expectedClass == Converter.ToClaim(claim).StorageClassName, $"{name}: class");
        Assert.True(expectedRequested == Converter.RequestedStorageClass(claim), $"{name}: requested");
    }
}
