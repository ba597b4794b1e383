using System.Globalization;

namespace VolumeAwareScheduler.ApiEmulator.Resources;

/// <summary>
/// Resource quantities (<c>10Gi</c>, <c>500M</c>, <c>1.5e3</c>) as exact decimals, after
/// k8s.io/apimachinery/pkg/api/resource/quantity.go. Enough for comparisons and arithmetic on capacities.
/// </summary>
internal static class Quantity
{
    private static readonly (string Suffix, decimal Multiplier)[] Suffixes =
    [
        ("Ki", 1024m), ("Mi", 1024m * 1024), ("Gi", 1024m * 1024 * 1024), ("Ti", 1024m * 1024 * 1024 * 1024),
        ("Pi", 1024m * 1024 * 1024 * 1024 * 1024), ("Ei", 1024m * 1024 * 1024 * 1024 * 1024 * 1024),
        ("n", 0.000000001m), ("u", 0.000001m), ("m", 0.001m), ("k", 1e3m), ("M", 1e6m), ("G", 1e9m), ("T", 1e12m),
        ("P", 1e15m), ("E", 1e18m),
    ];

    public static bool TryParse(string? text, out decimal value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        var numberEnd = 0;
        while (numberEnd < text.Length && (char.IsAsciiDigit(text[numberEnd]) || text[numberEnd] is '.' or '+' or '-'))
        {
            numberEnd++;
        }

        if (!decimal.TryParse(text[..numberEnd], NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var suffix = text[numberEnd..];
        if (suffix.Length == 0)
        {
            value = number;
            return true;
        }

        if (suffix[0] is 'e' or 'E' && suffix.Length > 1
            && int.TryParse(suffix[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent))
        {
            if (exponent is > 27 or < -27)
            {
                return false;
            }

            value = number * Pow10(exponent);
            return true;
        }

        foreach (var (candidate, multiplier) in Suffixes)
        {
            if (suffix == candidate)
            {
                try
                {
                    value = number * multiplier;
                    return true;
                }
                catch (OverflowException)
                {
                    return false;
                }
            }
        }

        return false;
    }

    /// <summary>Formats bytes in the largest binary unit that divides them exactly (<c>3Gi</c>), else as a plain integer.</summary>
    public static string FormatBinary(decimal bytes)
    {
        foreach (var (suffix, multiplier) in Suffixes.Take(6).Reverse())
        {
            if (bytes != 0 && bytes % multiplier == 0)
            {
                return (bytes / multiplier).ToString("0", CultureInfo.InvariantCulture) + suffix;
            }
        }

        return decimal.Round(bytes, 0, MidpointRounding.ToPositiveInfinity).ToString("0", CultureInfo.InvariantCulture);
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < Math.Abs(exponent); i++)
        {
            result *= 10;
        }

        return exponent >= 0 ? result : 1 / result;
    }
}
