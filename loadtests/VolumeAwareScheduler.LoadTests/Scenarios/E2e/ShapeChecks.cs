using System.Text.Json.Nodes;
using VolumeAwareScheduler.LoadTests.Harness;
using VolumeAwareScheduler.LoadTests.Harness.Reports;

namespace VolumeAwareScheduler.LoadTests.Scenarios.E2e;

/// <summary>
/// The inter-pod rules of a <see cref="PodShape"/>, checked on the emulator's objects after a run (fatal): required
/// anti-affinity on the hostname never violated (no node holds two of the pods); the zone spread's skew (most minus
/// fewest pods over the zones that have nodes) never above maxSkew 1.
/// </summary>
public static class ShapeChecks
{
    public static void Verify(ScenarioContext context, ApiEmulator.ApiEmulator emulator, PodShape shape, IReadOnlyCollection<string> names, string label)
    {
        var wanted = names.ToHashSet(StringComparer.Ordinal);
        var placed = emulator.List("pods", E2eScenario.Namespace)
            .Where(p => wanted.Contains((string)p["metadata"]!["name"]!))
            .Select(p => (string?)p["spec"]?["nodeName"])
            .Where(n => !string.IsNullOrEmpty(n))
            .Select(n => n!)
            .ToList();
        if (shape == PodShape.RequiredAntiAffinity)
        {
            var crowded = placed.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).ToList();
            var passed = crowded.Count == 0;
            context.Report.Checks.Add(new ReportCheck($"required anti-affinity never violated{label}", passed,
                passed ? $"{placed.Count:N0} pods on {placed.Distinct(StringComparer.Ordinal).Count():N0} distinct nodes"
                    : $"{crowded.Count} nodes hold more than one pod; e.g. " + string.Join(", ", crowded.Take(5).Select(g => $"{g.Key}: {g.Count()}"))));
            if (!passed) throw new ScenarioAbortedException($"required anti-affinity violated{label}: {crowded.Count} nodes hold more than one pod");
        }
        else if (shape == PodShape.ZoneSpread)
        {
            var zoneOf = emulator.List("nodes").ToDictionary(n => (string)n["metadata"]!["name"]!, Zone, StringComparer.Ordinal);
            var counts = zoneOf.Values.Where(z => z is not null).Distinct(StringComparer.Ordinal).ToDictionary(z => z!, _ => 0, StringComparer.Ordinal);
            foreach (var node in placed)
            {
                if (zoneOf.GetValueOrDefault(node) is { } zone) counts[zone]++;
            }
            var skew = counts.Count == 0 ? 0 : counts.Values.Max() - counts.Values.Min();
            var passed = skew <= 1;
            var detail = $"skew {skew} (maxSkew 1): " + string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value:N0}"));
            context.Report.Checks.Add(new ReportCheck($"zone spread skew never exceeded{label}", passed, detail));
            if (!passed) throw new ScenarioAbortedException($"zone spread skew exceeded{label}: {detail}");
        }
    }

    private static string? Zone(JsonNode node) => (string?)node["metadata"]?["labels"]?[E2eScenario.ZoneLabel];
}
