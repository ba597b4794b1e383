using System.Globalization;
using System.Net;
using System.Text;

namespace VolumeAwareScheduler.LoadTests.Harness.Reports;

/// <summary>
/// Inline SVG charts for the HTML report: no script, no external resource, so the page is one self-contained file.
/// Latencies are drawn on a log scale (phases of one group can differ by three orders of magnitude); the percentile
/// axis is HdrHistogram's usual one, log10(1 / (1 - p)), which gives the tail room.
/// </summary>
public static class SvgCharts
{
    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Latency by percentile, one line per phase.</summary>
    public static string LatencyDistribution(string title, IReadOnlyList<PhaseResult> phases)
    {
        const int width = 760, height = 340, left = 70, right = 210, top = 30, bottom = 45;
        var plotWidth = width - left - right;
        var plotHeight = height - top - bottom;
        var values = phases.SelectMany(p => p.Latency.Distribution).Select(p => p.ValueNs).Where(v => v > 0).ToList();
        if (values.Count == 0) return "";
        var (minDecade, maxDecade) = Decades(values.Min(), values.Max());
        const double maxX = 5; // 99.999 %
        double X(double percentile) => left + plotWidth * Math.Min(maxX, Math.Log10(1 / Math.Max(1e-5, 1 - percentile / 100))) / maxX;
        double Y(double ns) => top + plotHeight * (1 - (Math.Log10(Math.Max(ns, 1)) - minDecade) / (maxDecade - minDecade));

        var svg = Begin(width, height, title);
        Axes(svg, left, top, plotWidth, plotHeight);
        foreach (var (label, percentile) in new[] { ("0%", 0.0), ("90%", 90), ("99%", 99), ("99.9%", 99.9), ("99.99%", 99.99), ("99.999%", 99.999) })
        {
            var x = X(percentile);
            svg.Append(Invariant, $"<line x1='{x:0.#}' y1='{top}' x2='{x:0.#}' y2='{top + plotHeight}' stroke='#eee'/>");
            svg.Append(Invariant, $"<text x='{x:0.#}' y='{top + plotHeight + 16}' text-anchor='middle'>{label}</text>");
        }
        DecadeGrid(svg, minDecade, maxDecade, left, plotWidth, Y);
        svg.Append(Invariant, $"<text x='{left + plotWidth / 2}' y='{height - 6}' text-anchor='middle'>percentile</text>");
        for (var i = 0; i < phases.Count; i++)
        {
            var color = Palette[i % Palette.Length];
            var points = string.Join(' ', phases[i].Latency.Distribution.Select(p => string.Format(Invariant, "{0:0.#},{1:0.#}", X(p.Percentile), Y(p.ValueNs))));
            svg.Append(Invariant, $"<polyline fill='none' stroke='{color}' stroke-width='2' points='{points}'/>");
            Legend(svg, left + plotWidth + 12, top + 14 + i * 18, color, phases[i].Name);
        }
        return End(svg);
    }

    /// <summary>Median (bar) and p99 (tick) of each phase, log scale.</summary>
    public static string Medians(string title, IReadOnlyList<PhaseResult> phases)
    {
        const int left = 300, right = 30, top = 30, bar = 18, gap = 8;
        var width = 860;
        var height = top + phases.Count * (bar + gap) + 40;
        var plotWidth = width - left - right;
        var values = phases.SelectMany(p => new[] { p.Latency.P50Ns, p.Latency.P99Ns }).Where(v => v > 0).ToList();
        if (values.Count == 0) return "";
        var (minDecade, maxDecade) = Decades(values.Min(), values.Max());
        double X(double ns) => left + plotWidth * (Math.Log10(Math.Max(ns, 1)) - minDecade) / (maxDecade - minDecade);

        var svg = Begin(width, height, title);
        var plotBottom = top + phases.Count * (bar + gap);
        for (var d = minDecade; d <= maxDecade; d++)
        {
            var x = X(Math.Pow(10, d));
            svg.Append(Invariant, $"<line x1='{x:0.#}' y1='{top}' x2='{x:0.#}' y2='{plotBottom}' stroke='#eee'/>");
            svg.Append(Invariant, $"<text x='{x:0.#}' y='{plotBottom + 16}' text-anchor='middle'>{Encode(Format.Duration(Math.Pow(10, d)))}</text>");
        }
        for (var i = 0; i < phases.Count; i++)
        {
            var y = top + i * (bar + gap);
            var color = Palette[i % Palette.Length];
            var p50 = X(phases[i].Latency.P50Ns);
            var p99 = X(phases[i].Latency.P99Ns);
            svg.Append(Invariant, $"<text x='{left - 8}' y='{y + bar - 5}' text-anchor='end'>{Encode(phases[i].Name)}</text>");
            svg.Append(Invariant, $"<rect x='{left}' y='{y}' width='{Math.Max(1, p50 - left):0.#}' height='{bar}' fill='{color}' opacity='0.8'/>");
            svg.Append(Invariant, $"<line x1='{p99:0.#}' y1='{y - 2}' x2='{p99:0.#}' y2='{y + bar + 2}' stroke='#000' stroke-width='2'/>");
            svg.Append(Invariant, $"<text x='{Math.Max(p50, p99) + 6:0.#}' y='{y + bar - 5}'>{Encode(Format.Duration(phases[i].Latency.P50Ns))}</text>");
        }
        svg.Append(Invariant, $"<text x='{left}' y='{height - 6}'>bar: median; black tick: p99</text>");
        return End(svg);
    }

