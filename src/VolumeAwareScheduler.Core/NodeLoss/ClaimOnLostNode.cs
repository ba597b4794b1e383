using System.Collections.Immutable;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.NodeLoss;

/// <summary>
/// A claim bound to a PV pinned to a node that is gone, with the policy's verdict. Uid and ResourceVersion are the
/// claim's as the state holds them: the delete carries them as preconditions, so a claim that changed since is not
/// deleted.
/// </summary>
public sealed record ClaimOnLostNode
{
    public required ClaimInfo Claim { get; init; }
    public required VolumeInfo Volume { get; init; }
    /// <summary>The node the PV is pinned to, which no node of the cluster is (by name or kubernetes.io/hostname).</summary>
    public required string NodeName { get; init; }
    /// <summary>The pods that use the claim, by key (sorted).</summary>
    public ImmutableArray<ObjectKey> Pods { get; init; } = [];
    /// <summary>When the node was first found missing.</summary>
    public required DateTimeOffset MissingSince { get; init; }
    /// <summary>When the grace period ends: <see cref="MissingSince"/> plus the grace period.</summary>
    public required DateTimeOffset ReleaseAt { get; init; }
    public required NodeLossVerdict Verdict { get; init; }
}
