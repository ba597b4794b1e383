using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.NodeLoss;

/// <summary>The node-loss policy's answer for one state and one instant (<see cref="NodeLossPolicy.Plan"/>).</summary>
/// <param name="MissingNodes">
/// Nodes that PVs of an opted-in class are pinned to and that do not exist, sorted: the caller remembers when it first
/// saw each missing and forgets the others.
/// </param>
/// <param name="Claims">Every claim bound to such a PV, with its verdict, sorted by claim.</param>
public sealed record NodeLossPlan(IReadOnlyList<string> MissingNodes, IReadOnlyList<ClaimOnLostNode> Claims)
{
    public static readonly NodeLossPlan Empty = new([], []);

    public IEnumerable<ClaimOnLostNode> Releases => Claims.Where(c => c.Verdict == NodeLossVerdict.Release);

    public IEnumerable<ClaimOnLostNode> Waiting => Claims.Where(c => c.Verdict == NodeLossVerdict.WaitForGracePeriod);

    /// <summary>When the next release falls due, or null when nothing is waiting.</summary>
    public DateTimeOffset? NextReleaseAt => Waiting.Select(c => (DateTimeOffset?)c.ReleaseAt).Min();

    public ClaimOnLostNode? Find(ObjectKey claim) => Claims.FirstOrDefault(c => c.Claim.Key == claim);
}
