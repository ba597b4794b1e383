using VolumeAwareScheduler.ApiEmulator.OpenApi;
using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Patching;

/// <summary>
/// Where a strategic merge patch is in the kind's schema, so that a list merges by the key its Go type declares
/// (<c>ports</c> by <c>containerPort</c> in a container, by <c>port</c> in a Service), as
/// k8s.io/apimachinery strategicpatch's LookupPatchMeta does.
/// </summary>
internal readonly record struct PatchSchema(ModelCatalog Catalog, SchemaType Type)
{
    public static PatchSchema? Of(ModelCatalog catalog, ResourceKind kind) =>
        catalog.Find(kind) is { } definition ? new PatchSchema(catalog, SchemaType.Ref(definition.Name)) : null;

    /// <summary>The schema of field <paramref name="name"/> and its list tags; a null schema when the field is not known.</summary>
    public (PatchSchema? Field, ListPatch? List) Lookup(string name)
    {
        switch (Type.Shape)
        {
            case SchemaShape.Reference when Catalog.Get(Type.Reference!).Property(name) is { } property:
                return (this with { Type = property.Type }, property.Patch);
            case SchemaShape.Map:
                return (this with { Type = Type.Element! }, null);
            default:
                return (null, null);
        }
    }

    /// <summary>The schema of a list's elements.</summary>
    public PatchSchema? Element => Type.Shape == SchemaShape.Array ? this with { Type = Type.Element! } : null;
}
