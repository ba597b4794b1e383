namespace VolumeAwareScheduler.LoadTests.Harness.Reports;

/// <summary>Everything a run found: filled by the scenario, written as markdown, JSON and HTML by <see cref="ReportWriter"/>.</summary>
public sealed class ScenarioReport
{
    public required string Scenario { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public double ElapsedSeconds { get; set; }
    /// <summary>The exact command line, for reproducing the run.</summary>
    public string Command { get; set; } = "";
    public Dictionary<string, string> Environment { get; init; } = [];
    public Dictionary<string, string> Parameters { get; init; } = [];
    public List<ReportCheck> Checks { get; init; } = [];
    public List<ReportTable> Tables { get; init; } = [];
    public List<PhaseResult> Phases { get; init; } = [];
    public List<string> Notes { get; init; } = [];

    /// <summary>Passed when every check passed (and there was at least one).</summary>
    public bool Passed => Checks.Count > 0 && Checks.All(c => c.Passed);
}

/// <summary>A correctness check; a failed one fails the run.</summary>
public sealed record ReportCheck(string Name, bool Passed, string Detail);

/// <summary>A table of figures (ratios, breakdowns); cells are already formatted.</summary>
public sealed record ReportTable(string Title, List<string> Columns, List<List<string>> Rows, string? Note = null);
