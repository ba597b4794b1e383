using VolumeAwareScheduler.Core.NodeLoss;

namespace VolumeAwareScheduler.Core.Tests.NodeLoss;

/// <summary>
/// One row of <see cref="NodeLossPolicyTests"/>: a cluster, how long the lost node has been seen missing (null: not
/// seen yet), the verdict expected for the claim default/data-web-0 (null: not considered at all) and the nodes expected
/// to be reported missing.
/// </summary>
public sealed record NodeLossCase(
    NodeInfo[] Nodes,
    StorageClassInfo[] Classes,
    VolumeInfo[] Volumes,
    ClaimInfo[] Claims,
    PodInfo[] Pods,
    TimeSpan? MissingFor,
    NodeLossVerdict? Expected,
    string[] ExpectedMissing);
