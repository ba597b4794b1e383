using System.Threading.Channels;
using k8s.Models;
using Microsoft.Extensions.Logging;
using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Kubernetes.Conversion;
using VolumeAwareScheduler.Kubernetes.Informers;
using VolumeAwareScheduler.Kubernetes.Queue;
using VolumeAwareScheduler.Kubernetes.Writers;
using VolumeAwareScheduler.Telemetry;

namespace VolumeAwareScheduler.Standalone;

/// <summary>
/// The secondary scheduler, shaped like kube-scheduler (pkg/scheduler/schedule_one.go): a serial scheduling cycle
/// over the cache (filter across nodes, score, assume in the ledger), then an asynchronous binding cycle on a
/// bounded pool (volume writes, wait for the PV controller by watching, pod binding). Failures revert the
/// assumption and requeue; pods no node can take wait in the queue until a cluster event may cure them. Each pod is
/// decided by the profile its spec.schedulerName names; the profiles share one queue, as kube-scheduler's do (which is
/// why upstream requires one queue sort for all of them).
/// </summary>
public sealed partial class StandaloneScheduler
{
    /// <summary>The rejecters of a pod that cannot be read: none, so no cluster event requeues it.</summary>
    private static readonly IReadOnlySet<string> NoCure = System.Collections.Frozen.FrozenSet<string>.Empty;

    private readonly LiveCluster _cluster;
    private readonly ApiWriter _writer;
    private readonly SchedulingQueue _queue;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SchedulerMetrics? _metrics;
    private readonly Dictionary<string, ProfileRunner> _profiles = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _bindingSlots;
    private readonly List<Task> _bindings = [];
    private readonly Channel<SchedulingProgress> _progress = Channel.CreateUnbounded<SchedulingProgress>();
    // Pods whose preemption (evictions, nominations) is under way, and whether one was popped meanwhile and parked.
    private readonly Dictionary<ObjectKey, bool> _preempting = [];

    public StandaloneScheduler(LiveCluster cluster, ApiWriter writer, SchedulingQueue queue, StandaloneOptions options, TimeProvider time, ILogger logger,
        SchedulerMetrics? metrics = null)
    {
        _metrics = metrics;
        _cluster = cluster;
        _writer = writer;
        _queue = queue;
        _time = time;
        _logger = logger;
        foreach (var profile in options.EffectiveProfiles()) _profiles[profile.SchedulerName] = new ProfileRunner(profile, writer);
        _bindingSlots = new SemaphoreSlim(options.BindingWorkers);
    }

    /// <summary>Where the pod waits in the scheduling queue; null when it is not queued.</summary>
    public QueueState? QueueStateOf(ObjectKey pod) => _queue.StateOf(pod);

    /// <summary>Every outcome, in order, for observers (one reader).</summary>
    public ChannelReader<SchedulingProgress> Progress => _progress.Reader;

