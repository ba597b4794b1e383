using VolumeAwareScheduler.Core.Scheduling;

namespace VolumeAwareScheduler.Extender;

/// <summary>A pod's explanation for people: one row per node, then each claim's outcome and its candidate PVs.</summary>
public static class ExplanationTable
{
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
            rows.Add([n.Node, n.Feasible ? "feasible" : $"rejected ({n.Plugin})", n.Score?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-", n.Reasons.Count == 0 ? "-" : string.Join(", ", n.Reasons)]);
        }
        Cli.TextTable.Write(rows, output);

        foreach (var n in explanation.Nodes.Where(n => n.Claims.Count > 0))
        {
            output.WriteLine();
            output.WriteLine($"{n.Node}:");
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
}
