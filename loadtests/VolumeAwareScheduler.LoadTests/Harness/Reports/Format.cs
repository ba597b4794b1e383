using System.Globalization;

namespace VolumeAwareScheduler.LoadTests.Harness.Reports;

/// <summary>Human units for reports: durations from nanoseconds, bytes, ratios. Invariant culture throughout.</summary>
public static class Format
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Duration(double ns) => ns switch
    {
        < 1_000 => string.Format(Invariant, "{0:0} ns", ns),
        < 1_000_000 => string.Format(Invariant, "{0:0.##} µs", ns / 1_000),
        < 1_000_000_000 => string.Format(Invariant, "{0:0.##} ms", ns / 1_000_000),
        _ => string.Format(Invariant, "{0:0.###} s", ns / 1_000_000_000),
    };

    public static string Bytes(double bytes) => bytes switch
    {
        < 1024 => string.Format(Invariant, "{0:0} B", bytes),
        < 1024 * 1024 => string.Format(Invariant, "{0:0.#} KiB", bytes / 1024),
        < 1024L * 1024 * 1024 => string.Format(Invariant, "{0:0.#} MiB", bytes / (1024 * 1024)),
        _ => string.Format(Invariant, "{0:0.##} GiB", bytes / (1024.0 * 1024 * 1024)),
    };

    public static string Ratio(double ratio) => ratio switch
    {
        >= 100 => string.Format(Invariant, "{0:N0}×", ratio),
        >= 10 => string.Format(Invariant, "{0:0.#}×", ratio),
        _ => string.Format(Invariant, "{0:0.##}×", ratio),
    };

    public static string Number(double value) => value >= 100 ? value.ToString("N0", Invariant) : value.ToString("0.##", Invariant);

    public static string Invariantly(FormattableString text) => text.ToString(Invariant);
}
