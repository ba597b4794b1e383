namespace VolumeAwareScheduler.Kubernetes.Conversion;

/// <summary>
/// A quantity as the API server reads it, kept as its digits and the power of its suffix, and read as whole units
/// (Quantity.Value) or thousandths (Quantity.MilliValue), rounded up. Every step is linear in the length of the text
/// and uses 128-bit integers at most: an exponent of a billion costs what an exponent of three does.
/// <para>
/// The grammar is parseQuantityString and ParseQuantity in apimachinery's pkg/api/resource/quantity.go, with the
/// suffixes of suffix.go (interpret): an optional sign, digits with an optional fraction, then a binary suffix
/// (Ki..Ei), a decimal one (n u m "" k M G T P E) or a decimal exponent (e/E and a signed integer). As upstream since
/// kubernetes/kubernetes#141203, an exponent beyond ±2147483647 is an error rather than wrapped to 32 bits.
/// </para>
/// </summary>
public readonly struct ParsedQuantity
{
    /// <summary>quantity.go's ErrFormatWrong, ErrNumeric and ErrSuffix.</summary>
    public const string FormatWrong = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    public const string Numeric = "unable to parse numeric part of quantity";
    public const string SuffixWrong = "unable to parse quantity's suffix";

    // 2^63 - 1: ParseQuantity caps a binary-suffixed amount there ("The max is just a simple cap").
    private static readonly UInt128 MaxAllowed = (UInt128)long.MaxValue;

    private readonly string _text;
    private readonly int _numStart;
    private readonly int _numLength;
    private readonly int _denomStart;
    private readonly int _denomLength;
    private readonly bool _binary;
    private readonly int _exponent;

    private ParsedQuantity(string text, bool negative, int numStart, int numLength, int denomStart, int denomLength, bool binary, int exponent)
    {
        _text = text;
        _numStart = numStart;
        _numLength = numLength;
        _denomStart = denomStart;
        _denomLength = denomLength;
        _binary = binary;
        _exponent = exponent;
        IsZero = !HasNonZeroDigit(text, numStart, numLength) && !HasNonZeroDigit(text, denomStart, denomLength);
        IsNegative = negative && !IsZero;
    }

    public bool IsZero { get; }

    /// <summary>Less than zero (a "-0" is zero, as upstream).</summary>
    public bool IsNegative { get; }

    /// <summary>ParseQuantity's verdict on <paramref name="text"/>; on failure <paramref name="problem"/> is upstream's error text.</summary>
    public static bool TryParse(string text, out ParsedQuantity quantity, out string? problem)
    {
        quantity = default;
        problem = null;
        if (text.Length == 0)
        {
            problem = FormatWrong;
            return false;
        }
        if (!TryScan(text, out var negative, out var digitsSeen, out var numStart, out var numLength, out var denomStart, out var denomLength,
                out var suffixStart))
        {
            problem = FormatWrong;
            return false;
        }
        if (!TryInterpret(text.AsSpan(suffixStart), out var binary, out var exponent))
        {
            problem = SuffixWrong;
            return false;
        }
        // The int64 fast path of ParseQuantity takes any text; the inf.Dec path needs a digit ("." or "-Ei" fail there).
        if (!digitsSeen && TakesDecimalPath(Math.Max(1, numLength), denomLength, binary, exponent))
        {
            problem = Numeric;
            return false;
        }
        quantity = new ParsedQuantity(text, negative, numStart, numLength, denomStart, denomLength, binary, exponent);
        return true;
    }

    /// <summary>
    /// ceil(|q| × 10^<paramref name="scale"/>) (Quantity.ScaledValue's rounding for scale −<paramref name="scale"/>: 0 is
    /// Value, 3 is MilliValue); false when it does not fit an int64.
    /// </summary>
    public bool TryScaledValue(int scale, out long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(scale);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scale, 9);
        value = 0;
        if (IsZero) return true;
        return _binary ? TryBinary(scale, out value) : TryDecimal(scale, out value);
    }

    /// <summary>digits × 10^(exponent − fraction digits + scale), rounded up: a shift of the decimal point, then a count.</summary>
    private bool TryDecimal(int scale, out long value)
    {
        value = 0;
        var length = (long)_numLength + _denomLength;
        var shift = (long)_exponent - _denomLength + scale;
        var first = 0L;
        while (first < length && DigitAt(first) == 0) first++;
        // Digits [first, point) are the integer part; [point, length) the fraction, plus -shift zeros before it when shift < 0.
        var point = length + shift;
        var integerDigits = Math.Max(0, point - first);
        if (integerDigits > 19) return false;
        ulong result = 0;
        for (var i = first; i < point; i++) result = result * 10 + (ulong)(i < length ? DigitAt(i) : 0);
        for (var i = Math.Max(point, first); i < length; i++)
        {
            if (DigitAt(i) == 0) continue;
            result++;
            break;
        }
        if (result > long.MaxValue) return false;
        value = (long)result;
        return true;
    }

    /// <summary>
    /// integer part × 2^e plus fraction × 2^e, the latter multiplied digit by digit from the last (its carry is the
    /// whole part, any non-zero digit left behind a remainder). Capped first at 2^63−1, as ParseQuantity caps BinarySI.
    /// </summary>
    private bool TryBinary(int scale, out long value)
    {
        value = 0;
        // Above 20 integer digits the amount exceeds 2^63 whatever the suffix: the cap applies.
        var capped = _numLength > 20;
        if (!capped)
        {
            var (whole, remainder) = Multiply((UInt128)1 << _exponent);
            capped = whole > MaxAllowed || (whole == MaxAllowed && remainder);
            if (!capped && scale == 0)
            {
                var rounded = whole + (remainder ? 1u : 0u);
                value = (long)rounded;
                return true;
            }
        }
        if (capped)
        {
            if (scale != 0) return false;
            value = long.MaxValue;
            return true;
        }
        var (scaled, scaledRemainder) = Multiply(((UInt128)1 << _exponent) * Pow10(scale));
        var result = scaled + (scaledRemainder ? 1u : 0u);
        if (result > MaxAllowed) return false;
        value = (long)result;
        return true;
    }

    /// <summary>floor(num.denom × factor) and whether a fraction is left; num has at most 20 digits, factor at most 2^90.</summary>
    private (UInt128 Whole, bool Remainder) Multiply(UInt128 factor)
    {
        UInt128 integer = 0;
        for (var i = 0; i < _numLength; i++) integer = integer * 10 + (uint)(_text[_numStart + i] - '0');
        UInt128 carry = 0;
        var remainder = false;
        for (var i = _denomLength - 1; i >= 0; i--)
        {
            var product = (uint)(_text[_denomStart + i] - '0') * factor + carry;
            carry = product / 10;
            remainder |= product % 10 != 0;
        }
        return (integer * factor + carry, remainder);
    }

    private static UInt128 Pow10(int exponent)
    {
        UInt128 result = 1;
        for (var i = 0; i < exponent; i++) result *= 10;
        return result;
    }

    private int DigitAt(long index) => index < _numLength
        ? _text[_numStart + (int)index] - '0'
        : _text[_denomStart + (int)(index - _numLength)] - '0';

    private static bool HasNonZeroDigit(string text, int start, int length)
    {
        for (var i = start; i < start + length; i++)
        {
            if (text[i] != '0') return true;
        }
        return false;
    }

    /// <summary>
    /// parseQuantityString: sign, leading zeros, integer digits, optional '.' and fraction digits, then suffix letters,
    /// an optional sign and digits. The integer digits exclude the leading zeros; <paramref name="digitsSeen"/> counts them.
    /// </summary>
    private static bool TryScan(string s, out bool negative, out bool digitsSeen, out int numStart, out int numLength,
        out int denomStart, out int denomLength, out int suffixStart)
    {
        negative = false;
        digitsSeen = false;
        numLength = denomLength = 0;
        var end = s.Length;
        var pos = 0;
        if (s[0] == '-')
        {
            negative = true;
            pos++;
        }
        else if (s[0] == '+')
        {
            pos++;
        }
        while (pos < end && s[pos] == '0')
        {
            digitsSeen = true;
            pos++;
        }
        numStart = pos;
        while (pos < end && char.IsAsciiDigit(s[pos])) pos++;
        numLength = pos - numStart;
        digitsSeen |= numLength > 0;
        denomStart = pos;
        if (pos < end && s[pos] == '.')
        {
            pos++;
            denomStart = pos;
            while (pos < end && char.IsAsciiDigit(s[pos])) pos++;
            denomLength = pos - denomStart;
            digitsSeen |= denomLength > 0;
        }
        suffixStart = pos;
        while (pos < end && "eEinumkKMGTP".Contains(s[pos], StringComparison.Ordinal)) pos++;
        if (pos < end && s[pos] is '-' or '+') pos++;
        while (pos < end && char.IsAsciiDigit(s[pos])) pos++;
        return pos == end;
    }

    /// <summary>suffix.go interpret: the fixed suffixes, else e/E and an integer (strconv.ParseInt) within ±(2^31−1).</summary>
    private static bool TryInterpret(ReadOnlySpan<char> suffix, out bool binary, out int exponent)
    {
        binary = false;
        exponent = 0;
        switch (suffix)
        {
            case "": return true;
            case "n": exponent = -9; return true;
            case "u": exponent = -6; return true;
            case "m": exponent = -3; return true;
            case "k": exponent = 3; return true;
            case "M": exponent = 6; return true;
            case "G": exponent = 9; return true;
            case "T": exponent = 12; return true;
            case "P": exponent = 15; return true;
            case "E": exponent = 18; return true;
        }
        binary = true;
        switch (suffix)
        {
            case "Ki": exponent = 10; return true;
            case "Mi": exponent = 20; return true;
            case "Gi": exponent = 30; return true;
            case "Ti": exponent = 40; return true;
            case "Pi": exponent = 50; return true;
            case "Ei": exponent = 60; return true;
        }
        binary = false;
        if (suffix.Length < 2 || suffix[0] is not ('e' or 'E')) return false;
        var digits = suffix[1..];
        var negative = false;
        if (digits[0] is '+' or '-')
        {
            negative = digits[0] == '-';
            digits = digits[1..];
        }
        if (digits.Length == 0) return false;
        long magnitude = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c)) return false;
            magnitude = magnitude * 10 + (c - '0');
            if (magnitude > int.MaxValue) return false; // past ±MaxInt32 (or past int64 for ParseInt): rejected
        }
        exponent = (int)(negative ? -magnitude : magnitude);
        return true;
    }

    /// <summary>
    /// Whether ParseQuantity leaves its int64 fast path for inf.Dec: too many digits for int64, a scale below nano, a
    /// fraction with a binary suffix, or a binary amount that overflows int64. <paramref name="num"/> counts at least 1, as
    /// upstream's num is "0" when only zeros were seen.
    /// </summary>
    private static bool TakesDecimalPath(int num, int denom, bool binary, int exponent)
    {
        if (!binary) return 18 - (num + denom) < 0 || (long)exponent - denom < -9;
        if (denom > 0) return true;
        return 15 - num - (int)(exponent * 3f / 10) - 1 < 0;
    }
}
