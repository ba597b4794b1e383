using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VolumeAwareScheduler.Extender;

// The kube-scheduler ⇄ extender wire types, k8s.io/kube-scheduler/extender/v1/types.go.
// Upstream's structs have no json tags, so Go's encoding/json writes each field under its Go name (PascalCase), in
// struct order, never omitted (nil is "null"). Every member carries an explicit [JsonPropertyName] for that reason:
// no naming policy is involved, and declaration order here is the wire order.

/// <summary>ExtenderArgs: the body of filter and prioritize. Exactly one of Nodes / NodeNames is set (nodeCacheCapable).</summary>
public sealed class ExtenderArgs
{
    /// <summary>The v1.Pod, kept as JSON and decoded with KubernetesClient's models at the boundary.</summary>
    [JsonPropertyName("Pod")] public JsonElement? Pod { get; set; }

    [JsonPropertyName("Nodes")] public ExtenderNodeList? Nodes { get; set; }

    [JsonPropertyName("NodeNames")] public List<string>? NodeNames { get; set; }
}

/// <summary>A v1.NodeList as the scheduler builds it: <c>{"metadata":{},"items":[...]}</c>, no TypeMeta.</summary>
public sealed class ExtenderNodeList
{
    [JsonPropertyName("metadata")] public EmptyListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")] public List<RawNode>? Items { get; set; }
}

/// <summary>The list's metadata: whatever arrives is ignored, and an empty object is written, as Go's zero ListMeta.</summary>
public sealed class EmptyListMeta;

/// <summary>
/// A v1.Node kept as the exact JSON text it arrived in, so that a node that passes is echoed byte for byte (R2 of the
/// contract: "Nodes as a NodeList of complete Node objects, exactly as received").
/// </summary>
[JsonConverter(typeof(RawNodeConverter))]
public sealed class RawNode(JsonElement element)
{
    public JsonElement Element { get; } = element;

    /// <summary>metadata.name, or null when absent or not a string.</summary>
    public string? Name =>
        Element.ValueKind == JsonValueKind.Object
        && Element.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
        && metadata.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
            ? name.GetString()
            : null;
}

internal sealed class RawNodeConverter : JsonConverter<RawNode>
{
    public override RawNode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var element = JsonElement.ParseValue(ref reader);
        if (element.ValueKind != JsonValueKind.Object) throw new JsonException("a node in Nodes.items must be a JSON object");
        return new RawNode(element);
    }

    public override void Write(Utf8JsonWriter writer, RawNode value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Element.GetRawText(), skipInputValidation: true);
}

/// <summary>ExtenderFilterResult. Failed maps are written with sorted keys, as Go writes maps.</summary>
public sealed class ExtenderFilterResult
{
    [JsonPropertyName("Nodes")] public ExtenderNodeList? Nodes { get; set; }

    [JsonPropertyName("NodeNames")] public List<string>? NodeNames { get; set; }

    [JsonPropertyName("FailedNodes")] public SortedDictionary<string, string>? FailedNodes { get; set; }

    [JsonPropertyName("FailedAndUnresolvableNodes")] public SortedDictionary<string, string>? FailedAndUnresolvableNodes { get; set; }

    [JsonPropertyName("Error")] public string Error { get; set; } = "";

    /// <summary>R3: a scheduling error; every other field null.</summary>
    public static ExtenderFilterResult Failure(string error) => new() { Error = GoJson.SafeErrorText(error) };
}

/// <summary>HostPriority; the prioritize reply is a bare JSON array of these (HostPriorityList).</summary>
public sealed class HostPriority
{
    [JsonPropertyName("Host")] public string Host { get; set; } = "";

    [JsonPropertyName("Score")] public long Score { get; set; }
}

/// <summary>ExtenderBindingArgs: the body of bind.</summary>
public sealed class ExtenderBindingArgs
{
    [JsonPropertyName("PodName")] public string? PodName { get; set; }

    [JsonPropertyName("PodNamespace")] public string? PodNamespace { get; set; }

    [JsonPropertyName("PodUID")] public string? PodUid { get; set; }

    [JsonPropertyName("Node")] public string? Node { get; set; }
}

/// <summary>ExtenderBindingResult: "" is success (the binding was made), anything else is why not.</summary>
public sealed class ExtenderBindingResult
{
    [JsonPropertyName("Error")] public string Error { get; set; } = "";
}

/// <summary>
/// Source-generated (de)serialisation of the envelopes. Reading is case-insensitive, as Go's decoder is (contract P1);
/// unknown members are ignored everywhere, since every Kubernetes release adds Pod and Node fields.
/// </summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, MaxDepth = 256)]
[JsonSerializable(typeof(ExtenderArgs))]
[JsonSerializable(typeof(ExtenderFilterResult))]
[JsonSerializable(typeof(List<HostPriority>))]
[JsonSerializable(typeof(ExtenderBindingArgs))]
[JsonSerializable(typeof(ExtenderBindingResult))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class ExtenderJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context used on the wire: the relaxed encoder writes '"' as \" and leaves non-ASCII text alone, as Go does;
    /// the HTML-safe escapes Go adds on top are applied by <see cref="GoJson.Serialize{T}"/>.
    /// </summary>
    public static ExtenderJsonContext Wire { get; } = new(new JsonSerializerOptions
    {
        PropertyNameCaseInsensitive = true,
        MaxDepth = 256,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
