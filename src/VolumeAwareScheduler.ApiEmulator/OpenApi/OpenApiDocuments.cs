using System.Security.Cryptography;
using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Http;
using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.OpenApi;

/// <summary>
/// The emulator's OpenAPI documents, built once on first use from the <see cref="ModelCatalog"/>: the whole Swagger
/// 2.0 document (<c>/openapi/v2</c>), the OpenAPI 3.0 discovery index (<c>/openapi/v3</c>) and one 3.0 document per
/// group/version (<c>/openapi/v3/api/v1</c>, <c>/openapi/v3/apis/apps/v1</c>), each holding the paths of its
/// kinds and every schema they reach, as k8s.io/kube-openapi's handler and handler3 serve them.
/// </summary>
internal sealed class OpenApiDocuments
{
    private readonly Lazy<ModelCatalog> _catalog;
    private readonly Lazy<ModelDescriptions> _descriptions = new(ModelDescriptions.Load);
    private readonly Lazy<byte[]> _v2;
    private readonly Lazy<IReadOnlyDictionary<string, HashedDocument>> _v3;
    private readonly Lazy<byte[]> _v3Index;

    public OpenApiDocuments(ResourceRegistry registry)
    {
        _catalog = new Lazy<ModelCatalog>(() => ModelCatalog.Build(registry));
        _v2 = new Lazy<byte[]>(() => Json.ToBytes(BuildV2(registry, Catalog, _descriptions.Value)));
        _v3 = new Lazy<IReadOnlyDictionary<string, HashedDocument>>(() => BuildV3(registry, Catalog, _descriptions.Value));
        _v3Index = new Lazy<byte[]>(() => Json.ToBytes(BuildIndex(_v3.Value)));
    }

    /// <summary>The schemas without their descriptions: all that validation and patching need.</summary>
    public ModelCatalog Catalog => _catalog.Value;

    /// <summary>The Swagger 2.0 document as JSON.</summary>
    public byte[] V2 => _v2.Value;

    /// <summary><c>{"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=..."}, ...}}</c></summary>
    public byte[] V3Index => _v3Index.Value;

    /// <summary>The 3.0 document of a group/version path such as <c>api/v1</c> or <c>apis/apps/v1</c>.</summary>
    public HashedDocument? V3(string groupVersionPath) => _v3.Value.GetValueOrDefault(groupVersionPath);

    /// <summary>The URL the index gives for a group/version document.</summary>
    public static string ServerRelativeUrl(string groupVersionPath, string hash) => $"/openapi/v3/{groupVersionPath}?hash={hash}";

    private static string Title => "Kubernetes";

    private static string ApiVersion => (string)DiscoveryDocuments.Version()["gitVersion"]!;

    private static JsonObject BuildV2(ResourceRegistry registry, ModelCatalog catalog, ModelDescriptions descriptions)
    {
        var paths = new JsonObject();
        foreach (var kind in registry.Kinds)
        {
            PathWriter.Write(paths, kind, catalog, OpenApiVersion.V2);
        }

        return new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject { ["title"] = Title, ["version"] = ApiVersion },
            ["paths"] = Sorted(paths),
            ["definitions"] = Schemas(catalog, descriptions, catalog.Definitions.Keys, OpenApiVersion.V2),
            ["securityDefinitions"] = new JsonObject
            {
                ["BearerToken"] = new JsonObject { ["description"] = "Bearer Token authentication", ["in"] = "header", ["name"] = "authorization", ["type"] = "apiKey" },
            },
            ["security"] = new JsonArray(new JsonObject { ["BearerToken"] = new JsonArray() }),
        };
    }

    private static Dictionary<string, HashedDocument> BuildV3(ResourceRegistry registry, ModelCatalog catalog, ModelDescriptions descriptions)
    {
        var documents = new Dictionary<string, HashedDocument>(StringComparer.Ordinal);
        foreach (var group in registry.Kinds.GroupBy(k => k.GroupVersion))
        {
            var paths = new JsonObject();
            var roots = new List<GroupVersionKind> { new("", "v1", "Status"), new("", "v1", "DeleteOptions") };
            foreach (var kind in group)
            {
                PathWriter.Write(paths, kind, catalog, OpenApiVersion.V3);
                roots.Add(new GroupVersionKind(kind.Group, kind.Version, kind.Kind));
                roots.Add(new GroupVersionKind(kind.Group, kind.Version, kind.ListKind));
                roots.AddRange(kind.Subresources.Select(s => ModelCatalog.BodyKind(kind, s)));
            }

            var rootNames = roots.Select(catalog.Find).OfType<ModelDefinition>().Select(d => d.Name).Append(ModelCatalog.PatchDefinition);
            var document = new JsonObject
            {
                ["openapi"] = "3.0.0",
                ["info"] = new JsonObject { ["title"] = Title, ["version"] = ApiVersion },
                ["paths"] = Sorted(paths),
                ["components"] = new JsonObject
                {
                    ["schemas"] = Schemas(catalog, descriptions, Reachable(catalog, rootNames), OpenApiVersion.V3),
                    ["securitySchemes"] = new JsonObject
                    {
                        ["BearerToken"] = new JsonObject { ["description"] = "Bearer Token authentication", ["in"] = "header", ["name"] = "authorization", ["type"] = "apiKey" },
                    },
                },
            };
            var bytes = Json.ToBytes(document);
            var path = group.First().Group.Length == 0 ? $"api/{group.First().Version}" : $"apis/{group.Key}";
            documents[path] = new HashedDocument(bytes, Convert.ToHexString(SHA512.HashData(bytes)));
        }

        return documents;
    }

    private static JsonObject BuildIndex(IReadOnlyDictionary<string, HashedDocument> documents)
    {
        var paths = new JsonObject();
        foreach (var (path, document) in documents.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            paths[path] = new JsonObject { ["serverRelativeURL"] = ServerRelativeUrl(path, document.Hash) };
        }

        return new JsonObject { ["paths"] = paths };
    }

    private static JsonObject Schemas(ModelCatalog catalog, ModelDescriptions descriptions, IEnumerable<string> names, OpenApiVersion version)
    {
        var schemas = new JsonObject();
        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            schemas[name] = SchemaWriter.Definition(catalog.Get(name), descriptions, version);
        }

        return schemas;
    }

    /// <summary>The definitions <paramref name="roots"/> reference, directly or through other definitions.</summary>
    private static HashSet<string> Reachable(ModelCatalog catalog, IEnumerable<string> roots)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(roots);
        while (pending.TryPop(out var name))
        {
            if (!seen.Add(name))
            {
                continue;
            }

            foreach (var property in catalog.Get(name).Properties)
            {
                for (var type = property.Type; type is not null; type = type.Element)
                {
                    if (type.Reference is { } reference)
                    {
                        pending.Push(reference);
                    }
                }
            }
        }

        return seen;
    }

    private static JsonObject Sorted(JsonObject obj)
    {
        var sorted = new JsonObject();
        foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal).ToList())
        {
            obj.Remove(key);
            sorted[key] = value;
        }

        return sorted;
    }
}
