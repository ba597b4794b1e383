using System.Text.Json.Serialization;

namespace VolumeAwareScheduler.LoadTests.Harness.Reports;

/// <summary>Source-generated JSON for reports; camelCase, indented, durations in nanoseconds as the names say.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ScenarioReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
