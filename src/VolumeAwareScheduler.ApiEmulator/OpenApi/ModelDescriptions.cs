using System.IO.Compression;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace VolumeAwareScheduler.ApiEmulator.OpenApi;

/// <summary>
/// Descriptions of model types and properties for <c>kubectl explain</c>, read from KubernetesClient's XML
/// documentation (whose summaries are upstream's OpenAPI descriptions). The build embeds the <c>k8s.Models</c>
/// part of that file, compressed; without it every description is absent and explain prints <c>&lt;empty&gt;</c>.
/// </summary>
internal sealed partial class ModelDescriptions
{
    public const string ResourceName = "k8s-model-docs.xml.gz";

    private readonly Dictionary<string, string> _summaries;

    private ModelDescriptions(Dictionary<string, string> summaries) => _summaries = summaries;

    public static ModelDescriptions Empty { get; } = new([]);

    public int Count => _summaries.Count;

    /// <summary>Reads the embedded documentation; <see cref="Empty"/> when the build did not embed it.</summary>
    public static ModelDescriptions Load()
    {
        using var stream = typeof(ModelDescriptions).Assembly.GetManifestResourceStream(ResourceName);
        if (stream is null)
        {
            return Empty;
        }

        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        var summaries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in XDocument.Load(gzip).Descendants("member"))
        {
            if (member.Attribute("name")?.Value is { } name && member.Element("summary")?.Value is { } summary)
            {
                summaries[name] = Whitespace().Replace(summary, " ").Trim();
            }
        }

        return new ModelDescriptions(summaries);
    }

    public string? Type(Type type) => _summaries.GetValueOrDefault("T:" + type.FullName);

    public string? Property(PropertyInfo property) =>
        _summaries.GetValueOrDefault($"P:{property.DeclaringType?.FullName}.{property.Name}");

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
