using System.Threading.Channels;
using k8s.Autorest;
using Microsoft.Extensions.Logging;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.NodeLoss;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Kubernetes.Writers;

namespace VolumeAwareScheduler.NodeLoss;

/// <summary>
/// The node-loss policy's controller: on the leader only (it runs inside the scheduling loop's
/// <see cref="Standalone.StandaloneRunner.RunAsync"/>, under the same leader election), it reads the one state store,
/// asks <see cref="NodeLossPolicy.Plan"/> what to do, and does it through the API:
/// <list type="number">
/// <item>a node that PVs of an opted-in class are pinned to and that is gone is remembered from the first pass that sees
/// it gone (after a restart or a change of leader the grace period starts again: conservative, as upstream's timers);</item>
/// <item>a claim that will be released gets a Warning <see cref="NodeLossEvents.VolumeNodeLost"/> on it and on its PV,
/// once, naming the node and when the grace period ends;</item>
/// <item>when the grace period has passed, the node is looked up on the API server itself (the cache may lag), and
/// the claim is deleted with its uid and resourceVersion as preconditions, so a claim that changed since it was read is
/// never deleted; then a Warning <see cref="NodeLossEvents.ClaimReleased"/> on the claim and on the PV.</item>
/// </list>
/// After sig-storage-local-static-provisioner's node cleanup controller (pkg/node-cleanup/controller/controller.go);
/// what differs is in <see cref="NodeLossPolicy"/>. The StatefulSet controller then creates the claim again for its
/// pending pod, and the scheduler places the pod on a node with a free PV.
/// </summary>
public sealed partial class NodeLossController(ClusterCache cache, NodeLossWriter writer, NodeLossOptions options, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan MinimumDelay = TimeSpan.FromMilliseconds(100);

    private readonly Dictionary<string, DateTimeOffset> _missingSince = new(StringComparer.Ordinal);
    // Bounded, dropping the oldest: nobody need read it (tests and diagnostics do).
    private readonly Channel<NodeLossPass> _passes = Channel.CreateBounded<NodeLossPass>(
        new BoundedChannelOptions(16) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });
    // Claims (by uid) already reported for a node and verdict, so a pass does not repeat its Events and logs.
    private readonly HashSet<(string Claim, string Node, NodeLossVerdict Verdict)> _reported = [];

    /// <summary>
    /// Every pass, written once the pass is done and the wait for the next one has started (so a test that moves a fake
    /// clock after reading a pass never moves it past a wait that does not exist yet).
    /// </summary>
    public ChannelReader<NodeLossPass> Passes => _passes.Reader;

    /// <summary>Passes until cancelled, once the store is synced; an API failure is logged and the next pass tries again.</summary>
    public async Task RunAsync(Task synced, CancellationToken cancellationToken)
    {
        try
        {
            await synced.WaitAsync(cancellationToken).ConfigureAwait(false);
            Log.Started(logger, Configuration.GoDuration.Format(options.GracePeriod));
            while (true)
            {
                NodeLossPass? pass = null;
                try
                {
                    pass = await ReconcileAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException or WriteFailedException && !cancellationToken.IsCancellationRequested)
                {
                    Log.PassFailed(logger, e);
                }
                var delay = options.ResyncPeriod;
                if (pass?.Plan.NextReleaseAt is { } due)
                {
                    var left = due - time.GetUtcNow();
                    if (left < delay) delay = left > MinimumDelay ? left : MinimumDelay;
                }
                var wait = Task.Delay(delay, time, cancellationToken);
                if (pass is not null) _passes.Writer.TryWrite(pass);
                await wait.ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping: shutdown or lost leadership
        }
    }

    /// <summary>One pass: plan over the current state, then the Events and deletes it calls for.</summary>
    public async Task<NodeLossPass> ReconcileAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var plan = cache.Read((Seen: _missingSince, Now: now, options.GracePeriod), static (state, a) => NodeLossPolicy.Plan(state, a.Seen, a.Now, a.GracePeriod));
        Remember(plan.MissingNodes, now);
        var released = new List<ObjectKey>();
        foreach (var claim in plan.Claims)
        {
            if (claim.Verdict == NodeLossVerdict.Release)
            {
                if (await ReleaseAsync(claim, cancellationToken).ConfigureAwait(false)) released.Add(claim.Claim.Key);
                continue;
            }
            if (_reported.Contains(Key(claim))) continue;
            if (claim.Verdict == NodeLossVerdict.WaitForGracePeriod)
            {
                Log.Waiting(logger, claim.Claim.Key.ToString(), claim.Volume.Name, claim.NodeName, claim.ReleaseAt);
                await writer.RecordEventAsync(NodeLossWriter.ClaimReference(claim.Claim), "Warning", NodeLossEvents.VolumeNodeLost,
                    NodeLossEvents.ClaimWaiting(claim, options.GracePeriod), NodeLossEvents.Component, cancellationToken).ConfigureAwait(false);
                await writer.RecordEventAsync(NodeLossWriter.VolumeReference(claim.Volume), "Warning", NodeLossEvents.VolumeNodeLost,
                    NodeLossEvents.VolumeWaiting(claim, options.GracePeriod), NodeLossEvents.Component, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                Log.Kept(logger, claim.Claim.Key.ToString(), claim.Volume.Name, claim.NodeName, claim.Verdict.ToString());
            }
            _reported.Add(Key(claim));
        }
        // Forget what no longer applies: a claim that leaves the plan and comes back (its node lost again) is reported again.
        var current = plan.Claims.Select(Key).ToHashSet();
        _reported.RemoveWhere(k => !current.Contains(k));
        return new NodeLossPass(now, plan, released);
    }

    private void Remember(IReadOnlyList<string> missing, DateTimeOffset now)
    {
        foreach (var node in missing)
        {
            if (_missingSince.TryAdd(node, now)) Log.NodeMissing(logger, node, now + options.GracePeriod);
        }
        foreach (var node in _missingSince.Keys.Where(n => !missing.Contains(n, StringComparer.Ordinal)).ToList())
        {
            _missingSince.Remove(node);
            Log.NodeBack(logger, node);
        }
    }

    /// <summary>Deletes the claim unless the node exists on the server or the claim changed; true when it was deleted.</summary>
    private async Task<bool> ReleaseAsync(ClaimOnLostNode claim, CancellationToken cancellationToken)
    {
        if (await writer.NodeExistsAsync(claim.NodeName, cancellationToken).ConfigureAwait(false))
        {
            Log.NodeExistsOnServer(logger, claim.NodeName, claim.Claim.Key.ToString());
            return false;
        }
        switch (await writer.DeleteClaimAsync(claim.Claim, cancellationToken).ConfigureAwait(false))
        {
            case ClaimReleaseResult.Deleted:
                Log.Released(logger, claim.Claim.Key.ToString(), claim.Volume.Name, claim.NodeName, string.Join(", ", claim.Pods));
                await writer.RecordEventAsync(NodeLossWriter.ClaimReference(claim.Claim), "Warning", NodeLossEvents.ClaimReleased,
                    NodeLossEvents.ClaimDeleted(claim, options.GracePeriod), NodeLossEvents.Component, cancellationToken).ConfigureAwait(false);
                await writer.RecordEventAsync(NodeLossWriter.VolumeReference(claim.Volume), "Warning", NodeLossEvents.ClaimReleased,
                    NodeLossEvents.VolumeReleased(claim, options.GracePeriod), NodeLossEvents.Component, cancellationToken).ConfigureAwait(false);
                return true;
            case ClaimReleaseResult.Changed:
                Log.Changed(logger, claim.Claim.Key.ToString());
                return false;
            default:
                return false;
        }
    }

    private static (string, string, NodeLossVerdict) Key(ClaimOnLostNode claim) => (claim.Claim.Uid, claim.NodeName, claim.Verdict);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Node-loss policy on: claims of opted-in classes are released {GracePeriod} after their node is gone")]
        public static partial void Started(ILogger logger, string gracePeriod);

        [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Node {Node} holds PVs of an opted-in class and is gone; its claims may be released from {ReleaseAt:o}")]
        public static partial void NodeMissing(ILogger logger, string node, DateTimeOffset releaseAt);

        [LoggerMessage(EventId = 1403, Level = LogLevel.Information, Message = "Node {Node} is back (or no longer holds PVs of an opted-in class): nothing of it will be released")]
        public static partial void NodeBack(ILogger logger, string node);

        [LoggerMessage(EventId = 1404, Level = LogLevel.Warning, Message = "Claim {Claim} (PersistentVolume {Volume} on lost node {Node}) will be released at {ReleaseAt:o}")]
        public static partial void Waiting(ILogger logger, string claim, string volume, string node, DateTimeOffset releaseAt);

        [LoggerMessage(EventId = 1405, Level = LogLevel.Warning, Message = "Released claim {Claim}: PersistentVolume {Volume} is on lost node {Node}; pod {Pods} gets a new volume")]
        public static partial void Released(ILogger logger, string claim, string volume, string node, string pods);

        [LoggerMessage(EventId = 1406, Level = LogLevel.Information, Message = "Claim {Claim} (PersistentVolume {Volume} on lost node {Node}) is kept: {Reason}")]
        public static partial void Kept(ILogger logger, string claim, string volume, string node, string reason);

        [LoggerMessage(EventId = 1407, Level = LogLevel.Warning, Message = "Node {Node} exists on the API server although the cache has none: claim {Claim} is not released")]
        public static partial void NodeExistsOnServer(ILogger logger, string node, string claim);

        [LoggerMessage(EventId = 1408, Level = LogLevel.Information, Message = "Claim {Claim} changed since it was read: not deleted, decided again on the next pass")]
        public static partial void Changed(ILogger logger, string claim);

        [LoggerMessage(EventId = 1409, Level = LogLevel.Warning, Message = "Node-loss pass failed; trying again on the next one")]
        public static partial void PassFailed(ILogger logger, Exception exception);
    }
}
