using System.Text.Json.Nodes;

namespace VolumeAwareScheduler.ApiEmulator.OpenApi;

/// <summary>
/// Writes catalog definitions as JSON schemas the way kube-openapi renders upstream's: references under
/// <c>#/definitions/</c> (v2) or <c>#/components/schemas/</c> (v3, where a described reference is wrapped in
/// <c>allOf</c>), <c>x-kubernetes-group-version-kind</c> on kinds, the strategic-merge extensions on lists.
/// </summary>
internal static class SchemaWriter
{
    public static string RefPrefix(OpenApiVersion version) =>
        version == OpenApiVersion.V3 ? "#/components/schemas/" : "#/definitions/";

    public static JsonObject Definition(ModelDefinition definition, ModelDescriptions descriptions, OpenApiVersion version)
    {
        var schema = new JsonObject();
        if ((definition.Description ?? (definition.ClrType is { } type ? descriptions.Type(type) : null)) is { } description)
        {
            schema["description"] = description;
        }

        if (definition.Scalar is { } scalar)
        {
            WriteNamedScalar(schema, definition.Name, scalar, version);
            return schema;
        }

        schema["type"] = "object";
        var properties = new JsonObject();
        foreach (var property in definition.Properties)
        {
            properties[property.Name] = Property(property, property.Member is { } member ? descriptions.Property(member) : null, version);
        }

        schema["properties"] = properties;
        if (definition.Kinds.Count > 0)
        {
            schema["x-kubernetes-group-version-kind"] = new JsonArray(definition.Kinds.Select(Gvk).ToArray<JsonNode?>());
        }

        return schema;
    }

    public static JsonObject Gvk(GroupVersionKind gvk) => new()
    {
        ["group"] = gvk.Group,
        ["kind"] = gvk.Kind,
        ["version"] = gvk.Version,
    };

    public static JsonObject Ref(string definition, OpenApiVersion version) => new() { ["$ref"] = RefPrefix(version) + definition };

    public static JsonObject Type(SchemaType type, OpenApiVersion version) => type.Shape switch
    {
        SchemaShape.Primitive => type.Format is null
            ? new JsonObject { ["type"] = type.Primitive }
            : new JsonObject { ["type"] = type.Primitive, ["format"] = type.Format },
        SchemaShape.Reference => Ref(type.Reference!, version),
        SchemaShape.Array => new JsonObject { ["type"] = "array", ["items"] = Type(type.Element!, version) },
        SchemaShape.Map => new JsonObject { ["type"] = "object", ["additionalProperties"] = Type(type.Element!, version) },
        _ => version == OpenApiVersion.V3
            ? new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true }
            : new JsonObject { ["type"] = "object" },
    };

    private static JsonObject Property(ModelProperty property, string? description, OpenApiVersion version)
    {
        JsonObject schema;
        if (property.Type.Shape == SchemaShape.Reference && description is not null && version == OpenApiVersion.V3)
        {
            // OpenAPI 3.0 ignores siblings of $ref, so kube-openapi wraps a described reference in allOf.
            schema = new JsonObject { ["allOf"] = new JsonArray(Ref(property.Type.Reference!, version)) };
        }
        else
        {
            schema = Type(property.Type, version);
        }

        if (description is not null)
        {
            schema["description"] = description;
        }

        if (property.Patch is { } patch)
        {
            if (patch.ListType == "map")
            {
                schema["x-kubernetes-list-map-keys"] = new JsonArray(patch.MapKeys.Select(k => (JsonNode?)k).ToArray());
            }

            schema["x-kubernetes-list-type"] = patch.ListType;
            if (patch.MergeKey is { } mergeKey)
            {
                schema["x-kubernetes-patch-merge-key"] = mergeKey;
            }

            schema["x-kubernetes-patch-strategy"] = patch.Strategy;
        }

        return schema;
    }

    private static void WriteNamedScalar(JsonObject schema, string name, SchemaType scalar, OpenApiVersion version)
    {
        // kube-openapi's OpenAPIV3OneOfTypes: v3 documents say that a Quantity may be a string or a number and an
        // IntOrString an integer or a string; v2 documents only have the string form.
        if (version == OpenApiVersion.V3 && name == ModelCatalog.QuantityDefinition)
        {
            schema["oneOf"] = new JsonArray(new JsonObject { ["type"] = "string" }, new JsonObject { ["type"] = "number" });
            return;
        }

        if (version == OpenApiVersion.V3 && name == ModelCatalog.IntOrStringDefinition)
        {
            schema["format"] = scalar.Format;
            schema["oneOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" });
            return;
        }

        schema["type"] = scalar.Primitive;
        if (scalar.Format is not null)
        {
            schema["format"] = scalar.Format;
        }
    }
}
