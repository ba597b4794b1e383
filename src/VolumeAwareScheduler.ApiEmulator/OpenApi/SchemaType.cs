namespace VolumeAwareScheduler.ApiEmulator.OpenApi;

/// <summary>The type of a property in the model catalog, independent of the OpenAPI version it is written in.</summary>
internal sealed record SchemaType(SchemaShape Shape, string? Primitive = null, string? Format = null, string? Reference = null, SchemaType? Element = null)
{
    public static readonly SchemaType Any = new(SchemaShape.Any);

    public static SchemaType Scalar(string type, string? format = null) => new(SchemaShape.Primitive, Primitive: type, Format: format);

    public static SchemaType Ref(string definition) => new(SchemaShape.Reference, Reference: definition);

    public static SchemaType ArrayOf(SchemaType element) => new(SchemaShape.Array, Element: element);

    public static SchemaType MapOf(SchemaType element) => new(SchemaShape.Map, Element: element);
}
