using System.Globalization;
using System.Numerics;

namespace VolumeAwareScheduler.Testing;

/// <summary>
/// A tiny Kubernetes quantity parser for test input: "5Gi", "1G", "100Mi", "1.5Gi", "500m", "8".
/// Values are rounded up to whole units as Quantity.Value() does; values beyond long.MaxValue saturate
/// (Core keeps capacities as long bytes; upstream's Quantity is arbitrary precision).
/// </summary>
public static class Quantity
{
    private static readonly (string Suffix, BigInteger Multiplier)[] Suffixes =
    [
        ("Ki", BigInteger.One << 10), ("Mi", BigInteger.One << 20), ("Gi", BigInteger.One << 30),
        ("Ti", BigInteger.One << 40), ("Pi", BigInteger.One << 50), ("Ei", BigInteger.One << 60),
        ("k", BigInteger.Pow(10, 3)), ("M", BigInteger.Pow(10, 6)), ("G", BigInteger.Pow(10, 9)),
        ("T", BigInteger.Pow(10, 12)), ("P", BigInteger.Pow(10, 15)), ("E", BigInteger.Pow(10, 18)),
    ];

    /// <summary>Parses to bytes (or plain units), rounding fractions up.</summary>
    public static long Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var number = text;
        BigInteger multiplier = BigInteger.One;
        BigInteger divisor = BigInteger.One;
        var matched = false;
        foreach (var (suffix, value) in Suffixes)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal))
            {
                number = text[..^suffix.Length];
                multiplier = value;
                matched = true;
                break;
            }
        }
        if (!matched && text.EndsWith('m'))
        {
            number = text[..^1];
            divisor = 1000;
        }

        var dot = number.IndexOf('.');
        var digits = dot < 0 ? number : number.Remove(dot, 1);
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
            throw new FormatException($"\"{text}\" is not a quantity this parser understands (digits, optional fraction, optional suffix)");
        if (dot >= 0) divisor *= BigInteger.Pow(10, number.Length - dot - 1);

        var numerator = BigInteger.Parse(digits, CultureInfo.InvariantCulture) * multiplier;
        var result = BigInteger.DivRem(numerator, divisor, out var remainder);
        if (!remainder.IsZero) result += 1;
        return result > long.MaxValue ? long.MaxValue : (long)result;
    }
}
