using System.Globalization;
using k8s.Models;

namespace VolumeAwareScheduler.Kubernetes.Conversion;

/// <summary>
/// Quantity → integer, rounded up as Kubernetes does: Quantity.Value() rounds up to a whole unit (so "1.5" bytes is 2)
/// and MilliValue() to a whole milli-unit (resource.Quantity in apimachinery).
/// </summary>
public static class Quantities
{
    public static long Value(ResourceQuantity quantity, string field) => Ceiling(ToDecimal(quantity, field), field);

    public static long MilliValue(ResourceQuantity quantity, string field) => Ceiling(ToDecimal(quantity, field) * 1000m, field);

    private static decimal ToDecimal(ResourceQuantity quantity, string field)
    {
        try
        {
            return quantity.ToDecimal();
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or InvalidOperationException)
        {
            throw new ConversionException($"{field} \"{quantity}\" is not a valid quantity");
        }
    }

    private static long Ceiling(decimal value, string field)
    {
        var ceiling = decimal.Ceiling(value);
        if (ceiling > long.MaxValue || ceiling < long.MinValue) throw new ConversionException($"{field} is out of range");
        return (long)ceiling;
    }

    /// <summary>Parses a quantity string, reporting a bad one as a conversion error naming the field.</summary>
    public static ResourceQuantity Parse(string text, string field)
    {
        try
        {
            var quantity = new ResourceQuantity(text);
            _ = quantity.ToDecimal();
            return quantity;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or InvalidOperationException)
        {
            throw new ConversionException($"{field} \"{text}\" is not a valid quantity");
        }
    }

    /// <summary>Human form of a byte count for reports, e.g. "5Gi".</summary>
    public static string FormatBytes(long bytes) => VolumeAwareScheduler.Core.Model.ByteSize.Format(bytes);
}

/// <summary>A Kubernetes object that cannot be turned into a scheduling snapshot; the message names the field.</summary>
public sealed class ConversionException(string message) : Exception(message);
