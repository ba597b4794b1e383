using System.Globalization;
using k8s.Models;

namespace VolumeAwareScheduler.Kubernetes.Conversion;

/// <summary>
/// Quantity → integer, rounded up as Kubernetes does: Quantity.Value() rounds up to a whole unit (so "1.5" bytes is 2)
/// and MilliValue() to a whole milli-unit (resource.Quantity in apimachinery). The text is read by
/// <see cref="ParsedQuantity"/> in time linear in its length, never by KubernetesClient's arbitrary-precision arithmetic.
/// A quantity the API server would refuse in a request or a capacity (a negative one, ValidateNonnegativeQuantity), or one
/// whose Value()/MilliValue() does not fit an int64, is a <see cref="ConversionException"/> naming the field.
/// </summary>
public static class Quantities
{
    private const int QuotedLength = 40;

    /// <summary>Quantity.Value(): whole units, rounded up. A null quantity (JSON null) is zero, as Go decodes it.</summary>
    public static long Value(ResourceQuantity? quantity, string field) => Scaled(quantity, field, 0);

    /// <summary>Quantity.MilliValue(): thousandths, rounded up. A null quantity (JSON null) is zero, as Go decodes it.</summary>
    public static long MilliValue(ResourceQuantity? quantity, string field) => Scaled(quantity, field, 3);

    /// <summary>The text of a quantity: as received for a <see cref="WireQuantity"/>, else the library's decimal canonical form.</summary>
    private static string TextOf(ResourceQuantity quantity, string field)
    {
        if (quantity is WireQuantity wire) return wire.Text;
        // Built in memory by our own code or tests. CanonicalizeString(DecimalSI) tries the ten decimal suffixes once
        // each, unlike ToString(), whose exponent-form loop never ends for a negative amount.
        try
        {
            return quantity.CanonicalizeString(ResourceQuantity.SuffixFormat.DecimalSI);
        }
        catch (OverflowException)
        {
            throw new ConversionException($"{field} is out of range: {Limit(0)}");
        }
    }

    private static long Scaled(ResourceQuantity? quantity, string field, int scale)
    {
        if (quantity is null) return 0;
        // Go's Quantity.UnmarshalJSON trims surrounding space before ParseQuantity.
        var text = TextOf(quantity, field).Trim();
        if (!ParsedQuantity.TryParse(text, out var parsed, out var problem))
            throw new ConversionException($"{field} {Quote(text)} is not a valid quantity ({problem})");
        if (parsed.IsNegative) throw new ConversionException($"{field} {Quote(text)} must be greater than or equal to 0");
        if (!parsed.TryScaledValue(scale, out var value)) throw new ConversionException($"{field} {Quote(text)} is out of range: {Limit(scale)}");
        return value;
    }

    private static string Limit(int scale) => scale == 0
        ? $"Kubernetes counts it as a 64-bit integer, at most {long.MaxValue.ToString(CultureInfo.InvariantCulture)}"
        : $"Kubernetes counts it in thousandths as a 64-bit integer, at most {long.MaxValue.ToString(CultureInfo.InvariantCulture)}m";

    /// <summary>The text in quotes for a message, shortened when long (a quantity may be a megabyte of digits).</summary>
    private static string Quote(string text) =>
        text.Length <= QuotedLength ? $"\"{text}\"" : $"\"{text[..QuotedLength]}…\" ({text.Length.ToString(CultureInfo.InvariantCulture)} characters)";

    /// <summary>Human form of a byte count for reports, e.g. "5Gi".</summary>
    public static string FormatBytes(long bytes) => VolumeAwareScheduler.Core.Model.ByteSize.Format(bytes);
}
