using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace VolumeAwareScheduler.Kubernetes.Conversion;

/// <summary>
/// Reads a quantity as its text, as Go's Quantity.UnmarshalJSON takes it: a string's contents or a number's literal
/// digits ("-1e+308" stays "-1e+308", never a double), and null as null. Nothing is computed here: the text becomes a
/// <see cref="WireQuantity"/>, read later by <see cref="Quantities"/>. Writes the text back as a JSON string.
/// </summary>
public sealed class QuantityJsonConverter : JsonConverter<ResourceQuantity>
{
    public override bool HandleNull => false;

    public override ResourceQuantity? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => new WireQuantity(reader.GetString()!),
        JsonTokenType.Number => new WireQuantity(Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan)),
        _ => throw new JsonException($"a quantity must be a string or a number, not {reader.TokenType}"),
    };

    public override void Write(Utf8JsonWriter writer, ResourceQuantity value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value is WireQuantity wire ? wire.Text : value.ToString());
}
