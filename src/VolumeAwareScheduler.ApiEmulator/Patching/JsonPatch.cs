using System.Globalization;
using System.Text.Json.Nodes;

namespace VolumeAwareScheduler.ApiEmulator.Patching;

/// <summary>JSON Patch (RFC 6902): add, remove, replace, move, copy, test. Failures come back as messages, never exceptions.</summary>
internal static class JsonPatch
{
    public static bool TryApply(JsonNode target, JsonNode? patch, out JsonNode? result, out string error)
    {
        result = null;
        error = "";
        if (patch is not JsonArray operations)
        {
            error = "json patch must be an array of operations";
            return false;
        }

        var document = target.DeepClone();
        foreach (var operationNode in operations)
        {
            if (operationNode is not JsonObject operation)
            {
                error = "json patch operation must be an object";
                return false;
            }

            var op = Json.GetString(operation, "op");
            var path = Json.GetString(operation, "path");
            if (op is null || path is null)
            {
                error = "json patch operation requires \"op\" and \"path\"";
                return false;
            }

            var ok = op switch
            {
                "add" => Add(ref document, path, operation["value"]?.DeepClone(), out error),
                "remove" => Remove(ref document, path, out _, out error),
                "replace" => Remove(ref document, path, out _, out error) && Add(ref document, path, operation["value"]?.DeepClone(), out error),
                "move" => Json.GetString(operation, "from") is { } from
                    ? Remove(ref document, from, out var moved, out error) && Add(ref document, path, moved, out error)
                    : Fail("move operation requires \"from\"", out error),
                "copy" => Json.GetString(operation, "from") is { } source
                    ? TryGet(document, source, out var copied, out error) && Add(ref document, path, copied?.DeepClone(), out error)
                    : Fail("copy operation requires \"from\"", out error),
                "test" => TryGet(document, path, out var actual, out error)
                    && (JsonNode.DeepEquals(actual, operation["value"]) || Fail($"testing value {path} failed", out error)),
                _ => Fail($"Unexpected kind: {op}", out error),
            };
            if (!ok)
            {
                return false;
            }
        }

        result = document;
        return true;
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }

    private static List<string> Tokens(string path) =>
        path.Length == 0 ? [] : path[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToList();

    private static bool TryGet(JsonNode? document, string path, out JsonNode? value, out string error)
    {
        value = document;
        error = "";
        if (path.Length > 0 && path[0] != '/')
        {
            return Fail($"invalid JSON pointer: {path}", out error);
        }

        foreach (var token in Tokens(path))
        {
            switch (value)
            {
                case JsonObject obj when obj.TryGetPropertyValue(token, out var child):
                    value = child;
                    break;
                case JsonArray array when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < array.Count:
                    value = array[index];
                    break;
                default:
                    return Fail($"path not found: {path}", out error);
            }
        }

        return true;
    }

    private static bool Parent(JsonNode document, string path, out JsonNode? parent, out string last, out string error)
    {
        parent = null;
        last = "";
        if (path.Length == 0 || path[0] != '/')
        {
            return Fail($"invalid JSON pointer: {path}", out error);
        }

        var tokens = Tokens(path);
        last = tokens[^1];
        var parentPath = path[..path.LastIndexOf('/')];
        return TryGet(document, parentPath, out parent, out error);
    }

    private static bool Add(ref JsonNode document, string path, JsonNode? value, out string error)
    {
        error = "";
        if (path.Length == 0)
        {
            if (value is null)
            {
                return Fail("cannot replace the document with null", out error);
            }

            document = value;
            return true;
        }

        if (!Parent(document, path, out var parent, out var last, out error))
        {
            return false;
        }

        switch (parent)
        {
            case JsonObject obj:
                obj[last] = value;
                return true;
            case JsonArray array when last == "-":
                array.Add(value);
                return true;
            case JsonArray array when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index <= array.Count:
                array.Insert(index, value);
                return true;
            default:
                return Fail($"add operation does not apply: doc is missing path: \"{path}\"", out error);
        }
    }

    private static bool Remove(ref JsonNode document, string path, out JsonNode? removed, out string error)
    {
        removed = null;
        if (!Parent(document, path, out var parent, out var last, out error))
        {
            return false;
        }

        switch (parent)
        {
            case JsonObject obj when obj.TryGetPropertyValue(last, out removed):
                obj.Remove(last);
                removed = removed?.DeepClone();
                return true;
            case JsonArray array when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < array.Count:
                removed = array[index]?.DeepClone();
                array.RemoveAt(index);
                return true;
            default:
                return Fail($"remove operation does not apply: doc is missing path: \"{path}\"", out error);
        }
    }
}
