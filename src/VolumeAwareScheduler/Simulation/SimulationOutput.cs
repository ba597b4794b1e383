using System.Text;
using System.Text.Json;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Simulation;

/// <summary>Writes a simulation report as JSON lines (for tools) or as a table (for people).</summary>
public static class SimulationOutput
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// One object per pod per line, keys in a fixed order; "node" is null when the pod could not be placed. A pod kept
    /// out of the queue by its scheduling gates has "attempted": false after the usual keys.
    /// </summary>
    public static void WriteJson(SimulationReport report, TextWriter output)
    {
        foreach (var pod in report.Pods) output.WriteLine(ToJsonLine(pod));
    }

    public static string ToJsonLine(PodResult pod)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
        {
            json.WriteStartObject();
            json.WriteString("pod", pod.Pod);
            if (pod.Node is null)
            {
                json.WriteNull("node");
                json.WriteString("message", pod.Message);
                json.WriteStartObject("failedNodes");
                foreach (var (node, reasons) in pod.FailedNodes ?? new Dictionary<string, string>()) json.WriteString(node, reasons);
                json.WriteEndObject();
                if (!pod.Attempted) json.WriteBoolean("attempted", false);
            }
            else
            {
                json.WriteString("node", pod.Node);
                json.WriteStartArray("bindings");
                foreach (var b in pod.Bindings)
                {
                    json.WriteStartObject();
                    json.WriteString("claim", b.Claim);
                    json.WriteString("volume", b.Volume);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteStartArray("provisions");
                foreach (var p in pod.Provisions)
                {
                    json.WriteStartObject();
                    json.WriteString("claim", p.Claim);
                    json.WriteString("node", p.Node);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            if (pod.Preempted is { Count: > 0 } preempted)
            {
                json.WriteStartArray("preempted");
                foreach (var victim in preempted) json.WriteStringValue(victim);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A readable table: each pod, its node and claims; then the reasons for pods left pending.</summary>
    public static void WriteTable(SimulationReport report, TextWriter output, VolumeAwareScheduler.Core.State.ClusterState state)
    {
        if (report.ControllerBindings.Count > 0)
        {
            output.WriteLine("Bound by the PV controller before scheduling:");
            foreach (var b in report.ControllerBindings) output.WriteLine($"  {b.Claim} -> {b.Volume} ({b.How})");
            output.WriteLine();
        }

        var rows = new List<string[]> { new[] { "POD", "NODE", "CLAIM", "VOLUME" } };
        foreach (var pod in report.Pods)
        {
            var first = true;
            var volumes = pod.Bindings.Select(b => (b.Claim, Volume: Describe(b.Volume, state)))
                .Concat(pod.Provisions.Select(p => (p.Claim, Volume: $"(provisioned on {p.Node})"))).ToList();
            if (volumes.Count == 0) volumes.Add(("-", "-"));
            foreach (var (claim, volume) in volumes)
            {
                rows.Add(first ? [pod.Pod, pod.Node ?? (pod.Attempted ? "<pending>" : "<gated>"), claim, volume] : ["", "", claim, volume]);
                first = false;
            }
        }
        Cli.TextTable.Write(rows, output);

        var pending = report.Pods.Where(p => p.Node is null).ToList();
        output.WriteLine();
        output.WriteLine($"{report.Pods.Count - pending.Count} of {report.Pods.Count} pod(s) placed.");
        foreach (var pod in report.Pods.Where(p => p.Preempted is { Count: > 0 }))
        {
            output.WriteLine($"{pod.Pod} preempted {string.Join(", ", pod.Preempted!)}{(pod.Node is null ? "" : $" on {pod.Node}")}.");
        }
        foreach (var pod in pending)
        {
            output.WriteLine();
            if (!pod.Attempted)
            {
                output.WriteLine($"{pod.Pod} was not attempted: {pod.Message}");
                continue;
            }
            output.WriteLine($"{pod.Pod} is pending: {pod.Message}");
            foreach (var (node, reasons) in pod.FailedNodes ?? new Dictionary<string, string>()) output.WriteLine($"  {node}: {reasons}");
        }
    }

    private static string Describe(string volumeName, VolumeAwareScheduler.Core.State.ClusterState state)
    {
        var volume = state.Volumes.Get(volumeName);
        return volume is null ? volumeName : $"{volumeName} ({Kubernetes.Conversion.Quantities.FormatBytes(volume.CapacityBytes)}{AffinityHint(volume)})";
    }

    private static string AffinityHint(VolumeInfo volume) =>
        volume.NodeAffinity is { Terms: [{ MatchExpressions: [{ Operator: SelectorOperator.In, Values: [var only] }] }] } ? $", on {only}" : "";
}
