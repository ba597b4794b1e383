using k8s;
using k8s.Models;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Admission;

/// <summary>pkg/registry/core/namespace/strategy.go: PrepareForCreate and Canonicalize.</summary>
public sealed class NamespaceStrategyTests : IAsyncLifetime
{
    private const string MetadataName = "kubernetes.io/metadata.name";

    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(o => o.EnableControllers = false);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_new_namespace_is_active_with_the_kubernetes_finalizer_and_its_name_label()
    {
        var created = await _cluster.Client.CoreV1.CreateNamespaceAsync(new V1Namespace
        {
            Metadata = new V1ObjectMeta { Name = "team-a", Labels = new Dictionary<string, string> { ["tier"] = "gold" } },
            Status = new V1NamespaceStatus { Phase = "Terminating" },
        });

        Assert.Equal(new Dictionary<string, string> { ["tier"] = "gold", [MetadataName] = "team-a" }, created.Metadata.Labels);
        Assert.Equal("Active", created.Status.Phase);
        Assert.Equal(["kubernetes"], created.Spec.Finalizers);
    }

    [Fact]
    public async Task A_generated_name_is_the_label()
    {
        var created = await _cluster.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { GenerateName = "run-" } });

        Assert.Equal(created.Metadata.Name, created.Metadata.Labels[MetadataName]);
        Assert.StartsWith("run-", created.Metadata.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_update_cannot_remove_or_change_the_label()
    {
        var created = await _cluster.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team-b" } });
        created.Metadata.Labels = new Dictionary<string, string> { [MetadataName] = "someone-else" };

        var updated = await _cluster.Client.CoreV1.ReplaceNamespaceAsync(created, "team-b");

        Assert.Equal("team-b", updated.Metadata.Labels[MetadataName]);
    }

    [Fact]
    public async Task The_seeded_namespaces_carry_the_label()
    {
        var namespaces = await _cluster.Client.CoreV1.ListNamespaceAsync(labelSelector: $"{MetadataName} in (default,kube-system)");

        Assert.Equal(["default", "kube-system"], namespaces.Items.Select(n => n.Metadata.Name));
    }
}
