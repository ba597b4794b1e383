using System.Text.Json.Nodes;

namespace VolumeAwareScheduler.ApiEmulator.Patching;

/// <summary>
/// JSON merge patch (RFC 7386) and the subset of strategic merge patch the emulator supports
/// (k8s.io/apimachinery/pkg/util/strategicpatch/patch.go). With the kind's <see cref="PatchSchema"/>, a list
/// merges as its Go field's tags say: element-wise by its merge key, as a set for merged primitive lists, and
/// otherwise replaced. Without one, lists named in <see cref="MergeKeys"/> merge by that key. <c>$patch:
/// delete|replace</c> and <c>$deleteFromPrimitiveList/</c> directives are honoured, <c>$setElementOrder/</c> and
/// <c>$retainKeys</c> are accepted and ignored.
/// </summary>
internal static class MergePatch
{
    /// <summary>Merge keys by field name, for patches without a schema (from the patchMergeKey tags in k8s.io/api/core/v1/types.go).</summary>
    internal static readonly IReadOnlyDictionary<string, string> MergeKeys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["conditions"] = "type",
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["volumes"] = "name",
        ["volumeMounts"] = "mountPath",
        ["volumeDevices"] = "devicePath",
        ["env"] = "name",
        ["ports"] = "containerPort",
        ["imagePullSecrets"] = "name",
        ["ownerReferences"] = "uid",
        ["addresses"] = "type",
        ["taints"] = "key",
    };

    /// <summary>Applies an RFC 7386 merge patch. The target is not modified.</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch) => Merge(target?.DeepClone(), patch, Mode.Merge, null);

    /// <summary>Applies a strategic merge patch (subset, see the type comment). The target is not modified.</summary>
    public static JsonNode? ApplyStrategic(JsonNode? target, JsonNode? patch, PatchSchema? schema = null) =>
        Merge(target?.DeepClone(), patch, schema is null ? Mode.StrategicByName : Mode.StrategicBySchema, schema);

    private enum Mode
    {
        Merge,
        StrategicByName,
        StrategicBySchema,
    }

    private static JsonNode? Merge(JsonNode? target, JsonNode? patch, Mode mode, PatchSchema? schema)
    {
        var strategic = mode != Mode.Merge;
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        if (strategic && Json.GetString(patchObject, "$patch") is { } directive)
        {
            if (directive == "delete")
            {
                return null;
            }

            if (directive == "replace")
            {
                var replacement = (JsonObject)patchObject.DeepClone();
                replacement.Remove("$patch");
                return replacement;
            }
        }

        var result = target as JsonObject ?? new JsonObject();
        foreach (var (name, value) in patchObject.ToList())
        {
            if (strategic && name.StartsWith('$'))
            {
                if (name.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal) && value is JsonArray toDelete)
                {
                    var listName = name["$deleteFromPrimitiveList/".Length..];
                    if (result[listName] is JsonArray list)
                    {
                        foreach (var item in list.Where(i => toDelete.Any(d => JsonNode.DeepEquals(d, i))).ToList())
                        {
                            list.Remove(item);
                        }
                    }
                }

                continue;
            }

            if (value is null)
            {
                result.Remove(name);
                continue;
            }

            var (field, listPatch) = schema?.Lookup(name) ?? (null, null);
            if (strategic && value is JsonArray patchList && result[name] is JsonArray targetList)
            {
                if (mode == Mode.StrategicByName && MergeKeys.TryGetValue(name, out var namedKey))
                {
                    result[name] = MergeList(targetList, patchList, namedKey, mode, null);
                    continue;
                }

                if (mode == Mode.StrategicBySchema && listPatch is { } tags && tags.Strategy.Split(',').Contains("merge"))
                {
                    result[name] = tags.MergeKey is { } mergeKey
                        ? MergeList(targetList, patchList, mergeKey, mode, field?.Element)
                        : MergeSet(targetList, patchList);
                    continue;
                }
            }

            var existingChild = result[name];
            var merged = Merge(existingChild, value, mode, field);
            if (merged is null)
            {
                result.Remove(name);
            }
            else if (!ReferenceEquals(merged, existingChild))
            {
                result[name] = merged;
            }
        }

        return result;
    }

    /// <summary>A merged list of primitives (finalizers): the target's items, then the patch's that are new.</summary>
    private static JsonArray MergeSet(JsonArray target, JsonArray patch)
    {
        var result = new JsonArray(target.Select(item => item?.DeepClone()).ToArray());
        foreach (var item in patch)
        {
            if (!result.Any(existing => JsonNode.DeepEquals(existing, item)))
            {
                result.Add(item?.DeepClone());
            }
        }

        return result;
    }

    private static JsonArray MergeList(JsonArray target, JsonArray patch, string mergeKey, Mode mode, PatchSchema? element)
    {
        var result = new JsonArray(target.Select(item => item?.DeepClone()).ToArray());
        foreach (var patchItem in patch)
        {
            if (patchItem is not JsonObject patchElement || Json.GetString(patchElement, mergeKey) is not { } keyValue)
            {
                result.Add(patchItem?.DeepClone());
                continue;
            }

            var index = IndexOf(result, mergeKey, keyValue);
            var isDelete = Json.GetString(patchElement, "$patch") == "delete";
            if (isDelete)
            {
                if (index >= 0)
                {
                    result.RemoveAt(index);
                }

                continue;
            }

            if (index >= 0)
            {
                var existingElement = result[index];
                var merged = Merge(existingElement, patchElement, mode, element);
                if (!ReferenceEquals(merged, existingElement))
                {
                    result[index] = merged;
                }
            }
            else
            {
                result.Add(Merge(null, patchElement, mode, element));
            }
        }

        return result;
    }

    private static int IndexOf(JsonArray list, string mergeKey, string keyValue)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (Json.GetString(list[i], mergeKey) == keyValue)
            {
                return i;
            }
        }

        return -1;
    }
}
