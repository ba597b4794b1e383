using Microsoft.Extensions.Logging;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Hosting;
using VolumeAwareScheduler.Telemetry;

namespace VolumeAwareScheduler.Extender;

/// <summary>
/// The extender's bind (contract §3.4): the extender profile's Reserve, PreBind and Bind in one call, the binding
/// cycle kube-scheduler hands over to the bindVerb.
/// <list type="number">
/// <item>Binds run one at a time (a single writer of the assume ledger).</item>
/// <item>Through the store's writer: find the pod (remembered from filter), answer at once if it is already bound
/// (idempotent: kube-scheduler retries a bind whose answer timed out, #96579), decide again for that node against the
/// current state (the volumes filter chose may be gone), and Reserve (VolumeBinding assumes the volumes in the
/// <c>AssumeLedger</c>).</item>
/// <item>Outside the store: the framework's PreBind (VolumeBinding: PV claimRef / PVC selected-node, then the wait for
/// the PV controller) and Bind (DefaultBinder: the pod's Binding), through the framework's client.</item>
/// <item>Through the writer again: commit the assumption, or Unreserve if a step failed; nothing stays half-done.</item>
/// </list>
/// Every failure is an <c>Error</c> string, never an exception or a non-200 status.
/// </summary>
public sealed class BindCoordinator(ClusterSource source, ExtenderCycle extender, PodRegistry pods, ExtenderMetrics metrics, ILogger<BindCoordinator> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Returns "" on success, else why the pod was not bound.</summary>
    public async Task<string> BindPodAsync(ExtenderBindingArgs args, CancellationToken cancellationToken)
    {
        if (source.Cache is not { } store)
        {
            metrics.Binding("not_ready");
            return ClusterSource.NotLoadedReason;
        }
        var key = new ObjectKey(args.PodNamespace!, args.PodName!);
        var nodeName = args.Node!;
        var uid = args.PodUid ?? "";
        var framework = extender.Framework;

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The pod as filter saw it: by UID; by name only if the UID matches (a recreated pod is another pod).
            var known = pods.ByUid(uid);
            if (known is null && pods.ByKey(key) is { } byKey && (uid.Length == 0 || byKey.Uid.Length == 0 || byKey.Uid == uid)) known = byKey;
            var step = store.Write((key, uid, nodeName, known, extender), static (state, ledger, a) =>
            {
                var (key, uid, nodeName, known, extender) = a;
                if (state.GetPod(key) is { NodeName.Length: > 0 } running && (uid.Length == 0 || running.Uid.Length == 0 || running.Uid == uid))
                {
                    return running.NodeName == nodeName
                        ? Step.Done("already_bound")
                        : Step.Fail("rejected", $"pod {key} is already bound to node \"{running.NodeName}\"");
                }
                if (known is null || known.Key != key)
                {
                    return Step.Fail("unknown_pod", $"pod {key} (UID {uid}) is unknown to the extender: it was not seen in a filter request");
                }
                if (state.GetNode(nodeName) is not { } node) return Step.Fail("rejected", $"node \"{nodeName}\" is unknown to the extender");
                var (result, reason) = extender.DecideForBind(state, known, node);
                if (reason is not null) return Step.Fail("conflict", $"binding rejected: pod {key} can no longer use node \"{nodeName}\": {reason}");
                var reserved = extender.Framework.Reserve(result, ledger);
                if (!reserved.IsSuccess) return Step.Fail("conflict", $"binding rejected: {reserved.Message}");
                return Step.Bind(result);
            });

            if (step.Cycle is not { Selected: { } selected } cycle)
            {
                metrics.Binding(step.Outcome);
                if (step.Error is null) Log.AlreadyBound(logger, key.ToString(), nodeName);
                else Log.BindRefused(logger, key.ToString(), nodeName, step.Error);
                return step.Error ?? "";
            }

            Status bound;
            try
            {
                // The wire keeps the writer's own message (contract §3.4), not upstream's "running PreBind plugin" wording.
                bound = (await framework.RunPreBindAndBindAsync(cycle.Cycle, cycle.Pod, nodeName, cancellationToken).ConfigureAwait(false)).Status;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                bound = Status.Error("", e.Message);
            }
            store.Write((key, cycle, bound.IsSuccess, framework), static (_, ledger, a) =>
            {
                if (a.IsSuccess) ledger.Commit(a.key);
                else a.framework.Unreserve(a.cycle, ledger);
                return 0;
            });
            if (!bound.IsSuccess)
            {
                metrics.Binding("write_failed");
                Log.BindWriteFailed(logger, key.ToString(), nodeName, bound.Message);
                return $"binding pod {key} to node \"{nodeName}\" failed: {bound.Message}";
            }
            metrics.Binding("bound");
            var volumes = selected.Volumes;
            Log.Bound(logger, key.ToString(), nodeName, volumes?.StaticBindings.Count ?? 0, volumes?.DynamicProvisions.Count ?? 0);
            return "";
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed record Step(string Outcome, string? Error, SchedulingResult? Cycle)
    {
        public static Step Done(string outcome) => new(outcome, null, null);

        public static Step Fail(string outcome, string error) => new(outcome, error, null);

        public static Step Bind(SchedulingResult cycle) => new("bound", null, cycle);
    }
}
