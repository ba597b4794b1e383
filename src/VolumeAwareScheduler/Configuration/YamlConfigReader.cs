using System.Text.RegularExpressions;
using VolumeAwareScheduler.Core.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace VolumeAwareScheduler.Configuration;

/// <summary>
/// Reads one YAML (or JSON) document into a <see cref="ConfigNode"/> tree. Plain scalars are resolved as
/// sigs.k8s.io/yaml resolves them on the way to kube-scheduler's strict JSON decoding (go-yaml v2: YAML 1.1 booleans
/// such as <c>yes</c> and <c>on</c> included); quoted scalars are strings. A repeated key is an error, as in
/// kube-scheduler's strict decoding.
/// </summary>
public static partial class YamlConfigReader
{
    /// <summary>The document's root; throws <see cref="ConfigException"/> for text that is not one YAML document.</summary>
    public static ConfigNode Read(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var reason = (e.InnerException?.Message ?? e.Message).Split(Environment.NewLine)[0].Trim().TrimEnd('.');
            var problem = reason.Contains("duplicate key", StringComparison.OrdinalIgnoreCase) ? "a key is repeated" : reason;
            throw new ConfigException("", $"not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {problem}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up this way on some malformed text rather than with a YamlException.
            throw new ConfigException("", "not valid YAML: the text cannot be scanned");
        }
        if (stream.Documents.Any(d => Kubernetes.Manifests.YamlExpansion.ExpandedSize(d.RootNode) is null))
            throw new ConfigException("", $"excessive aliasing: the document's aliases expand to more than {Kubernetes.Manifests.YamlExpansion.Limit:N0} nodes");
        var documents = stream.Documents.Where(d => !IsEmpty(d.RootNode)).ToList();
        if (documents.Count == 0) throw new ConfigException("", "the file is empty: a KubeSchedulerConfiguration needs at least apiVersion and kind");
        if (documents.Count > 1) throw new ConfigException("", $"the file has {documents.Count} YAML documents: give one KubeSchedulerConfiguration");
        return Convert(documents[0].RootNode, "");
    }

    private static bool IsEmpty(YamlNode node) => node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } scalar && ResolvePlain(scalar.Value ?? "") == ConfigNodeKind.Null && string.IsNullOrEmpty(scalar.Value);

    private static ConfigNode Convert(YamlNode node, string path)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var entries = new List<KeyValuePair<string, ConfigNode>>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (keyNode, valueNode) in map.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: { } key })
                        throw new ConfigException(path, $"a map key at line {keyNode.Start.Line} is not a string");
                    var child = ConfigPath.Child(path, key);
                    if (!seen.Add(key)) throw new ConfigException(child, "the key is repeated");
                    entries.Add(new(key, Convert(valueNode, child)));
                }
                return ConfigNode.Map(path, entries);
            case YamlSequenceNode list:
                return ConfigNode.List(path, [.. list.Children.Select((item, i) => Convert(item, ConfigPath.Index(path, i)))]);
            case YamlScalarNode scalar:
                var text = scalar.Value ?? "";
                var kind = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any && !IsStringTag(scalar.Tag) ? ResolvePlain(text) : ConfigNodeKind.String;
                return kind == ConfigNodeKind.Null ? ConfigNode.Null(path) : ConfigNode.Scalar(path, kind, text);
            default:
                throw new ConfigException(path, $"unsupported YAML node at line {node.Start.Line}");
        }
    }

    private static bool IsStringTag(TagName tag) => !tag.IsEmpty && tag.Value is "tag:yaml.org,2002:str" or "!!str";

    /// <summary>go-yaml v2's resolve table: null, booleans (YAML 1.1), integers, floats; anything else is a string.</summary>
    private static ConfigNodeKind ResolvePlain(string text)
    {
        if (text is "" or "~" or "null" or "Null" or "NULL") return ConfigNodeKind.Null;
        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE" or "y" or "Y" or "yes" or "Yes" or "YES" or "n" or "N" or "no" or "No"
            or "NO" or "on" or "On" or "ON" or "off" or "Off" or "OFF")
        {
            return ConfigNodeKind.Bool;
        }
        if (IntegerPattern().IsMatch(text) && ConfigNode.TryParseInteger(text, out _)) return ConfigNodeKind.Integer;
        if (FloatPattern().IsMatch(text)) return ConfigNodeKind.Float;
        return ConfigNodeKind.String;
    }

    [GeneratedRegex(@"^[-+]?(0|[1-9][0-9_]*|0[0-7_]+|0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+)$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^([-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")]
    private static partial Regex FloatPattern();
}
