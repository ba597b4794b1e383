using System.Globalization;
using System.Numerics;
using k8s;
using k8s.Models;
using VolumeAwareScheduler.Kubernetes.Conversion;

namespace VolumeAwareScheduler.Kubernetes.Tests.Conversion;

/// <summary>
/// Quantities read as Kubernetes reads them. The tables are upstream's (apimachinery pkg/api/resource/quantity_test.go
/// TestQuantityParse and TestInterpretExponentInt32Bounds, quantity_overflow_test.go), with the expected Value() and
/// MilliValue() derived from upstream's expected amounts; where upstream saturates an int64 we refuse with an error.
/// </summary>
public sealed class QuantitiesTests
{
    private const string OutOfRange = "is out of range";
    private const string Negative = "must be greater than or equal to 0";
    private const string Invalid = "is not a valid quantity";

    /// <summary>TestQuantityParse's table: input, and upstream's expected amount as mantissa × 10^exponent.</summary>
    public static TheoryData<string, long, int> UpstreamParseTable() => new()
    {
        { "0", 0, 0 }, { "0n", 0, 0 }, { "0u", 0, 0 }, { "0m", 0, 0 }, { "0Ki", 0, 0 }, { "0k", 0, 0 }, { "0Mi", 0, 0 }, { "0M", 0, 0 },
        { "0Gi", 0, 0 }, { "0G", 0, 0 }, { "0Ti", 0, 0 }, { "0T", 0, 0 },
        // Quantity less numbers are allowed
        { "1", 1, 0 },
        // Binary suffixes
        { "1Ki", 1024, 0 }, { "8Ki", 8 * 1024, 0 }, { "7Mi", 7 * 1024 * 1024, 0 }, { "6Gi", 6L * 1024 * 1024 * 1024, 0 },
        { "5Ti", 5L * 1024 * 1024 * 1024 * 1024, 0 }, { "4Pi", 4L * 1024 * 1024 * 1024 * 1024 * 1024, 0 },
        { "3Ei", 3L * 1024 * 1024 * 1024 * 1024 * 1024 * 1024, 0 }, { "10Ti", 10L * 1024 * 1024 * 1024 * 1024, 0 }, { "100Ti", 100L * 1024 * 1024 * 1024 * 1024, 0 },
        // Decimal suffixes
        { "5n", 5, -9 }, { "4u", 4, -6 }, { "3m", 3, -3 }, { "9", 9, 0 }, { "8k", 8, 3 }, { "50k", 5, 4 }, { "7M", 7, 6 }, { "6G", 6, 9 },
        { "5T", 5, 12 }, { "40T", 4, 13 }, { "300T", 3, 14 }, { "2P", 2, 15 }, { "1E", 1, 18 },
        // Decimal exponents
        { "1E-3", 1, -3 }, { "1e3", 1, 3 }, { "1E6", 1, 6 }, { "1e9", 1, 9 }, { "1E12", 1, 12 }, { "1e15", 1, 15 }, { "1E18", 1, 18 },
        // Nonstandard but still parsable
        { "1e14", 1, 14 }, { "1e13", 1, 13 }, { "100.035k", 100035, 0 },
        // Things that look like floating point
        { "0.001", 1, -3 }, { "0.0005k", 5, -1 }, { "0.005", 5, -3 }, { "0.05", 5, -2 }, { "0.5", 5, -1 }, { "0.00050k", 5, -1 },
        { "0.00500", 5, -3 }, { "0.05000", 5, -2 }, { "0.50000", 5, -1 }, { "0.5e0", 5, -1 }, { "0.5e-1", 5, -2 }, { "0.5e-2", 5, -3 },
        { "10.035M", 10035, 3 }, { "1.2e3", 12, 2 }, { "1.3E+6", 13, 5 }, { "1.40e9", 14, 8 }, { "1.53E12", 153, 10 }, { "1.6e15", 16, 14 },
        { "1.7E18", 17, 17 }, { "9.01", 901, -2 }, { "8.1k", 81, 2 }, { "7.123456M", 7123456, 0 }, { "6.987654321G", 6987654321, 0 },
        { "5.444T", 5444, 9 }, { "40.1T", 401, 11 }, { "300.2T", 3002, 11 }, { "2.5P", 25, 14 }, { "1.01E", 101, 16 },
        // Things that saturate/round (upstream rounds up to nano when parsing)
        { "3.001n", 4, -9 }, { "1.1E-9", 2, -9 }, { "0.0000000001", 1, -9 }, { "0.0000000005", 1, -9 }, { "0.00000000050", 1, -9 },
        { "0.5e-9", 1, -9 }, { "0.9n", 1, -9 }, { "0.00000012345", 124, -9 }, { "0.00000012354", 124, -9 }, { "12E", 12, 18 },
        // We'll accept fractional binary stuff, too.
        { "100.035Ki", 10243584, -2 }, { "0.5Mi", 524288, 0 }, { "0.05Gi", 536870912, -1 }, { "0.025Ti", 274877906944, -1 },
        // Things written by trolls
        { "0.000000000001Ki", 2, -9 }, { ".001", 1, -3 }, { ".0001k", 100, -3 }, { "1.", 1, 0 }, { "1.G", 1, 9 },
    };

