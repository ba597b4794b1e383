using System.Text;
using System.Text.Json;

namespace VolumeAwareScheduler.Kubernetes.Conversion;

/// <summary>
/// Finds what KubernetesClient's models cannot take from a JSON object about to be converted: text that is not valid
/// UTF-8 (the parser checks names and strings only when they are read), and a null element of a JSON array. Go's decoder turns such an element into
/// a zero value that the API server's validation then refuses, so an object read from the API server never has one;
/// KubernetesClient's models would carry it on as a null reference. Refusing it at the boundary keeps every later
/// step free of that case.
/// </summary>
public static class JsonShape
{
    /// <summary>
    /// What is wrong, as a phrase (e.g. <c>spec.volumes[2] is null; an array element must be a value</c>), or null when
    /// nothing is. Every string value is read once, so that invalid UTF-8 is found here rather than in the models.
    /// </summary>
    public static string? Problem(JsonElement element)
    {
        var path = new StringBuilder();
        try
        {
            return Find(element, path) ? $"{path} is null; an array element must be a value" : null;
        }
        catch (InvalidOperationException)
        {
            return $"the text at {(path.Length == 0 ? "the top" : path.ToString())} is not valid UTF-8";
        }
    }

    // The document's own depth limit (64 by default) bounds this recursion.
    private static bool Find(JsonElement element, StringBuilder path)
    {
        var length = path.Length;
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (length > 0) path.Append('.');
                    path.Append(property.Name);
                    if (Find(property.Value, path)) return true;
                    path.Length = length;
                }
                return false;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    path.Append('[').Append(index++).Append(']');
                    if (item.ValueKind == JsonValueKind.Null || Find(item, path)) return true;
                    path.Length = length;
                }
                return false;
            case JsonValueKind.String:
                _ = element.GetString();
                return false;
            default:
                return false;
        }
    }
}
