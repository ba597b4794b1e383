using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Extender;

/// <summary>
/// A pod's explanation for people: one row per node; then, per node, every plugin's filter verdict and (feasible nodes)
/// its raw, normalized and weighted score; then each claim's outcome and its candidate PVs.
/// </summary>
public static class ExplanationTable
{
    /// <summary>Wide enough that reasons are not wrapped in a terminal or a file.</summary>
    private const int Width = 240;

    public static void Write(PodExplanation explanation, TextWriter output)
    {
        output.WriteLine($"Pod {explanation.Pod}: {(explanation.SelectedNode is { } node ? $"would be placed on {node}" : "cannot be placed")}");
        if (explanation.PreFilterMessage is { } preFilter) output.WriteLine($"  rejected before any node is tried: {preFilter}");
        if (explanation.Message is { } message) output.WriteLine($"  {message}");
        foreach (var warning in explanation.Warnings) output.WriteLine($"  warning: {warning}");
        output.WriteLine();

        var rows = new List<string[]> { new[] { "NODE", "VERDICT", "SCORE", "REASONS" } };
        foreach (var n in explanation.Nodes)
        {
            rows.Add([n.Node, n.Feasible ? "feasible" : $"rejected ({n.Plugin})", n.Score?.ToString(CultureInfo.InvariantCulture) ?? "-", n.Reasons.Count == 0 ? "-" : string.Join(", ", n.Reasons)]);
        }
        Cli.TextTable.Write(rows, output);

        foreach (var n in explanation.Nodes.Where(n => n.Filters.Count > 0 || n.Scores.Count > 0 || n.Claims.Count > 0))
        {
            output.WriteLine();
            output.WriteLine($"{n.Node}:");
            if (n.Filters.Count > 0 || n.Scores.Count > 0) Render(PluginTable(n), output);
            foreach (var claim in n.Claims)
            {
                output.WriteLine($"  {claim.Claim}: {claim.Outcome}{(claim.Volume is { } v ? $" {v}" : "")}");
                foreach (var candidate in claim.Candidates)
                {
                    output.WriteLine($"    {(candidate.Chosen ? "*" : "-")} {candidate.Volume}: {candidate.Reason}");
                }
                if (claim.OmittedCandidates > 0) output.WriteLine($"    … {claim.OmittedCandidates} more PV(s) of the class not shown");
            }
        }
    }

    /// <summary>
    /// One row per plugin of the profile that filters or scores, in the profile's order (filters first, then the score
    /// plugins that do not filter): FILTER is the plugin's verdict ("pass", "skip" when its PreFilter had nothing to
    /// check, "Unschedulable"/"UnschedulableAndUnresolvable" with the reasons); RAW, NORMALIZED and WEIGHTED its score,
    /// whose WEIGHTED column adds up to the node's score (the TOTAL row).
    /// </summary>
    private static Table PluginTable(NodeExplanation n)
    {
        var table = new Table { Border = TableBorder.Simple };
        table.AddColumn(new TableColumn("PLUGIN"));
        table.AddColumn(new TableColumn("FILTER"));
        table.AddColumn(new TableColumn("RAW").RightAligned());
        table.AddColumn(new TableColumn("NORMALIZED").RightAligned());
        table.AddColumn(new TableColumn("WEIGHTED").RightAligned());
        table.AddColumn(new TableColumn("REASONS"));

        var scores = n.Scores.ToDictionary(s => s.Plugin, StringComparer.Ordinal);
        var plugins = n.Filters.Select(f => f.Plugin).Concat(n.Scores.Select(s => s.Plugin)).Distinct(StringComparer.Ordinal);
        var filters = n.Filters.ToDictionary(f => f.Plugin, StringComparer.Ordinal);
        foreach (var plugin in plugins)
        {
            var filter = filters.GetValueOrDefault(plugin);
            var hasScore = scores.TryGetValue(plugin, out var score);
            table.AddRow(
                Text(plugin),
                Text(filter is null ? "-" : Verdict(filter.Code)),
                Text(hasScore ? Number(score.Raw) : "-"),
                Text(hasScore ? Number(score.Normalized) : "-"),
                Text(hasScore ? Number(score.Weighted) : "-"),
                Text(filter is null || filter.Reasons.Count == 0 ? "" : string.Join(", ", filter.Reasons)));
        }
        if (n.Score is { } total) table.AddRow(Text("TOTAL"), Text(""), Text(""), Text(""), Text(Number(total)), Text(""));
        return table;
    }

    private static string Verdict(string code) => code switch
    {
        nameof(StatusCode.Success) => "pass",
        nameof(StatusCode.Skip) => "skip",
        _ => code,
    };

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Cells are plain text: reasons and names may hold brackets, which Spectre's markup would read.</summary>
    private static IRenderable Text(string value) => new Text(value);

    /// <summary>
    /// Renders on a console without colours, ANSI codes or prompts, then drops the padding Spectre leaves at the end of
    /// lines and the blank lines of the border, so that the output diffs and greps cleanly.
    /// </summary>
    private static void Render(IRenderable renderable, TextWriter output)
    {
        using var buffer = new StringWriter(CultureInfo.InvariantCulture);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(buffer),
        });
        console.Profile.Width = Width;
        console.Write(renderable);
        foreach (var line in buffer.ToString().Split('\n'))
        {
            var trimmed = line.TrimEnd();
            if (trimmed.Length > 0) output.WriteLine(trimmed);
        }
    }
}
