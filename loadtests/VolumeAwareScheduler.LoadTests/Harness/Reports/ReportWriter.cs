using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace VolumeAwareScheduler.LoadTests.Harness.Reports;

/// <summary>
/// Writes a report three ways, to <c>&lt;scenario&gt;-&lt;timestamp&gt;.{md,json,html}</c> and to
/// <c>&lt;scenario&gt;-latest.*</c>: markdown to paste in a pull request, JSON for tools, and one self-contained
/// HTML page with the charts.
/// </summary>
public static class ReportWriter
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public static IReadOnlyList<string> Write(ScenarioReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var stamp = report.StartedAt.ToString("yyyyMMdd-HHmmss", Invariant);
        var contents = new (string Extension, string Text)[]
        {
            ("md", Markdown(report)),
            ("json", JsonSerializer.Serialize(report, ReportJsonContext.Default.ScenarioReport)),
            ("html", Html(report)),
        };
        var written = new List<string>();
        foreach (var (extension, text) in contents)
        {
            var path = Path.Combine(directory, $"{report.Scenario}-{stamp}.{extension}");
            File.WriteAllText(path, text, Utf8NoBom);
            File.WriteAllText(Path.Combine(directory, $"{report.Scenario}-latest.{extension}"), text, Utf8NoBom);
            written.Add(path);
        }
        return written;
    }

    public static string Markdown(ScenarioReport report)
    {
        var md = new StringBuilder();
        md.AppendLine(Invariant, $"# Load test `{report.Scenario}`: {(report.Passed ? "PASSED" : "FAILED")}");
        md.AppendLine();
        md.AppendLine(Invariant, $"Started {report.StartedAt:u}, took {report.ElapsedSeconds:0.#} s.");
        if (report.Command.Length > 0)
        {
            md.AppendLine();
            md.AppendLine("```");
            md.AppendLine(report.Command);
            md.AppendLine("```");
        }
        md.AppendLine();
        md.AppendLine("## Checks");
        md.AppendLine();
        foreach (var check in report.Checks) md.AppendLine(Invariant, $"- **{(check.Passed ? "PASS" : "FAIL")}** {check.Name}: {check.Detail}");
        foreach (var table in report.Tables)
        {
            md.AppendLine();
            md.AppendLine(Invariant, $"## {table.Title}");
            md.AppendLine();
            md.AppendLine("| " + string.Join(" | ", table.Columns) + " |");
            md.AppendLine("|" + string.Concat(table.Columns.Select((_, i) => i == 0 ? "---|" : "---:|")));
            foreach (var row in table.Rows) md.AppendLine("| " + string.Join(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
            if (table.Note is not null)
            {
                md.AppendLine();
                md.AppendLine(table.Note);
            }
        }
        md.AppendLine();
        md.AppendLine("## Phases");
        md.AppendLine();
        md.AppendLine("| phase | ops | throughput | p50 | p90 | p99 | p99.9 | max | alloc/op | CPU cores | errors | model |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var phase in report.Phases)
        {
            var l = phase.Latency;
            md.AppendLine(Invariant, $"| {phase.Name} | {phase.Completed} | {Format.Number(phase.Throughput)}/s | {Format.Duration(l.P50Ns)} | {Format.Duration(l.P90Ns)} | {Format.Duration(l.P99Ns)} | {Format.Duration(l.P999Ns)} | {Format.Duration(l.MaxNs)} | {Format.Bytes(phase.AllocatedBytesPerOperation)} | {phase.CpuCores:0.00} | {Errors(phase)} | {phase.Model} |");
        }
        var open = report.Phases.Where(p => p.ServiceTime is not null).ToList();
        if (open.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Open model: response time (from when due), service time, dispatch lag");
            md.AppendLine();
            md.AppendLine("| phase | response p50 | response p99 | service p50 | service p99 | dispatch lag p50 | dispatch lag p99 | dropped |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var phase in open)
            {
                var lag = phase.DispatchLag ?? LatencySummary.Empty;
                md.AppendLine(Invariant, $"| {phase.Name} | {Format.Duration(phase.Latency.P50Ns)} | {Format.Duration(phase.Latency.P99Ns)} | {Format.Duration(phase.ServiceTime!.P50Ns)} | {Format.Duration(phase.ServiceTime.P99Ns)} | {Format.Duration(lag.P50Ns)} | {Format.Duration(lag.P99Ns)} | {phase.Dropped} |");
            }
        }
        if (report.Notes.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Notes");
            md.AppendLine();
            foreach (var note in report.Notes) md.AppendLine("- " + note);
        }
        md.AppendLine();
        md.AppendLine("## Parameters and environment");
        md.AppendLine();
        foreach (var (key, value) in report.Parameters.Concat(report.Environment)) md.AppendLine(Invariant, $"- {key}: {value}");
        return md.ToString();
    }

    public static string Html(ScenarioReport report)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>");
        html.AppendLine(Invariant, $"<title>{E(report.Scenario)} load test, {report.StartedAt:u}</title>");
        html.AppendLine("<style>body{font-family:sans-serif;margin:2em;max-width:1200px;color:#222}table{border-collapse:collapse;margin:0.5em 0 1.5em}"
            + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}"
            + ".pass{color:#2a7d2a;font-weight:bold}.fail{color:#c62828;font-weight:bold}.charts{display:flex;flex-wrap:wrap;gap:12px}"
            + "pre{background:#f5f5f5;padding:0.6em;overflow-x:auto}svg{background:#fff;border:1px solid #ddd}</style></head><body>");
        html.AppendLine(Invariant, $"<h1>Load test <code>{E(report.Scenario)}</code>: <span class='{(report.Passed ? "pass" : "fail")}'>{(report.Passed ? "PASSED" : "FAILED")}</span></h1>");
        html.AppendLine(Invariant, $"<p>Started {report.StartedAt:u}, took {report.ElapsedSeconds:0.#} s.</p>");
        if (report.Command.Length > 0) html.AppendLine(Invariant, $"<pre>{E(report.Command)}</pre>");
        html.AppendLine("<h2>Checks</h2><ul>");
        foreach (var check in report.Checks)
            html.AppendLine(Invariant, $"<li><span class='{(check.Passed ? "pass" : "fail")}'>{(check.Passed ? "PASS" : "FAIL")}</span> {E(check.Name)}: {E(check.Detail)}</li>");
        html.AppendLine("</ul>");
        foreach (var table in report.Tables)
        {
            html.AppendLine(Invariant, $"<h2>{E(table.Title)}</h2><table><tr>{string.Concat(table.Columns.Select(c => $"<th>{E(c)}</th>"))}</tr>");
            foreach (var row in table.Rows) html.AppendLine(Invariant, $"<tr>{string.Concat(row.Select(c => $"<td>{E(c)}</td>"))}</tr>");
            html.AppendLine("</table>");
            if (table.Note is not null) html.AppendLine(Invariant, $"<p>{E(table.Note)}</p>");
        }

        html.AppendLine("<h2>Latency</h2><div class='charts'>");
        foreach (var group in report.Phases.GroupBy(p => p.Group))
        {
            var phases = group.ToList();
            html.AppendLine(SvgCharts.Medians($"{group.Key}: median and p99", phases));
            html.AppendLine(SvgCharts.LatencyDistribution($"{group.Key}: latency by percentile", phases));
        }
        html.AppendLine("</div><h2>Throughput over time</h2><div class='charts'>");
        foreach (var phase in report.Phases) html.AppendLine(SvgCharts.Throughput(phase));
        html.AppendLine("</div>");

        html.AppendLine("<h2>Phases</h2><table><tr><th>phase</th><th>ops</th><th>throughput</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th><th>alloc/op</th><th>CPU cores</th><th>errors</th><th>model</th></tr>");
        foreach (var phase in report.Phases)
        {
            var l = phase.Latency;
            html.AppendLine(Invariant, $"<tr><td>{E(phase.Name)}</td><td>{phase.Completed}</td><td>{E(Format.Number(phase.Throughput))}/s</td><td>{E(Format.Duration(l.P50Ns))}</td><td>{E(Format.Duration(l.P90Ns))}</td><td>{E(Format.Duration(l.P99Ns))}</td><td>{E(Format.Duration(l.P999Ns))}</td><td>{E(Format.Duration(l.MaxNs))}</td><td>{E(Format.Bytes(phase.AllocatedBytesPerOperation))}</td><td>{phase.CpuCores:0.00}</td><td>{E(Errors(phase))}</td><td>{E(phase.Model)}</td></tr>");
        }
        html.AppendLine("</table>");
        if (report.Notes.Count > 0)
        {
            html.AppendLine("<h2>Notes</h2><ul>");
            foreach (var note in report.Notes) html.AppendLine(Invariant, $"<li>{E(note)}</li>");
            html.AppendLine("</ul>");
        }
        html.AppendLine("<h2>Parameters and environment</h2><table>");
        foreach (var (key, value) in report.Parameters.Concat(report.Environment)) html.AppendLine(Invariant, $"<tr><td>{E(key)}</td><td>{E(value)}</td></tr>");
        html.AppendLine("</table></body></html>");
        return html.ToString();
    }

    private static string Errors(PhaseResult phase) =>
        phase.Errors.Count == 0 ? "0" : string.Join(", ", phase.Errors.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}: {e.Value}"));

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
