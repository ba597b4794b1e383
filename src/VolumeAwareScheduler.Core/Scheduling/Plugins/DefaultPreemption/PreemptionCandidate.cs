using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// A node where the preemptor would fit once <see cref="Victims"/> are gone (preemption/candidate.go with
/// extender/v1 Victims): the victims in order of importance, highest first, and how many of them violate a
/// PodDisruptionBudget.
/// </summary>
public sealed record PreemptionCandidate(string Node, IReadOnlyList<PodInfo> Victims, int NumPdbViolations);
