using VolumeAwareScheduler.ApiEmulator.Http;
using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Storage;

public sealed class ResourceModelTests
{
    private static readonly ResourceRegistry Registry = ResourceRegistry.CreateDefault();

    [Theory]
    [InlineData("10Gi", 10L * 1024 * 1024 * 1024)]
    [InlineData("500M", 500_000_000L)]
    [InlineData("1.5Ki", 1536L)]
    [InlineData("1e3", 1000L)]
    [InlineData("2048", 2048L)]
    public void Quantities_parse_exactly(string text, long expected)
    {
        Assert.True(Quantity.TryParse(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Gi")]
    [InlineData("10Qi")]
    [InlineData("1e99")]
    public void Bad_quantities_are_rejected(string text) => Assert.False(Quantity.TryParse(text, out _));

    [Theory]
    [InlineData(3L * 1024 * 1024 * 1024, "3Gi")]
    [InlineData(1536L * 1024 * 1024, "1536Mi")]
    [InlineData(1000L, "1000")]
    public void Binary_formatting(long bytes, string expected) => Assert.Equal(expected, Quantity.FormatBinary(bytes));

    [Theory]
    [InlineData(true, "v1/namespaces/ns1/pods/p/binding", "pods", "ns1", "p", "binding")]
    [InlineData(true, "v1/pods", "pods", null, null, null)]
    [InlineData(true, "v1/namespaces/ns1", "namespaces", null, "ns1", null)]
    [InlineData(true, "v1/namespaces/ns1/status", "namespaces", null, "ns1", "status")]
    [InlineData(true, "v1/persistentvolumes/pv-1/status", "persistentvolumes", null, "pv-1", "status")]
    [InlineData(false, "storage.k8s.io/v1/namespaces/kube-system/csistoragecapacities", "csistoragecapacities", "kube-system", null, null)]
    [InlineData(false, "apps/v1/namespaces/d/statefulsets/web/status", "statefulsets", "d", "web", "status")]
    public void Paths_parse_like_the_apiserver(bool legacy, string path, string plural, string? ns, string? name, string? subresource)
    {
        var parsed = ResourcePath.Parse(Registry, legacy, path);

        Assert.Equal(PathTarget.Resource, parsed.Target);
        Assert.Equal((plural, ns, name, subresource), (parsed.Kind!.Plural, parsed.Namespace, parsed.Name, parsed.Subresource));
    }

    [Theory]
    [InlineData(true, "v2/pods")]
    [InlineData(true, "v1/pods/p")]
    [InlineData(true, "v1/namespaces/d/pods/p/exec")]
    [InlineData(false, "example.com/v1/widgets")]
    [InlineData(true, "v1/nodes/n/status/extra")]
    public void Unknown_paths_are_not_found(bool legacy, string path) =>
        Assert.Equal(PathTarget.NotFound, ResourcePath.Parse(Registry, legacy, path).Target);

    [Theory]
    [InlineData(30, "30s")]
    [InlineData(150, "2m30s")]
    [InlineData(3600, "60m")]
    [InlineData(5 * 3600 + 60, "5h1m")]
    [InlineData(3 * 86400, "3d")]
    public void Age_matches_HumanDuration(int seconds, string expected)
    {
        var created = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(expected, TableWriter.Age("2025-01-01T00:00:00Z", created.AddSeconds(seconds)));
    }
}