    /// <summary>Completed operations per second over the measured part of one phase.</summary>
    public static string Throughput(PhaseResult phase)
    {
        const int width = 400, height = 170, left = 60, right = 12, top = 26, bottom = 32;
        var plotWidth = width - left - right;
        var plotHeight = height - top - bottom;
        var timeline = phase.Timeline;
        if (timeline.Count == 0) return "";
        var max = Math.Max(timeline.Max(), 1);
        var seconds = Math.Max(timeline.Count * phase.TimelineSlotSeconds, phase.TimelineSlotSeconds);
        double X(double t) => left + plotWidth * t / seconds;
        double Y(double rate) => top + plotHeight * (1 - rate / max);

        var svg = Begin(width, height, phase.Name);
        Axes(svg, left, top, plotWidth, plotHeight);
        svg.Append(Invariant, $"<text x='{left - 4}' y='{top + 4}' text-anchor='end'>{Encode(Format.Number(max))}</text>");
        svg.Append(Invariant, $"<text x='{left - 4}' y='{top + plotHeight}' text-anchor='end'>0</text>");
        svg.Append(Invariant, $"<text x='{left + plotWidth}' y='{top + plotHeight + 16}' text-anchor='end'>{seconds:0.#} s</text>");
        svg.Append(Invariant, $"<text x='{left}' y='{top + plotHeight + 16}'>0</text>");
        svg.Append(Invariant, $"<text x='{left + plotWidth / 2}' y='{height - 4}' text-anchor='middle'>ops/s per {phase.TimelineSlotSeconds * 1000:0} ms slot</text>");
        var points = new StringBuilder();
        for (var i = 0; i < timeline.Count; i++)
        {
            points.Append(Invariant, $"{X(i * phase.TimelineSlotSeconds):0.#},{Y(timeline[i]):0.#} {X((i + 1) * phase.TimelineSlotSeconds):0.#},{Y(timeline[i]):0.#} ");
        }
        svg.Append(Invariant, $"<polyline fill='none' stroke='{Palette[0]}' stroke-width='1.5' points='{points}'/>");
        return End(svg);
    }

    private static (int Min, int Max) Decades(long min, long max)
    {
        var low = (int)Math.Floor(Math.Log10(Math.Max(min, 1)));
        var high = (int)Math.Ceiling(Math.Log10(Math.Max(max, 1)));
        return (low, Math.Max(high, low + 1));
    }

    private static void DecadeGrid(StringBuilder svg, int minDecade, int maxDecade, int left, int plotWidth, Func<double, double> y)
    {
        for (var d = minDecade; d <= maxDecade; d++)
        {
            var at = y(Math.Pow(10, d));
            svg.Append(Invariant, $"<line x1='{left}' y1='{at:0.#}' x2='{left + plotWidth}' y2='{at:0.#}' stroke='#eee'/>");
            svg.Append(Invariant, $"<text x='{left - 6}' y='{at + 4:0.#}' text-anchor='end'>{Encode(Format.Duration(Math.Pow(10, d)))}</text>");
        }
    }

    private static StringBuilder Begin(int width, int height, string title)
    {
        var svg = new StringBuilder();
        svg.Append(Invariant, $"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' viewBox='0 0 {width} {height}' font-family='sans-serif' font-size='11' role='img'>");
        svg.Append(Invariant, $"<title>{Encode(title)}</title><text x='8' y='16' font-size='13' font-weight='bold'>{Encode(title)}</text>");
        return svg;
    }

    private static void Axes(StringBuilder svg, int left, int top, int plotWidth, int plotHeight) =>
        svg.Append(Invariant, $"<rect x='{left}' y='{top}' width='{plotWidth}' height='{plotHeight}' fill='none' stroke='#999'/>");

    private static void Legend(StringBuilder svg, int x, int y, string color, string label)
    {
        svg.Append(Invariant, $"<rect x='{x}' y='{y - 9}' width='12' height='10' fill='{color}'/>");
        svg.Append(Invariant, $"<text x='{x + 16}' y='{y}'>{Encode(label.Length > 30 ? label[..29] + "…" : label)}</text>");
    }

    private static string End(StringBuilder svg) => svg.Append("</svg>").ToString();

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
