using System.Text.Json.Serialization;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Simulation;

public sealed record ClaimVolume(
    [property: JsonPropertyName("claim")] string Claim,
    [property: JsonPropertyName("volume")] string Volume);

public sealed record ClaimNode(
    [property: JsonPropertyName("claim")] string Claim,
    [property: JsonPropertyName("node")] string Node);

/// <summary>
/// One pod's outcome; serialised as one JSON line. A pod that a PreEnqueue plugin kept out of the queue (scheduling
/// gates) was not attempted: <see cref="Attempted"/> is false, <see cref="Message"/> says why and there is no decision.
/// A pod that fitted only by preempting lists the pods it removed in <see cref="Preempted"/> ("namespace/name").
/// </summary>
public sealed record PodResult(
    string Pod,
    string? Node,
    IReadOnlyList<ClaimVolume> Bindings,
    IReadOnlyList<ClaimNode> Provisions,
    string? Message,
    IReadOnlyDictionary<string, string>? FailedNodes,
    SchedulingResult? Decision,
    bool Attempted = true,
    IReadOnlyList<string>? Preempted = null);

/// <summary>A binding the cluster's controllers made on their own, before any scheduling.</summary>
public sealed record ControllerBinding(string Claim, string Volume, string How);

public sealed record SimulationReport(IReadOnlyList<PodResult> Pods, IReadOnlyList<ControllerBinding> ControllerBindings);
