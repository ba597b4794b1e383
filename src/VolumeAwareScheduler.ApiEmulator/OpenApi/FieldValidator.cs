using System.Globalization;
using System.Text.Json.Nodes;

namespace VolumeAwareScheduler.ApiEmulator.OpenApi;

/// <summary>
/// Finds the fields of an object that its schema does not know, named as sigs.k8s.io/json's strict decoder names
/// them (<c>spec.containers[0].imagee</c>, map keys as path segments). The API server reports these for
/// <c>fieldValidation=Strict</c> (an error) and <c>Warn</c> (warnings); see k8s.io/apiserver handlers/create.go.
/// </summary>
internal static class FieldValidator
{
    public static List<string> UnknownFields(ModelCatalog catalog, ModelDefinition root, JsonObject obj)
    {
        var unknown = new List<string>();
        Visit(catalog, root, obj, "", unknown);
        return unknown;
    }

    private static void Visit(ModelCatalog catalog, ModelDefinition definition, JsonObject obj, string path, List<string> unknown)
    {
        if (definition.Scalar is not null)
        {
            return;
        }

        foreach (var (name, value) in obj)
        {
            var fieldPath = path.Length == 0 ? name : $"{path}.{name}";
            if (definition.Property(name) is not { } property)
            {
                unknown.Add(fieldPath);
                continue;
            }

            Visit(catalog, property.Type, value, fieldPath, unknown);
        }
    }

    private static void Visit(ModelCatalog catalog, SchemaType type, JsonNode? value, string path, List<string> unknown)
    {
        switch (type.Shape)
        {
            case SchemaShape.Reference when value is JsonObject obj:
                Visit(catalog, catalog.Get(type.Reference!), obj, path, unknown);
                break;
            case SchemaShape.Array when value is JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Visit(catalog, type.Element!, array[i], string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]"), unknown);
                }

                break;
            case SchemaShape.Map when value is JsonObject map:
                foreach (var (key, element) in map)
                {
                    Visit(catalog, type.Element!, element, $"{path}.{key}", unknown);
                }

                break;
        }
    }
}
