using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Admission;

/// <summary>
/// The DefaultStorageClass admission plugin through the API. Cases ported from
/// plugin/pkg/admission/storage/storageclass/setdefault/admission_test.go (TestAdmission) with their names; the
/// creation times come from a fake clock.
/// </summary>
public sealed class DefaultStorageClassAdmissionTests : IAsyncLifetime
{
    private const string IsDefault = "storageclass.kubernetes.io/is-default-class";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero));
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(o =>
    {
        o.EnableControllers = false;
        o.TimeProvider = _time;
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    /// <summary>The classes of admission_test.go: name → is-default annotation (null: none).</summary>
    private static readonly Dictionary<string, string?> Classes = new()
    {
        ["default1"] = "true",
        ["default2"] = "true",
        ["nondefault1"] = "false",
        ["nondefault2"] = null,
        ["nondefault3"] = "",
    };

    /// <summary>name, classes created in order one second apart, the claim's class (null: unset), expected class.</summary>
    public static TheoryData<string, string[], string?, string?> Cases => new()
    {
        { "no default, no modification of PVCs", ["nondefault1", "nondefault2", "nondefault3"], null, null },
        { "one default, modify PVC with class=nil", ["default1", "nondefault1", "nondefault2", "nondefault3"], null, "default1" },
        { "one default, no modification of PVC with class=''", ["default1", "nondefault1", "nondefault2", "nondefault3"], "", "" },
        { "one default, no modification of PVC with class='foo'", ["default1", "nondefault1", "nondefault2", "nondefault3"], "foo", "foo" },
        { "two defaults, no modification of PVC with class=''", ["default1", "default2", "nondefault1"], "", "" },
        { "two defaults, no modification of PVC with class='foo'", ["default1", "default2", "nondefault1"], "foo", "foo" },
        { "two defaults, choose the one with newer creation time", ["default1", "default2", "nondefault1"], null, "default2" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_claim_without_a_class_gets_the_default(string name, string[] classes, string? claimClass, string? expected)
    {
        _ = name;
        foreach (var className in classes)
        {
            await CreateClassAsync(className);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var claim = Make.Claim("c", storageClass: null!);
        claim.Spec.StorageClassName = claimClass;

        var created = await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(claim, "default");

        Assert.Equal(expected, created.Spec.StorageClassName);
    }

    [Fact]
    public async Task Two_defaults_with_same_creation_time_choose_the_one_with_smaller_name()
    {
        await CreateClassAsync("default2");
        await CreateClassAsync("default1");

        var created = await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Make.Claim("c", storageClass: null!), "default");

        Assert.Equal("default1", created.Spec.StorageClassName);
    }

    [Fact]
    public async Task The_beta_class_annotation_counts_as_a_class()
    {
        await CreateClassAsync("default1");
        var claim = Make.Claim("c", storageClass: null!, annotations: new Dictionary<string, string> { ["volume.beta.kubernetes.io/storage-class"] = "legacy" });

        var created = await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(claim, "default");

        Assert.Null(created.Spec.StorageClassName);
    }

    [Fact]
    public async Task Updates_are_not_defaulted()
    {
        var created = await _cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Make.Claim("c", storageClass: null!), "default");
        await CreateClassAsync("default1");
        created.Metadata.Labels = new Dictionary<string, string> { ["touched"] = "yes" };

        var updated = await _cluster.Client.CoreV1.ReplaceNamespacedPersistentVolumeClaimAsync(created, "c", "default");

        Assert.Null(updated.Spec.StorageClassName);
    }

    private Task<V1StorageClass> CreateClassAsync(string name)
    {
        var storageClass = Make.StorageClass(name);
        if (Classes[name] is { } annotation)
        {
            storageClass.Metadata.Annotations = new Dictionary<string, string> { [IsDefault] = annotation };
        }

        return _cluster.Client.StorageV1.CreateStorageClassAsync(storageClass);
    }
}