    [Theory]
    [MemberData(nameof(UpstreamParseTable))]
    public void Upstream_parse_table_reads_as_Kubernetes_rounds_it_up(string input, long mantissa, int exponent)
    {
        AssertReads(input, CeilingOrNull(mantissa, exponent), CeilingOrNull(mantissa, exponent + 3));
        AssertReads("+" + input, CeilingOrNull(mantissa, exponent), CeilingOrNull(mantissa, exponent + 3));
        if (mantissa == 0) AssertReads("-" + input, 0, 0);
        else AssertRefused("-" + input, Negative);
    }

    [Theory]
    [InlineData("9Ei")]
    [InlineData("9223372036854775807Ki")]
    public void Binary_amounts_past_int64_are_capped_at_parse_as_upstream(string input)
    {
        // quantity.go ParseQuantity: "The max is just a simple cap" (maxAllowed, 2^63−1) for BinarySI only.
        Assert.Equal(long.MaxValue, Quantities.Value(new WireQuantity(input), "f"));
        AssertRefused(input, OutOfRange, milli: true);
    }

    /// <summary>TestQuantityParse's invalid list, read by our port of ParseQuantity (no trimming there).</summary>
    [Theory]
    [InlineData("1.1.M")]
    [InlineData("1+1.0M")]
    [InlineData("0.1mi")]
    [InlineData("0.1am")]
    [InlineData("aoeu")]
    [InlineData(".5i")]
    [InlineData("1i")]
    [InlineData("-3.01i")]
    [InlineData("-3.01e-")]
    [InlineData("1e4294967297")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("")]
    public void Upstream_invalid_inputs_do_not_parse(string input)
    {
        Assert.False(ParsedQuantity.TryParse(input, out _, out var problem));
        Assert.NotNull(problem);
    }

    [Fact]
    public void Surrounding_space_is_trimmed_as_Quantity_UnmarshalJSON_does()
    {
        Assert.Equal(1, Quantities.Value(new WireQuantity(" 1 "), "f"));
    }

    /// <summary>TestInterpretExponentInt32Bounds: exponents within ±(2^31−1) are read, anything past is refused.</summary>
    [Theory]
    [InlineData("e14", true)]
    [InlineData("E2147483647", true)]
    [InlineData("E-2147483647", true)]
    [InlineData("E2147483648", false)]
    [InlineData("E-2147483648", false)]
    [InlineData("E4294967297", false)]
    [InlineData("E8589934592", false)]
    [InlineData("E9223372036854775807", false)]
    [InlineData("E9223372036854775808", false)]
    [InlineData("E6024865272343", false)]
    public void Exponents_past_int32_are_refused_not_wrapped(string suffix, bool parses)
    {
        Assert.Equal(parses, ParsedQuantity.TryParse("1" + suffix, out _, out var problem));
        if (!parses) Assert.Equal(ParsedQuantity.SuffixWrong, problem);
    }

    [Fact]
    public void The_largest_exponents_give_an_answer_not_a_wait()
    {
        AssertRefused("1E2147483647", OutOfRange);
        AssertReads("1E-2147483647", 1, 1);
        AssertReads("0E2147483647", 0, 0);
    }

    /// <summary>ParseQuantity's inf.Dec path needs a digit; its int64 fast path does not ("Ki" is 0, "Pi" an error).</summary>
    [Theory]
    [InlineData(".", true)]
    [InlineData("-", true)]
    [InlineData("+", true)]
    [InlineData("Ki", true)]
    [InlineData("Ti", true)]
    [InlineData("Pi", false)]
    [InlineData(".Ei", false)]
    [InlineData("e-10", false)]
    public void A_quantity_without_digits_follows_upstreams_two_paths(string input, bool parses)
    {
        Assert.Equal(parses, ParsedQuantity.TryParse(input, out var parsed, out var problem));
        if (parses) Assert.True(parsed.IsZero);
        else Assert.Equal(ParsedQuantity.Numeric, problem);
    }

