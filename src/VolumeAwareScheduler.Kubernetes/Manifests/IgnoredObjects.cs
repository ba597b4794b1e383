namespace VolumeAwareScheduler.Kubernetes.Manifests;

/// <summary>
/// The warnings for objects a command reads but does not use: one line per kind, in the order kinds first appear,
/// naming the object when it is the only one of its kind and counting them otherwise:
/// <c>ignoring ConfigMap kafka/settings (document 3, line 16): not used for scheduling decisions.</c> or
/// <c>ignoring 3 ConfigMap objects (first: default/a, document 4, line 12): not used for scheduling decisions.</c>
/// </summary>
public static class IgnoredObjects
{
    public const string Reason = "not used for scheduling decisions";

    /// <summary>The lines for <paramref name="ignored"/>, each starting with <paramref name="source"/> and ending with a full stop.</summary>
    public static IReadOnlyList<string> Warnings(string source, IEnumerable<ManifestObject> ignored) =>
        [.. ignored
            .GroupBy(KindOf, StringComparer.Ordinal)
            .Select(kind =>
            {
                var first = kind.First();
                var count = kind.Count();
                var where = $"document {first.Document}, line {first.Line}";
                return count == 1
                    ? $"{source}: ignoring {kind.Key} {NameOf(first)} ({where}): {Reason}."
                    : $"{source}: ignoring {count} {kind.Key} objects (first: {NameOf(first)}, {where}): {Reason}.";
            })];

    /// <summary>The kind, with its apiVersion when the same kind is read under another one (a StatefulSet of apps/v1beta2).</summary>
    private static string KindOf(ManifestObject o) =>
        o.Model is UntypedObject u && ManifestReader.IsTypedKind(u.Kind) ? $"{u.Kind} ({u.ApiVersion})" : o.Kind;

    private static string NameOf(ManifestObject o) => (o.Namespace, o.Name) switch
    {
        (_, null or "") => "without a name",
        (null or "", var name) => name,
        var (ns, name) => $"{ns}/{name}",
    };
}
