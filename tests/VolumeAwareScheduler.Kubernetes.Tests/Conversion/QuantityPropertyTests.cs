using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using VolumeAwareScheduler.Kubernetes.Conversion;

namespace VolumeAwareScheduler.Kubernetes.Tests.Conversion;

/// <summary>
/// The quantity path driven with random and extreme texts and JSON numbers: each gives a value or a conversion error,
/// within a generous bound (a hang fails the case instead of stalling the run). Where exact arithmetic is affordable,
/// the values agree with a BigInteger reading of upstream's grammar, and so does the verdict on every text.
/// </summary>
public sealed partial class QuantityPropertyTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static readonly string[] Suffixes = ["", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

    public static TheoryData<string> Extremes() =>
    [
        "-1e+308", "1e308", "4.9e-324", "1e1000000000", "1e-1000000000", "-1e1000000000", "1E2147483647", "1E-2147483647",
        "1E2147483648", "1e9223372036854775807", "1e99999999999999999999999999", "9999999999999999999999Ei", "8Ei", "-8Ei",
        "NaN", "Infinity", "-Infinity", "+Inf", "inf", "1e", "e5", "--1", "0x10", "1_000", "\uFF11", "1\u00A0", "", " ", ".", "-.", "+",
        new string('9', 1_000_000), new string('0', 1_000_000) + "1", "0." + new string('0', 1_000_000) + "1Ki",
        "1." + new string('3', 1_000_000) + "Ei", "1." + new string('3', 1_000_000) + "e-2147483647", new string('7', 500_000) + "e-2147483647",
        "1e" + new string('0', 1_000_000) + "5", "1e-" + new string('0', 1_000_000) + "5", new string('.', 3), new string('e', 10_000),
    ];

    [Theory]
    [MemberData(nameof(Extremes))]
    public async Task An_extreme_text_gives_a_value_or_a_conversion_error_in_bounded_time(string text) => await Bounded(text);

    [Fact]
    public async Task Random_texts_give_a_value_or_a_conversion_error_in_bounded_time()
    {
        var random = new Random(20261204);
        for (var i = 0; i < 2000; i++) await Bounded(RandomText(random, noise: i % 4 == 0));
    }

    [Fact]
    public async Task Random_JSON_numbers_give_a_value_or_a_conversion_error_in_bounded_time()
    {
        var random = new Random(7);
        double[] specials = [double.MaxValue, double.MinValue, double.Epsilon, -double.Epsilon, 1e308, -1e308, 1e-308, 0.1, -0.0];
        var numbers = specials.Select(d => d.ToString("R", CultureInfo.InvariantCulture))
            .Concat(Enumerable.Range(0, 300).Select(_ => JsonNumber(random)))
            .ToList();
        foreach (var number in numbers)
        {
            var json = """{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","resources":{"requests":{"cpu":""" + number
                + ""","memory":""" + number + "}}}]}}";
            await Task.Run(() =>
            {
                var pod = KubernetesJson.Deserialize<V1Pod>(json, QuantityJson.Options);
                Assert.Equal(number, Assert.IsType<WireQuantity>(pod.Spec.Containers[0].Resources.Requests["cpu"]).Text);
                try
                {
                    Converter.ToPod(pod);
                }
                catch (ConversionException)
                {
                    // an answer
                }
            }).WaitAsync(Bound);
        }
    }

    [Fact]
    public void Random_texts_agree_with_exact_arithmetic_on_upstreams_grammar()
    {
        var random = new Random(42);
        var compared = 0;
        for (var i = 0; i < 5000; i++)
        {
            var text = RandomText(random, noise: i % 5 == 0, affordable: true);
            var match = Grammar().Match(text);
            var parses = ParsedQuantity.TryParse(text, out var parsed, out _);
            if (!match.Success)
            {
                Assert.False(parses, $"\"{text}\" parsed but does not match upstream's grammar");
                continue;
            }
            var exponentText = match.Groups["exp"].Value;
            if (exponentText.Length > 0 && BigInteger.Abs(BigInteger.Parse(exponentText, CultureInfo.InvariantCulture)) > int.MaxValue)
            {
                Assert.False(parses, $"\"{text}\": an exponent past int32 parsed");
                continue;
            }
            var digits = match.Groups["num"].Value + match.Groups["denom"].Value;
            if (!digits.Any(char.IsAsciiDigit)) continue; // the no-digit cases have their own test
            Assert.True(parses, $"\"{text}\" matches upstream's grammar but did not parse");
            for (var scale = 0; scale <= 3; scale += 3)
            {
                var expected = Reference(match, scale);
                var ok = parsed.TryScaledValue(scale, out var actual);
                if (parsed.IsNegative)
                {
                    Assert.True(expected < 0 || expected is null, $"\"{text}\" is negative but the reference reads {expected}");
                    continue;
                }
                Assert.True(expected is null ? !ok : ok && actual == expected, $"\"{text}\" scale {scale}: expected {expected?.ToString(CultureInfo.InvariantCulture) ?? "out of range"}, got {(ok ? actual : "out of range")}");
                compared++;
            }
        }
        Assert.True(compared > 2000, $"only {compared} values compared");
    }

    /// <summary>Value() or MilliValue(), or a <see cref="ConversionException"/>; nothing else, and within <see cref="Bound"/>.</summary>
    private static async Task Bounded(string text)
    {
        foreach (var milli in new[] { false, true })
        {
            await Task.Run(() =>
            {
                try
                {
                    var quantity = new WireQuantity(text);
                    var value = milli ? Quantities.MilliValue(quantity, "f") : Quantities.Value(quantity, "f");
                    Assert.True(value >= 0);
                }
                catch (ConversionException e)
                {
                    Assert.StartsWith("f ", e.Message, StringComparison.Ordinal);
                }
            }).WaitAsync(Bound);
        }
    }

    private static string RandomText(Random random, bool noise, bool affordable = false)
    {
        if (noise)
        {
            const string alphabet = "0123456789.+-eEinumkKMGTPa x";
            var builder = new StringBuilder();
            for (var i = random.Next(0, 16); i > 0; i--) builder.Append(alphabet[random.Next(alphabet.Length)]);
            return builder.ToString();
        }
        var text = new StringBuilder();
        text.Append(random.Next(6) switch { 0 => "-", 1 => "+", _ => "" });
        text.Append(Digits(random, affordable));
        if (random.Next(3) == 0) text.Append('.').Append(Digits(random, affordable));
        if (random.Next(3) == 0)
        {
            text.Append(random.Next(2) == 0 ? 'e' : 'E');
            text.Append(random.Next(3) switch { 0 => "-", 1 => "+", _ => "" });
            text.Append(affordable ? random.Next(0, 60).ToString(CultureInfo.InvariantCulture) : random.Next(5) switch
            {
                0 => random.Next(0, 40).ToString(CultureInfo.InvariantCulture),
                1 => ((long)int.MaxValue + random.Next(-2, 3)).ToString(CultureInfo.InvariantCulture),
                2 => "1000000000",
                3 => Digits(random, affordable: false),
                _ => random.NextInt64().ToString(CultureInfo.InvariantCulture),
            });
        }
        else
        {
            text.Append(Suffixes[random.Next(Suffixes.Length)]);
        }
        return text.ToString();
    }

    private static string Digits(Random random, bool affordable)
    {
        var length = random.Next(6) switch
        {
            0 => 0,
            1 => random.Next(18, 23),
            2 => affordable ? random.Next(23, 60) : random.Next(100, 5000),
            _ => random.Next(1, 6),
        };
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++) builder.Append((char)('0' + (random.Next(4) == 0 ? 0 : random.Next(10))));
        return builder.ToString();
    }

    private static string JsonNumber(Random random)
    {
        var mantissa = random.Next(3) switch
        {
            0 => random.NextInt64().ToString(CultureInfo.InvariantCulture),
            1 => random.NextDouble().ToString("R", CultureInfo.InvariantCulture),
            _ => "0." + new string('7', random.Next(1, 400)),
        };
        if (random.Next(2) == 0) mantissa = "-" + mantissa;
        return random.Next(3) == 0 ? mantissa : $"{mantissa}e{(random.Next(2) == 0 ? "-" : "+")}{random.Next(0, 400)}";
    }

    /// <summary>
    /// ceil(|q| × 10^scale) in exact arithmetic, signed like q; null when beyond int64. Binary amounts past 2^63−1 are capped
    /// first, as ParseQuantity does.
    /// </summary>
    private static long? Reference(Match match, int scale)
    {
        var negative = match.Groups["sign"].Value == "-";
        var num = match.Groups["num"].Value;
        var denom = match.Groups["denom"].Value;
        var suffix = match.Groups["suffix"].Value;
        var n = BigInteger.Parse("0" + num + denom, CultureInfo.InvariantCulture);
        BigInteger numerator = n, denominator = BigInteger.Pow(10, denom.Length);
        var binary = suffix.EndsWith('i');
        if (binary) numerator <<= 10 * (Array.IndexOf(["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"], suffix) + 1);
        else
        {
            var exponent = match.Groups["exp"].Value.Length > 0 ? int.Parse(match.Groups["exp"].Value, CultureInfo.InvariantCulture) : suffix switch
            {
                "n" => -9, "u" => -6, "m" => -3, "k" => 3, "M" => 6, "G" => 9, "T" => 12, "P" => 15, "E" => 18, _ => 0,
            };
            if (exponent >= 0) numerator *= BigInteger.Pow(10, exponent);
            else denominator *= BigInteger.Pow(10, -exponent);
        }
        if (binary && numerator > long.MaxValue * denominator)
        {
            numerator = long.MaxValue;
            denominator = 1;
        }
        numerator *= BigInteger.Pow(10, scale);
        var result = BigInteger.DivRem(numerator, denominator, out var remainder) + (remainder.IsZero ? 0 : 1);
        if (result > long.MaxValue) return null;
        return negative && !n.IsZero ? -(long)result : (long)result;
    }

    [GeneratedRegex(@"^(?<sign>[+-]?)(?<num>[0-9]*)(?:\.(?<denom>[0-9]*))?(?<suffix>Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE](?<exp>[+-]?[0-9]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();
}
