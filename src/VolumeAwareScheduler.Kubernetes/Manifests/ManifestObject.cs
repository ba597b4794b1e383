using k8s;
using k8s.Models;

namespace VolumeAwareScheduler.Kubernetes.Manifests;

/// <summary>One object read from a manifest file, with where it was found.</summary>
public sealed record ManifestObject(int Document, int Line, string Kind, object Model)
{
    /// <summary>metadata.name, or null when the object has none.</summary>
    public string? Name => Model switch
    {
        IMetadata<V1ObjectMeta> m => m.Metadata?.Name,
        UntypedObject u => u.Name,
        _ => null,
    };

    /// <summary>metadata.namespace as written, or null.</summary>
    public string? Namespace => Model switch
    {
        IMetadata<V1ObjectMeta> m => m.Metadata?.NamespaceProperty,
        UntypedObject u => u.Namespace,
        _ => null,
    };

    public string Describe() =>
        Name is { } name ? $"document {Document} ({Kind} \"{name}\", line {Line})" : $"document {Document} ({Kind}, line {Line})";
}
