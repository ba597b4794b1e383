using YamlDotNet.RepresentationModel;

namespace VolumeAwareScheduler.Kubernetes.Manifests;

/// <summary>
/// How large a YAML document becomes once its aliases are expanded. A parsed document shares an anchored node between
/// its aliases, so a few lines can stand for billions of nodes (the "billion laughs"); every reader that walks the
/// tree expands them. Readers refuse a document beyond <see cref="Limit"/>, as go-yaml refuses "excessive aliasing"
/// (yaml.v2 decode.go, allowedAliasRatio).
/// </summary>
public static class YamlExpansion
{
    /// <summary>Expanded nodes allowed per document: far above any real manifest or configuration.</summary>
    public const long Limit = 1_000_000;

    /// <summary>The expanded node count, or null when it passes <see cref="Limit"/>. Linear in the parsed nodes.</summary>
    public static long? ExpandedSize(YamlNode root)
    {
        var sizes = new Dictionary<YamlNode, long>(ReferenceEqualityComparer.Instance);
        var size = Size(root, sizes, 0);
        return size > Limit ? null : size;
    }

    private static long Size(YamlNode node, Dictionary<YamlNode, long> sizes, int depth)
    {
        if (sizes.TryGetValue(node, out var known)) return known;
        // An alias cycle, or nesting the parser itself would not have produced: count it as too large.
        if (depth > 10_000) return Limit + 1;
        sizes[node] = Limit + 1;
        long size = 1;
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    size += Size(key, sizes, depth + 1) + Size(value, sizes, depth + 1);
                    if (size > Limit) break;
                }
                break;
            case YamlSequenceNode sequence:
                foreach (var child in sequence.Children)
                {
                    size += Size(child, sizes, depth + 1);
                    if (size > Limit) break;
                }
                break;
        }
        size = Math.Min(size, Limit + 1);
        sizes[node] = size;
        return size;
    }
}
