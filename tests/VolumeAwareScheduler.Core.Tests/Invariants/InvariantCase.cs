using VolumeAwareScheduler.Core.Invariants;

namespace VolumeAwareScheduler.Core.Tests.Invariants;

/// <summary>One row of <see cref="InvariantCheckerTests"/>: the objects of a cluster and the sentences the checker must say.</summary>
public sealed record InvariantCase(
    Invariant Invariant,
    IReadOnlyList<NodeInfo> Nodes,
    IReadOnlyList<VolumeInfo> Volumes,
    IReadOnlyList<ClaimInfo> Claims,
    IReadOnlyList<PodInfo> Pods,
    IReadOnlyList<string> Expected);
