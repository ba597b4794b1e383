using Microsoft.Extensions.Logging;
using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Hosting;
using VolumeAwareScheduler.Telemetry;

namespace VolumeAwareScheduler.Extender;

/// <summary>
/// The extender's bind: what VolumeBinding's Reserve and PreBind and DefaultBinder do, in one call (contract §3.4).
/// <list type="number">
/// <item>Binds run one at a time (a single writer of the assume ledger).</item>
/// <item>Through the store's writer: find the pod (remembered from filter), answer at once if it is already bound
/// (idempotent: kube-scheduler retries a bind whose answer timed out, #96579), decide again for that node against the
/// current state (the volumes filter chose may be gone), and assume the decision in the <c>AssumeLedger</c>.</item>
/// <item>Outside the store: the <see cref="IBindingWriter"/> makes the writes (PV claimRef / PVC selected-node, then the
/// pod's binding).</item>
/// <item>Through the writer again: commit the assumption, or revert it if the writes failed; nothing stays half-done.</item>
/// </list>
/// Every failure is an <c>Error</c> string, never an exception or a non-200 status.
/// </summary>
public sealed class BindCoordinator(ClusterSource source, ExtenderCycle extender, IBindingWriter writer, PodRegistry pods, ExtenderMetrics metrics, ILogger<BindCoordinator> logger)
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
                var (volumes, reason) = extender.DecideForBind(state, known, nodeName);
                if (volumes is null) return Step.Fail("conflict", $"binding rejected: pod {key} can no longer use node \"{nodeName}\": {reason}");
                var assumed = ledger.Assume(key, nodeName, volumes);
                if (!assumed.Succeeded) return Step.Fail("conflict", $"binding rejected: {assumed.Error}");
                return Step.Write(new BindPlan(known, node, volumes));
            });

            if (step.Plan is not { } plan)
            {
                metrics.Binding(step.Outcome);
                if (step.Error is null) Log.AlreadyBound(logger, key.ToString(), nodeName);
                else Log.BindRefused(logger, key.ToString(), nodeName, step.Error);
                return step.Error ?? "";
            }

            BindWriteResult written;
            try
            {
                written = await writer.WriteAsync(plan, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                written = BindWriteResult.Fail(e.Message);
            }
            store.Write((key, written.Succeeded), static (_, ledger, a) => a.Succeeded ? ledger.Commit(a.key) : ledger.Revert(a.key));
            if (!written.Succeeded)
            {
                metrics.Binding("write_failed");
                Log.BindWriteFailed(logger, key.ToString(), nodeName, written.Error ?? "");
                return $"binding pod {key} to node \"{nodeName}\" failed: {written.Error}";
            }
            metrics.Binding("bound");
            Log.Bound(logger, key.ToString(), nodeName, plan.Volumes.StaticBindings.Count, plan.Volumes.DynamicProvisions.Count);
            return "";
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed record Step(string Outcome, string? Error, BindPlan? Plan)
    {
        public static Step Done(string outcome) => new(outcome, null, null);

        public static Step Fail(string outcome, string error) => new(outcome, error, null);

        public static Step Write(BindPlan plan) => new("bound", null, plan);
    }
}
