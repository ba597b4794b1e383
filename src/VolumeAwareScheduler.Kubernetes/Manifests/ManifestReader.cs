using k8s;
using k8s.Models;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace VolumeAwareScheduler.Kubernetes.Manifests;

/// <summary>
/// Reads what `kubectl get ... -o yaml` writes: several YAML documents and/or `kind: List` items, typed with
/// KubernetesClient's models. Objects of other kinds are returned as <see cref="UntypedObject"/> (kind and name only),
/// not errors: what a command does not use it reports with <see cref="IgnoredObjects"/>.
/// </summary>
public static class ManifestReader
{
    private static readonly Dictionary<string, Type> Kinds = new(StringComparer.Ordinal)
    {
        ["v1/Node"] = typeof(V1Node),
        ["v1/PersistentVolume"] = typeof(V1PersistentVolume),
        ["v1/PersistentVolumeClaim"] = typeof(V1PersistentVolumeClaim),
        ["v1/Pod"] = typeof(V1Pod),
        ["v1/Namespace"] = typeof(V1Namespace),
        ["v1/Service"] = typeof(V1Service),
        ["v1/ReplicationController"] = typeof(V1ReplicationController),
        ["apps/v1/ReplicaSet"] = typeof(V1ReplicaSet),
        ["storage.k8s.io/v1/StorageClass"] = typeof(V1StorageClass),
        ["storage.k8s.io/v1/CSIDriver"] = typeof(V1CSIDriver),
        ["storage.k8s.io/v1/CSINode"] = typeof(V1CSINode),
        ["storage.k8s.io/v1/CSIStorageCapacity"] = typeof(V1CSIStorageCapacity),
        ["apps/v1/StatefulSet"] = typeof(V1StatefulSet),
        ["policy/v1/PodDisruptionBudget"] = typeof(V1PodDisruptionBudget),
        ["scheduling.k8s.io/v1/PriorityClass"] = typeof(V1PriorityClass),
    };

    public static IReadOnlyList<ManifestObject> ReadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ManifestException($"{path}: cannot be read ({e.Message.TrimEnd('.')}).");
        }
        return Read(text, path);
    }

    public static IReadOnlyList<ManifestObject> Read(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new ManifestException($"{source}: invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {Clean(e.InnerException?.Message ?? e.Message)}.");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up this way on some malformed text rather than with a YamlException.
            throw new ManifestException($"{source}: invalid YAML: the text cannot be scanned.");
        }
        for (var i = 0; i < stream.Documents.Count; i++)
        {
            if (YamlExpansion.ExpandedSize(stream.Documents[i].RootNode) is null)
                throw new ManifestException($"{source}: document {i + 1} has excessive aliasing: its aliases expand to more than {YamlExpansion.Limit:N0} nodes.");
        }

        var objects = new List<ManifestObject>();
        for (var i = 0; i < stream.Documents.Count; i++)
        {
            var root = stream.Documents[i].RootNode;
            var document = i + 1;
            if (root is YamlScalarNode { Value: null or "" or "~" or "null" }) continue; // an empty document, e.g. after a trailing ---
            if (root is not YamlMappingNode mapping)
                throw new ManifestException($"{source}: document {document} (line {root.Start.Line}) is not a Kubernetes object (expected a mapping with apiVersion and kind).");
            var (apiVersion, kind) = TypeOf(mapping, source, document);
            if (kind is "List" || kind.EndsWith("List", StringComparison.Ordinal) && mapping.Children.ContainsKey("items"))
            {
                if (mapping.Children.TryGetValue("items", out var items) && items is YamlSequenceNode sequence)
                {
                    foreach (var item in sequence.Children)
                    {
                        if (item is not YamlMappingNode itemMapping)
                            throw new ManifestException($"{source}: document {document} (line {item.Start.Line}): a List item is not a Kubernetes object.");
                        var (itemApiVersion, itemKind) = TypeOf(itemMapping, source, document);
                        Add(itemMapping, itemApiVersion, itemKind);
                    }
                }
                continue;
            }
            Add(mapping, apiVersion, kind);

            void Add(YamlMappingNode node, string objectApiVersion, string objectKind)
            {
                var line = (int)node.Start.Line;
                var model = Kinds.TryGetValue($"{objectApiVersion}/{objectKind}", out var type)
                    ? Deserialize(node, type, source, document, objectKind)
                    : Untyped(node, objectApiVersion, objectKind);
                objects.Add(new ManifestObject(document, line, objectKind, model));
            }
        }
        return objects;
    }

    /// <summary>Whether objects of this kind are read into a KubernetesClient model under some apiVersion.</summary>
    public static bool IsTypedKind(string kind) => Kinds.Keys.Any(k => k.EndsWith("/" + kind, StringComparison.Ordinal));

    /// <summary>The identity of an object of a kind we do not type; its body is not read, so it cannot be malformed.</summary>
    private static UntypedObject Untyped(YamlMappingNode node, string apiVersion, string kind)
    {
        var metadata = node.Children.TryGetValue("metadata", out var m) ? m as YamlMappingNode : null;
        string? Field(string key) => metadata is not null && metadata.Children.TryGetValue(key, out var value) && value is YamlScalarNode scalar ? scalar.Value : null;
        return new UntypedObject(apiVersion, kind, Field("namespace"), Field("name"));
    }

    private static (string ApiVersion, string Kind) TypeOf(YamlMappingNode mapping, string source, int document)
    {
        string? Scalar(string key) => mapping.Children.TryGetValue(key, out var node) && node is YamlScalarNode scalar ? scalar.Value : null;
        var kind = Scalar("kind");
        var apiVersion = Scalar("apiVersion");
        if (string.IsNullOrEmpty(kind) || string.IsNullOrEmpty(apiVersion))
            throw new ManifestException($"{source}: document {document} (line {mapping.Start.Line}) has no {(string.IsNullOrEmpty(apiVersion) ? "apiVersion" : "kind")}.");
        return (apiVersion, kind);
    }

    private static object Deserialize(YamlMappingNode node, Type type, string source, int document, string kind)
    {
        // Quantities are kept as text (read later, in bounded time), out of the reach of the library's YAML converter.
        var quantities = ManifestQuantities.Detach(node, type);
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        try
        {
            var method = typeof(KubernetesYaml).GetMethod(nameof(KubernetesYaml.Deserialize), [typeof(string), typeof(bool)])!.MakeGenericMethod(type);
            var model = method.Invoke(null, [writer.ToString(), false])!;
            quantities.Attach(node, model);
            return model;
        }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is not null)
        {
            var inner = e.InnerException;
            var where = inner is YamlException y ? $"line {node.Start.Line + y.Start.Line - 1}" : $"line {node.Start.Line}";
            var innermost = Innermost(inner);
            var problem = innermost is InvalidCastException
                ? "a field has the wrong type (a scalar where a list or an object belongs, or the reverse)"
                : Clean(innermost.Message);
            throw new ManifestException($"{source}: document {document} ({kind}, {where}) cannot be read: {problem}.");
        }
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    private static string Clean(string message) => message.ReplaceLineEndings(" ").Trim().TrimEnd('.');
}