    /// <summary>quantity_overflow_test.go's rows, by upstream name. Upstream now saturates Value()/MilliValue(); we refuse.</summary>
    public static TheoryData<string, string, string, string> UpstreamOverflowRows() => new()
    {
        { "int64-max-parsed", "9223372036854775807", "9223372036854775807", OutOfRange },
        { "ten-to-18-parsed", "1E", "1000000000000000000", OutOfRange },
        { "binary-8Ei-caps-at-max", "8Ei", "9223372036854775807", OutOfRange },
        { "binary-negative-8Ei-caps-at-negative-max", "-8Ei", Negative, Negative },
        { "binary-20Ei-caps-at-max", "20Ei", "9223372036854775807", OutOfRange },
        { "binary-negative-20Ei-caps-at-negative-max", "-20Ei", Negative, Negative },
        { "two-to-63-parsed", "9223372036854775808", OutOfRange, OutOfRange },
        { "two-to-64-parsed", "18446744073709551616", OutOfRange, OutOfRange },
        { "ten-to-20-parsed", "100E", OutOfRange, OutOfRange },
        { "ten-to-21-parsed", "1000E", OutOfRange, OutOfRange },
        { "five-times-ten-to-21-parsed", "5000E", OutOfRange, OutOfRange },
        { "ten-to-100-parsed", "1e100", OutOfRange, OutOfRange },
        { "int64-min-parsed", "-9223372036854775808", Negative, Negative },
        { "int64-min-plus-one-parsed", "-9223372036854775807", Negative, Negative },
        { "negative-ten-to-30-parsed", "-1e30", Negative, Negative },
        { "negative-ten-to-20-parsed", "-100E", Negative, Negative },
        { "negative-ten-to-21-parsed", "-1000E", Negative, Negative },
        { "negative-9_5Gi", "-9.5Gi", Negative, Negative },
        { "negative-9_5000000001Gi", "-9.5000000001Gi", Negative, Negative },
        { "exponent-over-int32", "1e4294967297", Invalid, Invalid },
    };

    [Theory]
    [MemberData(nameof(UpstreamOverflowRows))]
    public void Upstream_overflow_rows_are_values_or_errors(string name, string input, string value, string milli)
    {
        Assert.False(string.IsNullOrEmpty(name));
        AssertOutcome(input, value, milli);
    }

    /// <summary>The cases a reader of the code asks about first.</summary>
    [Theory]
    [InlineData("1.5", "2", "1500")]
    [InlineData("100m", "1", "100")]
    [InlineData("1Ki", "1024", "1024000")]
    [InlineData("1e3", "1000", "1000000")]
    [InlineData("0.1m", "1", "1")]
    [InlineData("5Gi", "5368709120", "5368709120000")]
    [InlineData("9223372036854775807m", "9223372036854776", "9223372036854775807")]
    [InlineData("-1e+308", Negative, Negative)]
    [InlineData("1e1000000000", OutOfRange, OutOfRange)]
    [InlineData("1e-1000000000", "1", "1")]
    [InlineData("-1", Negative, Negative)]
    [InlineData("-0", "0", "0")]
    [InlineData("9999999999999999999999Ei", "9223372036854775807", OutOfRange)]
    [InlineData("NaN", Invalid, Invalid)]
    [InlineData("Infinity", Invalid, Invalid)]
    public void Known_values(string input, string value, string milli) => AssertOutcome(input, value, milli);

    [Fact]
    public void The_error_names_the_field_and_quotes_the_text()
    {
        var error = Assert.Throws<ConversionException>(() => Quantities.MilliValue(new WireQuantity("-1"), "spec.containers[0].resources.requests.cpu"));
        Assert.Equal("spec.containers[0].resources.requests.cpu \"-1\" must be greater than or equal to 0", error.Message);

        var huge = new string('9', 100_000);
        error = Assert.Throws<ConversionException>(() => Quantities.Value(new WireQuantity(huge), "spec.capacity.storage"));
        Assert.StartsWith("spec.capacity.storage \"9999999999", error.Message, StringComparison.Ordinal);
        Assert.Contains("(100000 characters) is out of range", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 300);
    }

