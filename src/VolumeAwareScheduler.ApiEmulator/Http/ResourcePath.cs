using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Http;

/// <summary>What a request URL under <c>/api</c> or <c>/apis</c> addresses.</summary>
internal enum PathTarget
{
    NotFound,

    /// <summary><c>/apis/{group}</c>: an APIGroup document.</summary>
    GroupDiscovery,

    /// <summary><c>/api/v1</c> or <c>/apis/{group}/{version}</c>: an APIResourceList.</summary>
    ResourceDiscovery,

    /// <summary>A collection (<see cref="ResourcePath.Name"/> is null) or one object, optionally a subresource.</summary>
    Resource,
}

/// <summary>
/// A parsed request path, following the URL shapes of k8s.io/apiserver/pkg/endpoints/request/requestinfo.go:
/// <c>/api/v1/{plural}[/{name}[/{sub}]]</c>, <c>/api/v1/namespaces/{ns}/{plural}[/{name}[/{sub}]]</c> and the same under
/// <c>/apis/{group}/{version}</c>.
/// </summary>
internal sealed record ResourcePath(PathTarget Target, string GroupVersion, ResourceKind? Kind, string? Namespace, string? Name, string? Subresource)
{
    private static readonly ResourcePath NotFound = new(PathTarget.NotFound, "", null, null, null, null);

    /// <summary>The resource as authorization and fault injection see it: <c>pods</c> or <c>pods/binding</c>.</summary>
    public string Resource => Kind is null ? "" : Subresource is null ? Kind.Plural : $"{Kind.Plural}/{Subresource}";

    /// <param name="legacy">True for <c>/api</c>, false for <c>/apis</c>.</param>
    /// <param name="path">The path after <c>/api/</c> or <c>/apis/</c>.</param>
    public static ResourcePath Parse(ResourceRegistry registry, bool legacy, string? path)
    {
        var segments = (path ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            return NotFound;
        }

        string groupVersion;
        string[] rest;
        if (legacy)
        {
            groupVersion = segments[0];
            rest = segments[1..];
        }
        else if (segments.Length == 1)
        {
            var group = segments[0];
            return registry.Kinds.Exists(k => k.Group == group)
                ? new ResourcePath(PathTarget.GroupDiscovery, group, null, null, null, null)
                : NotFound;
        }
        else
        {
            groupVersion = $"{segments[0]}/{segments[1]}";
            rest = segments[2..];
        }

        if (!registry.IsServedGroupVersion(groupVersion))
        {
            return NotFound;
        }

        if (rest.Length == 0)
        {
            return new ResourcePath(PathTarget.ResourceDiscovery, groupVersion, null, null, null, null);
        }

        if (rest.Length >= 3 && rest[0] == "namespaces" && registry.Find(groupVersion, rest[2]) is { Namespaced: true } namespacedKind)
        {
            return rest.Length > 5 ? NotFound : Build(groupVersion, namespacedKind, rest[1], rest.ElementAtOrDefault(3), rest.ElementAtOrDefault(4));
        }

        if (registry.Find(groupVersion, rest[0]) is not { } kind || rest.Length > 3)
        {
            return NotFound;
        }

        var name = rest.ElementAtOrDefault(1);
        if (kind.Namespaced && name is not null)
        {
            // Namespaced objects are only addressable inside their namespace.
            return NotFound;
        }

        return Build(groupVersion, kind, null, name, rest.ElementAtOrDefault(2));
    }

    private static ResourcePath Build(string groupVersion, ResourceKind kind, string? ns, string? name, string? subresource)
    {
        if (subresource is not null && !kind.Subresources.Contains(subresource))
        {
            return NotFound;
        }

        return new ResourcePath(PathTarget.Resource, groupVersion, kind, ns, name, subresource);
    }
}