    /// <summary>Runs until cancelled; in-flight bindings are drained before it returns.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await _cluster.Synced.WaitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var pod in _cluster.Cache.PodObjects()) Track(pod);
        var pump = PumpChangesAsync(cancellationToken);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var queued = await _queue.PopAsync(cancellationToken).ConfigureAwait(false);
                ScheduleOne(queued, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // shutting down
        }
        Task[] inFlight;
        lock (_bindings) inFlight = [.. _bindings];
        await Task.WhenAll(inFlight).ConfigureAwait(false);
        try
        {
            await pump.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // shutting down
        }
        _progress.Writer.TryComplete();
    }

    private async Task PumpChangesAsync(CancellationToken cancellationToken)
    {
        await foreach (var change in _cluster.Cache.Changes.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            var action = change.Type == InformerEventType.Delete ? ClusterEventAction.Delete : ClusterEventAction.Add | ClusterEventAction.Update;
            if (change.Kind == ResourceKind.Pod)
            {
                var pod = _cluster.Cache.GetPodObject(change.Key);
                if (pod is null) _queue.Remove(change.Key);
                else Track(pod);
            }
            var moved = _queue.OnClusterEvent(new ClusterEvent(change.Kind, action));
            if (moved > 0) Log.Requeued(_logger, moved, change.Kind.ToString(), change.Key.ToString());
        }
    }

    /// <summary>The schedulerNames this scheduler answers to, one per profile.</summary>
    public IReadOnlyCollection<string> SchedulerNames => _profiles.Keys;

    /// <summary>
    /// A pod is ours to schedule when it names one of our profiles, has no node, and is not being deleted. It enters
    /// the active queue only when its profile's PreEnqueue plugins pass (scheduling_queue.go runPreEnqueuePlugins);
    /// otherwise it waits gated until an update of the pod lets them pass.
    /// </summary>
    private void Track(V1Pod pod)
    {
        var key = new ObjectKey(pod.Namespace() ?? "default", pod.Name());
        var ours = pod.Spec?.SchedulerName is { } name && _profiles.ContainsKey(name);
        if (ours && string.IsNullOrEmpty(pod.Spec?.NodeName) && pod.Metadata?.DeletionTimestamp is null
            && pod.Status?.Phase is not ("Succeeded" or "Failed"))
        {
            var state = _queue.StateOf(key);
            if (state is not (null or QueueState.Gated)) return;
            var priority = pod.Spec?.Priority ?? 0;
            if (PreEnqueue(pod) is { } gated)
            {
                if (state is null)
                {
                    _queue.Gate(key, priority);
                    Log.Gated(_logger, key.ToString(), gated);
                    _progress.Writer.TryWrite(new PodGated(key, _time.GetUtcNow(), gated));
                }
                return;
            }
            _queue.Add(key, priority);
        }
        else
        {
            _queue.Remove(key);
        }
    }

    /// <summary>The PreEnqueue rejection's message, or null when the pod may enter the active queue (or cannot be read: the cycle reports that).</summary>
    private string? PreEnqueue(V1Pod pod)
    {
        if (!_profiles.TryGetValue(pod.Spec?.SchedulerName ?? "", out var profile) || profile.Framework.Profile.PreEnqueue.Count == 0) return null;
        try
        {
            var status = profile.Framework.RunPreEnqueue(Converter.ToPod(pod));
            return status.IsSuccess ? null : status.Message;
        }
        catch (ConversionException)
        {
            return null;
        }
    }

    private void ScheduleOne(QueuedPod queued, CancellationToken cancellationToken)
    {
        var key = queued.Pod;
        var started = _time.GetTimestamp();
        // The pod as the store converted it: Core snapshots past the boundary. A pod the store left out but whose API
        // object it kept could not be converted: it is reported below.
        var cache = _cluster.Cache;
        var pod = cache.Read(key, static (s, k) => s.GetPod(k));
        var podObject = pod is null ? cache.GetPodObject(key) : null;
        var schedulerName = pod?.SchedulerName ?? podObject?.Spec?.SchedulerName ?? "";
        if ((pod is null && podObject is null) || (pod?.NodeName ?? podObject?.Spec?.NodeName ?? "").Length > 0
            || !_profiles.TryGetValue(schedulerName, out var profile))
        {
            _queue.Remove(key);
            return;
        }
        // Upstream's DefaultPreemption PreEnqueue (async preemption): a pod whose victims are still being evicted waits
        // until that is done; it is sent back to the active queue then.
        lock (_preempting)
        {
            if (_preempting.ContainsKey(key))
            {
                _preempting[key] = true;
                _queue.MarkUnschedulable(key, NoCure);
                return;
            }
        }
        if (pod is null)
        {
            if (UnconvertibleReason(podObject!) is not { } reason)
            {
                _queue.Retry(key); // the store has the API object but not yet its snapshot
                return;
            }
            var message = "Pod cannot be used: " + reason;
            // Only this pod: unschedulable until it changes (no cluster event can cure it; the periodic flush retries it),
            // the reason in an Event and the PodScheduled condition on its first attempt, as a FitError would be.
            Log.Unconvertible(_logger, key.ToString(), reason);
            _queue.MarkUnschedulable(key, NoCure);
            CycleDone("error", started, attemptDone: true);
            _progress.Writer.TryWrite(new PodUnschedulable(key, _time.GetUtcNow(), message));
            if (queued.Attempts == 1) StartBackground(() => ReportUnschedulableAsync(key, podObject!.Uid() ?? "", message, profile.SchedulerName, cancellationToken));
            return;
        }

        // The cycle reads one published generation of the store, without a lock: informer events keep being applied
        // meanwhile. Reserve then goes through the store's writer, which checks the chosen PVs against the state
        // current by then (the assume ledger refuses a PV that changed since the decision).
        var result = cache.Read((profile, pod), static (state, a) => a.profile.Framework.Schedule(state, a.pod));
        string? assumeError = null;
        PreemptionCandidate? preemption = null;
        if (result.Selected is { } selected)
        {
            assumeError = cache.Write((profile, result, selected, pod), static (state, ledger, a) =>
            {
                var reserved = a.profile.Framework.Reserve(a.result, ledger);
                if (!reserved.IsSuccess) return reserved.Message;
                state.UpsertPod(a.pod with { NodeName = a.selected.Node.Name }); // the pod's resources are taken while it binds
                return null;
            });
        }
        else
        {
            preemption = DefaultPreemption.Chosen(result.Cycle);
            // The nominator learns the nomination at once (upstream's AddNominatedPod), before the status patch is seen.
            if (result.NominatedNodeName is { } nominated)
            {
                cache.Write((pod, nominated), static (state, _, a) =>
                {
                    if (state.GetPod(a.pod.Key) is { } current && current.Uid == a.pod.Uid) state.UpsertPod(current with { NominatedNodeName = a.nominated });
                    return 0;
                });
            }
        }

        if (result.Selected is not { } chosen)
        {
            var message = result.FailureMessage ?? "no node available";
            _queue.MarkUnschedulable(key, RequeueHints.RejectingPlugins(result));
            CycleDone("unschedulable", started, attemptDone: true);
            Log.Unschedulable(_logger, key.ToString(), message);
            _progress.Writer.TryWrite(new PodUnschedulable(key, _time.GetUtcNow(), message));
            var nomination = result.NominatedNodeName is { } name && name != pod.NominatedNodeName ? name : null;
            if (preemption is { } candidate)
            {
                lock (_preempting) _preempting[key] = false;
                Log.Preempting(_logger, key.ToString(), candidate.Node, string.Join(", ", candidate.Victims.Select(v => v.Key.ToString())));
                _progress.Writer.TryWrite(new PreemptionStarted(key, _time.GetUtcNow(), candidate.Node, [.. candidate.Victims.Select(v => v.Key)]));
            }
            StartBackground(async () =>
            {
                // Nominated first, so that the nomination never lands after a binding the victims' removal made possible.
                if (nomination is not null) await NominateAsync(pod.Key, nomination).ConfigureAwait(false);
                if (preemption is { } candidate)
                {
                    await PreemptAsync(pod, candidate, profile.SchedulerName).ConfigureAwait(false);
                    bool parked;
                    lock (_preempting) parked = _preempting.Remove(key, out var popped) && popped;
                    if (parked) _queue.Add(key, pod.Priority);
                }
                await ReportUnschedulableAsync(key, pod.Uid, message, profile.SchedulerName, cancellationToken).ConfigureAwait(false);
            });
            return;
        }
        if (assumeError is not null)
        {
            Log.AssumeFailed(_logger, key.ToString(), assumeError);
            _queue.Retry(key);
            CycleDone("error", started, attemptDone: true);
            return;
        }
        CycleDone("scheduled", started, attemptDone: false); // the attempt ends with the binding cycle
        StartBackground(() => BindAsync(result, pod, chosen.Node.Name, chosen.Volumes ?? PodVolumes.Empty, queued, profile));
    }

    /// <summary>Why the store could not convert the pod; null when it converts.</summary>
    private static string? UnconvertibleReason(V1Pod pod)
    {
        try
        {
            Converter.ToPod(pod);
            return null;
        }
        catch (ConversionException e)
        {
            return e.Message;
        }
    }

    private void CycleDone(string result, long started, bool attemptDone)
    {
        if (_metrics is null) return;
        _metrics.Cycle(result, _time.GetElapsedTime(started));
        if (attemptDone) _metrics.Attempt(result);
    }

    /// <summary>
    /// prepareCandidate (preemption/executor.go): each victim not already being deleted gets the DisruptionTarget
    /// condition, is evicted through the Eviction API (its PodDisruptionBudgets checked by the API server) and gets a
    /// Preempted event; when a budget refuses (429) it is deleted with its grace period, as upstream's executor deletes
    /// every victim (preemption may break a budget when no candidate spares it). Then the lower-priority pods
    /// nominated to the node lose their nomination. A failed call sends the preemptor back to the queue (Activate).
    /// </summary>
    private async Task PreemptAsync(PodInfo preemptor, PreemptionCandidate candidate, string schedulerName)
    {
        var failed = false;
        foreach (var victim in candidate.Victims)
        {
            if (victim.IsDeleting) continue; // graceful deletion already started: no second call
            try
            {
                if (!await _writer.MarkDisruptionTargetAsync(victim.Key, Reasons.PreemptionByScheduler, Reasons.PreemptingCondition(schedulerName), CancellationToken.None).ConfigureAwait(false))
                    continue; // already gone
                var evicted = await _writer.EvictPodAsync(victim.Key, victim.Uid, CancellationToken.None).ConfigureAwait(false);
                if (evicted == EvictionResult.Gone) continue;
                if (evicted == EvictionResult.DisruptionBudgetExhausted)
                {
                    Log.BudgetExhausted(_logger, victim.Key.ToString(), preemptor.Key.ToString());
                    await _writer.DeletePodAsync(victim.Key, victim.Uid, CancellationToken.None).ConfigureAwait(false);
                }
                Log.Preempted(_logger, victim.Key.ToString(), preemptor.Key.ToString(), candidate.Node);
                await _writer.RecordEventAsync(victim.Key, victim.Uid, "Normal", Reasons.PreemptedEvent, Reasons.PreemptedBy(preemptor.Uid, candidate.Node), schedulerName, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WriteFailedException or k8s.Autorest.HttpOperationException or HttpRequestException or IOException)
            {
                failed = true;
                Log.PreemptionFailed(_logger, preemptor.Key.ToString(), victim.Key.ToString(), e.Message);
            }
        }
        // Lower priority pods nominated to this node may no longer fit: their nomination is cleared, which requeues them.
        var lower = _cluster.Cache.Read(state => state.NominatedPodsOn(candidate.Node).Where(p => p.Priority < preemptor.Priority).Select(p => p.Key).ToList());
        foreach (var nominated in lower) await NominateAsync(nominated, "").ConfigureAwait(false);
        if (failed) _queue.Retry(preemptor.Key);
    }

    /// <summary>Sets (or with "" clears) status.nominatedNodeName; a failure is logged, not fatal (upstream goes on too).</summary>
    private async Task NominateAsync(ObjectKey pod, string nodeName)
    {
        try
        {
            await _writer.SetNominatedNodeNameAsync(pod, nodeName, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WriteFailedException or k8s.Autorest.HttpOperationException or HttpRequestException or IOException)
        {
            Log.NominationFailed(_logger, pod.ToString(), nodeName, e.Message);
        }
    }

    /// <summary>
    /// The binding cycle (schedule_one.go bindingCycle) on the profile's framework: PreBindPreFlight, PreBind
    /// (VolumeBinding: volume writes, wait for the PV controller up to its bindTimeoutSeconds), then Bind (DefaultBinder:
    /// the pod's Binding); on failure Unreserve, and the pod is decided again. Shutdown does not cancel it: a started
    /// cycle is drained to its end (bounded by twice the bind timeout), so no binding is left half-done.
    /// </summary>
    private async Task BindAsync(SchedulingResult result, PodInfo pod, string node, PodVolumes volumes, QueuedPod queued, ProfileRunner profile)
    {
        await _bindingSlots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        var started = _time.GetTimestamp();
        using var bounded = new CancellationTokenSource(profile.BindTimeout * 2, _time);
        var cancellationToken = bounded.Token;
        var framework = profile.Framework;
        var bound = false;
        // KEP-5278 (NominatedNodeNameForExpectation, on by default since v1.35): when PreBind has work (PreBindPreFlight
        // succeeds: VolumeBinding has volumes to bind or provision), the pod is nominated to the node before the volume
        // writes, so autoscalers keep the node meanwhile (kubernetes/kubernetes#125491).
        var preFlight = framework.RunPreBindPreFlights(result.Cycle, pod, node);
        var preBindWork = preFlight.IsSuccess;
        if (preBindWork && pod.NominatedNodeName != node) await NominateAsync(pod.Key, node).ConfigureAwait(false);
        try
        {
            // An Error (or a rejection, which PreBindPreFlight may not answer) fails the cycle.
            var outcome = preFlight.IsSuccess || preFlight.IsSkip
                ? await framework.RunPreBindAndBindAsync(result.Cycle, pod, node, cancellationToken).ConfigureAwait(false)
                : new BindingOutcome(ExtensionPoint.PreBind, preFlight);
            if (outcome.IsSuccess)
            {
                _cluster.Cache.Write(pod.Key, static (_, ledger, key) => ledger.Commit(key));
                _queue.Remove(pod.Key);
                Log.Bound(_logger, pod.Key.ToString(), node);
                var boundAt = _time.GetUtcNow();
                if (_metrics is not null)
                {
                    _metrics.Binding("bound", _time.GetElapsedTime(started));
                    _metrics.Attempt("scheduled");
                    if (queued.Cure is { } cure) _metrics.EventToBinding(cure.Event.Kind.ToString(), boundAt - cure.At);
                }
                _progress.Writer.TryWrite(new PodBound(pod.Key, boundAt, node, volumes, queued.Attempts, queued.Cure));
                bound = true;
            }
            else
            {
                var message = preFlight.Code == StatusCode.Error || preFlight.IsRejected ? preFlight.Message : outcome.FailureMessage;
                await BindingFailedAsync(result, pod, node, volumes, preBindWork, profile, message, started).ConfigureAwait(false);
            }
        }
        finally
        {
            _bindingSlots.Release();
        }
        if (bound) await ReportScheduledAsync(pod, node, profile.SchedulerName).ConfigureAwait(false);
    }

    /// <summary>handleBindingCycleError: Unreserve (the PVs and claims as they were, the pod's resources released), then decide again.</summary>
    private async Task BindingFailedAsync(SchedulingResult result, PodInfo pod, string node, PodVolumes volumes, bool preBindWork, ProfileRunner profile, string message, long started)
    {
        _cluster.Cache.Write((result, pod, profile.Framework), static (state, ledger, a) =>
        {
            a.Framework.Unreserve(a.result, ledger);
            if (state.GetPod(a.pod.Key) is { } current && current.Uid == a.pod.Uid) state.UpsertPod(current with { NodeName = "" });
            return 0;
        });
        if (_metrics is not null)
        {
            _metrics.Binding("error", _time.GetElapsedTime(started));
            _metrics.Attempt("error");
        }
        Log.BindFailed(_logger, pod.Key.ToString(), node, message);
        _progress.Writer.TryWrite(new BindingFailed(pod.Key, _time.GetUtcNow(), node, message));
        // Upstream clears the nomination on a binding failure (handleBindingCycleError); we keep it when a volume
        // of the pod is already pinned to the node (kubernetes/kubernetes#135771: a provisioned PV can only be used there).
        if ((preBindWork || pod.NominatedNodeName.Length > 0) && !VolumePinnedTo(volumes, node)) await NominateAsync(pod.Key, "").ConfigureAwait(false);
        _queue.Retry(pod.Key);
    }

    /// <summary>Whether a claim of the binding now has the node selected for provisioning, or a volume bound (its PV chosen for that node).</summary>
    private bool VolumePinnedTo(PodVolumes volumes, string node) => _cluster.Cache.Read(state =>
        volumes.DynamicProvisions.Any(c => state.GetClaim(c.Key) is { } claim && (claim.SelectedNode == node || claim.VolumeName.Length > 0))
        || volumes.StaticBindings.Any(b => state.GetClaim(b.Claim.Key) is { VolumeName.Length: > 0 }
            || state.Volumes.Get(b.Volume.Name)?.ClaimRef is { } claimRef && claimRef.Name == b.Claim.Key.Name && claimRef.Namespace == b.Claim.Key.Namespace));

    /// <summary>Events name the profile's scheduler as their reporting component, as kube-scheduler's per-profile recorders do.</summary>
    private async Task ReportScheduledAsync(PodInfo pod, string node, string component)
    {
        try
        {
            await _writer.RecordEventAsync(pod.Key, pod.Uid, "Normal", "Scheduled", $"Successfully assigned {pod.Key} to {node}", component, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WriteFailedException or k8s.Autorest.HttpOperationException or HttpRequestException or IOException)
        {
            Log.ReportFailed(_logger, pod.Key.ToString(), e.Message);
        }
    }

    private async Task ReportUnschedulableAsync(ObjectKey pod, string uid, string message, string component, CancellationToken cancellationToken)
    {
        try
        {
            await _writer.RecordEventAsync(pod, uid, "Warning", "FailedScheduling", message, component, cancellationToken).ConfigureAwait(false);
            await _writer.MarkUnschedulableAsync(pod, message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WriteFailedException or k8s.Autorest.HttpOperationException or HttpRequestException or IOException or OperationCanceledException)
        {
            Log.ReportFailed(_logger, pod.ToString(), e.Message);
        }
    }

    /// <summary>Owned background work: tracked, and awaited on shutdown (never fire-and-forget).</summary>
    private void StartBackground(Func<Task> work)
    {
        var task = Task.Run(work);
        lock (_bindings)
        {
            _bindings.RemoveAll(t => t.IsCompleted);
            _bindings.Add(task);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Bound {Pod} to {Node}")]
        public static partial void Bound(ILogger logger, string pod, string node);

        [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "{Pod} is unschedulable: {Message}")]
        public static partial void Unschedulable(ILogger logger, string pod, string message);

        [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Binding {Pod} to {Node} failed, reverted and requeued: {Error}")]
        public static partial void BindFailed(ILogger logger, string pod, string node, string error);

        [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Assuming volumes of {Pod} failed, requeued: {Error}")]
        public static partial void AssumeFailed(ILogger logger, string pod, string error);

        [LoggerMessage(EventId = 104, Level = LogLevel.Debug, Message = "{Count} pod(s) requeued by {Kind} {Key}")]
        public static partial void Requeued(ILogger logger, int count, string kind, string key);

        [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Pod {Pod} cannot be read: {Error}")]
        public static partial void Unconvertible(ILogger logger, string pod, string error);

        [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "Reporting {Pod} as unschedulable failed: {Error}")]
        public static partial void ReportFailed(ILogger logger, string pod, string error);

        [LoggerMessage(EventId = 107, Level = LogLevel.Information, Message = "{Pod} is not queued: {Message}")]
        public static partial void Gated(ILogger logger, string pod, string message);

        [LoggerMessage(EventId = 108, Level = LogLevel.Information, Message = "{Pod} preempts on {Node}: {Victims}")]
        public static partial void Preempting(ILogger logger, string pod, string node, string victims);

        [LoggerMessage(EventId = 109, Level = LogLevel.Information, Message = "Preempted {Victim} for {Pod} on {Node}")]
        public static partial void Preempted(ILogger logger, string victim, string pod, string node);

        [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "Preemption for {Pod} failed on {Victim}, requeued: {Error}")]
        public static partial void PreemptionFailed(ILogger logger, string pod, string victim, string error);

        [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Setting nominatedNodeName \"{Node}\" on {Pod} failed: {Error}")]
        public static partial void NominationFailed(ILogger logger, string pod, string node, string error);

        [LoggerMessage(EventId = 112, Level = LogLevel.Information, Message = "A disruption budget refuses to evict {Victim}; deleting it for {Pod} as upstream's preemption does")]
        public static partial void BudgetExhausted(ILogger logger, string victim, string pod);
    }
}