    [Fact]
    public void A_JSON_number_is_read_as_its_literal_text()
    {
        var requirements = KubernetesJson.Deserialize<V1ResourceRequirements>(
            """{"requests":{"cpu":-1e+308,"memory":1.0000000000000001,"ephemeral-storage":1e400,"nvidia.com/gpu":null}}""", QuantityJson.Options);

        Assert.Equal("-1e+308", Assert.IsType<WireQuantity>(requirements.Requests["cpu"]).Text);
        AssertRefusedQuantity(requirements.Requests["cpu"], Negative);
        // Exact, as Go reads it: a double would have made this 1.
        Assert.Equal(2, Quantities.Value(requirements.Requests["memory"], "memory"));
        AssertRefusedQuantity(requirements.Requests["ephemeral-storage"], OutOfRange);
        Assert.Null(requirements.Requests["nvidia.com/gpu"]);
        Assert.Equal(0, Quantities.Value(requirements.Requests["nvidia.com/gpu"], "gpu"));
    }

    [Fact]
    public void A_quantity_is_written_back_as_the_text_it_came_as()
    {
        var requirements = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new WireQuantity("-1e+308"), ["memory"] = new ResourceQuantity("1Gi") } };

        var json = KubernetesJson.Serialize(requirements, QuantityJson.Options);

        using var document = System.Text.Json.JsonDocument.Parse(json);
        var requests = document.RootElement.GetProperty("requests");
        Assert.Equal("-1e+308", requests.GetProperty("cpu").GetString());
        Assert.Equal("1Gi", requests.GetProperty("memory").GetString());
    }

    [Fact]
    public void A_JSON_object_where_a_quantity_belongs_is_a_decoding_error()
    {
        Assert.Throws<System.Text.Json.JsonException>(() => KubernetesJson.Deserialize<V1ResourceRequirements>("""{"requests":{"cpu":{"a":1}}}""", QuantityJson.Options));
    }

    [Theory]
    [InlineData("1.5", 2)]
    [InlineData("5Gi", 5368709120)]
    [InlineData("100m", 1)]
    public void A_quantity_built_in_memory_reads_the_same(string text, long value)
    {
        Assert.Equal(value, Quantities.Value(new ResourceQuantity(text), "f"));
    }

    [Fact]
    public async Task A_negative_quantity_built_in_memory_is_refused_without_printing_it()
    {
        // ResourceQuantity.ToString() never returns for a negative exponent-form amount; we do not call it.
        var quantity = new ResourceQuantity("-5e3");
        var error = await Task.Run(() => Assert.Throws<ConversionException>(() => Quantities.Value(quantity, "f"))).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains(Negative, error.Message, StringComparison.Ordinal);
    }

    private static long? CeilingOrNull(long mantissa, int exponent)
    {
        BigInteger value = mantissa;
        BigInteger divisor = 1;
        if (exponent >= 0) value *= BigInteger.Pow(10, exponent);
        else divisor = BigInteger.Pow(10, -exponent);
        var result = BigInteger.DivRem(value, divisor, out var remainder) + (remainder.IsZero ? 0 : 1);
        return result > long.MaxValue ? null : (long)result;
    }

    /// <summary>Each expectation is a number, or a fragment of the error.</summary>
    private static void AssertOutcome(string input, string value, string milli)
    {
        Check(value, milli: false);
        Check(milli, milli: true);

        void Check(string expected, bool milli)
        {
            if (long.TryParse(expected, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                Assert.Equal(number, milli ? Quantities.MilliValue(new WireQuantity(input), "f") : Quantities.Value(new WireQuantity(input), "f"));
            else AssertRefused(input, expected, milli);
        }
    }

    private static void AssertReads(string input, long? value, long? milli)
    {
        if (value is { } v) Assert.Equal(v, Quantities.Value(new WireQuantity(input), "f"));
        else AssertRefused(input, OutOfRange);
        if (milli is { } m) Assert.Equal(m, Quantities.MilliValue(new WireQuantity(input), "f"));
        else AssertRefused(input, OutOfRange, milli: true);
    }

    private static void AssertRefused(string input, string fragment, bool milli = false) =>
        AssertRefusedQuantity(new WireQuantity(input), fragment, milli);

    private static void AssertRefusedQuantity(ResourceQuantity quantity, string fragment, bool milli = false)
    {
        var error = Assert.Throws<ConversionException>(() => milli ? Quantities.MilliValue(quantity, "f") : Quantities.Value(quantity, "f"));
        Assert.StartsWith("f ", error.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }
}
