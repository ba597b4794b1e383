using System.Globalization;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Core.NodeLoss;

namespace VolumeAwareScheduler.NodeLoss;

/// <summary>The Events the node-loss policy records, on the claim and on its PV (reasons are API: alerts match them).</summary>
public static class NodeLossEvents
{
    /// <summary>Warning: the node of the claim's PV is gone; the claim will be released when the grace period ends.</summary>
    public const string VolumeNodeLost = "VolumeNodeLost";

    /// <summary>Warning: the claim was deleted so that its pod gets a new volume.</summary>
    public const string ClaimReleased = "NodeLossClaimReleased";

    /// <summary>The source component of the Events.</summary>
    public const string Component = "volume-aware-scheduler";

    public static string ClaimWaiting(ClaimOnLostNode c, TimeSpan grace) =>
        $"PersistentVolume {c.Volume.Name} is pinned to node {c.NodeName}, which is gone, so pod {Pods(c)} cannot run anywhere. " +
        $"Unless node {c.NodeName} comes back, this claim will be deleted at {Stamp(c.ReleaseAt)} (grace period {GoDuration.Format(grace)}) " +
        $"and the StatefulSet will create it again, on a new empty volume: the data on {c.Volume.Name} will no longer be used.";

    public static string VolumeWaiting(ClaimOnLostNode c, TimeSpan grace) =>
        $"Node {c.NodeName}, which this volume is pinned to, is gone. Unless it comes back, claim {c.Claim.Key} will be deleted at " +
        $"{Stamp(c.ReleaseAt)} (grace period {GoDuration.Format(grace)}) so that pod {Pods(c)} gets a new volume.";

    public static string ClaimDeleted(ClaimOnLostNode c, TimeSpan grace) =>
        $"Deleted this claim: PersistentVolume {c.Volume.Name} is pinned to node {c.NodeName}, gone since {Stamp(c.MissingSince)} " +
        $"(grace period {GoDuration.Format(grace)}); pod {Pods(c)} will get a new volume. The data on {c.Volume.Name} is no longer used.";

    public static string VolumeReleased(ClaimOnLostNode c, TimeSpan grace) =>
        $"Claim {c.Claim.Key} was deleted: node {c.NodeName} has been gone since {Stamp(c.MissingSince)} (grace period {GoDuration.Format(grace)}). " +
        "This volume is kept (Released) with whatever data it held; delete it when that data is not needed.";

    private static string Pods(ClaimOnLostNode c) => string.Join(", ", c.Pods);

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
