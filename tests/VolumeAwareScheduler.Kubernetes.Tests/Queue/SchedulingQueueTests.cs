using Microsoft.Extensions.Time.Testing;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Kubernetes.Queue;

namespace VolumeAwareScheduler.Kubernetes.Tests.Queue;

/// <summary>
/// The queue on fake time: ordering, backoff, requeue on curing events, the periodic flush, and the behaviours of
/// Kubernetes v1.37's queue (pkg/scheduler/backend/queue/scheduling_queue.go, backoff_queue.go, active_queue.go).
/// The fake clock starts on a whole second, so backoff windows (1 s) begin where the tests begin.
/// </summary>
public sealed class SchedulingQueueTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly SchedulingQueue _queue;

    public SchedulingQueueTests() => _queue = new SchedulingQueue(_time, new QueueOptions());

    public void Dispose() => _queue.Dispose();

    private static ObjectKey Pod(string name) => new("default", name);

    private static readonly HashSet<string> VolumeRejection = ["VolumeBinding"];

    [Fact]
    public async Task Active_queue_pops_by_priority_then_arrival()
    {
        _queue.Add(Pod("low-1"), 0);
        _queue.Add(Pod("high"), 100);
        _queue.Add(Pod("low-2"), 0);

        Assert.Equal(Pod("high"), (await _queue.PopAsync(default)).Pod);
        Assert.Equal(Pod("low-1"), (await _queue.PopAsync(default)).Pod);
        Assert.Equal(Pod("low-2"), (await _queue.PopAsync(default)).Pod);
    }

    [Fact]
    public async Task Pop_waits_until_a_pod_arrives()
    {
        var pop = _queue.PopAsync(default);
        Assert.False(pop.IsCompleted);

        _queue.Add(Pod("a"), 0);

        Assert.Equal(Pod("a"), (await pop.WaitAsync(TimeSpan.FromSeconds(5))).Pod);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(4, 8)]
    [InlineData(5, 10)]
    [InlineData(9, 10)]
    public void Backoff_doubles_from_one_second_up_to_ten(int count, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), _queue.BackoffFor(count));

    [Fact]
    public async Task Curing_event_moves_an_unschedulable_pod_back_after_its_backoff()
    {
        _queue.Add(Pod("a"), 0);
        await _queue.PopAsync(default);
        _queue.MarkUnschedulable(Pod("a"), VolumeRejection);

        Assert.Equal(0, _queue.OnClusterEvent(new ClusterEvent(ResourceKind.PodDisruptionBudget, ClusterEventAction.Add)));
        Assert.Equal(QueueState.Unschedulable, _queue.StateOf(Pod("a")));

        Assert.Equal(1, _queue.OnClusterEvent(new ClusterEvent(ResourceKind.PersistentVolume, ClusterEventAction.Add)));
        Assert.Equal(QueueState.Backoff, _queue.StateOf(Pod("a")));

        // One unschedulable attempt: 1 s, expiring in the window [1 s, 2 s); the pod backs off until that window is over.
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(QueueState.Backoff, _queue.StateOf(Pod("a")));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(QueueState.Active, _queue.StateOf(Pod("a")));
        var popped = await _queue.PopAsync(default).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(Pod("a"), popped.Pod);
        Assert.Equal(2, popped.Attempts);
    }

    [Fact]
    public async Task Events_that_cannot_cure_the_rejection_leave_the_pod_parked()
    {
        _queue.Add(Pod("a"), 0);
        await _queue.PopAsync(default);
        _queue.MarkUnschedulable(Pod("a"), new HashSet<string> { "TaintToleration" });

        Assert.Equal(0, _queue.OnClusterEvent(new ClusterEvent(ResourceKind.PersistentVolume, ClusterEventAction.Add)));
        Assert.Equal(1, _queue.OnClusterEvent(new ClusterEvent(ResourceKind.Node, ClusterEventAction.Update)));
    }

    [Fact]
    public async Task An_event_during_the_cycle_is_not_lost()
    {
        _queue.Add(Pod("a"), 0);
        await _queue.PopAsync(default);
        _queue.OnClusterEvent(new ClusterEvent(ResourceKind.PersistentVolume, ClusterEventAction.Add)); // while in flight

        _queue.MarkUnschedulable(Pod("a"), VolumeRejection);

        Assert.NotEqual(QueueState.Unschedulable, _queue.StateOf(Pod("a")));
    }

    [Fact]
    public async Task Unschedulable_pods_are_flushed_back_without_any_event()
    {
        _queue.Add(Pod("a"), 0);
        await _queue.PopAsync(default);
        _queue.MarkUnschedulable(Pod("a"), VolumeRejection);

        // podMaxInUnschedulablePodsDuration (5 min), checked every 30 s: longer than 5 min at the 5 min 30 s check.
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(QueueState.Unschedulable, _queue.StateOf(Pod("a")));
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(QueueState.Active, _queue.StateOf(Pod("a")));
    }

    [Fact]
    public async Task Retry_waits_out_the_backoff_of_the_consecutive_errors()
    {
        _queue.Add(Pod("a"), 0);
        await _queue.PopAsync(default);
        _queue.Retry(Pod("a")); // first error at 0 s: 1 s, window [1 s, 2 s)
        _time.Advance(TimeSpan.FromSeconds(2));
        await _queue.PopAsync(default).WaitAsync(TimeSpan.FromSeconds(5));

        _queue.Retry(Pod("a")); // second error at 2 s: 2 s, window [4 s, 5 s)
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(QueueState.Backoff, _queue.StateOf(Pod("a")));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(QueueState.Active, _queue.StateOf(Pod("a")));
    }

    [Fact]
    public void Removed_pods_are_forgotten()
    {
        _queue.Add(Pod("a"), 0);
        _queue.Remove(Pod("a"));

        Assert.Null(_queue.StateOf(Pod("a")));
        Assert.Equal(0, _queue.Count);
    }

    [Fact]
    public async Task A_pod_requeued_by_an_event_carries_the_event_and_when_it_happened()
    {
        _queue.Add(Pod("a"), 0);
        await _queue.PopAsync(default);
        _queue.MarkUnschedulable(Pod("a"), VolumeRejection);
        _time.Advance(TimeSpan.FromSeconds(3));
        var eventAt = _time.GetUtcNow();

        _queue.OnClusterEvent(new ClusterEvent(ResourceKind.PersistentVolume, ClusterEventAction.Add));
        var popped = await _queue.PopAsync(default).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(new CuringEvent(new ClusterEvent(ResourceKind.PersistentVolume, ClusterEventAction.Add), eventAt), popped.Cure);
    }

    [Fact]
    public async Task A_transient_failure_after_a_cure_keeps_the_curing_event_for_the_retry()
    {
        var pod = await RejectedAndCuredAsync("a");
        var cure = (await _queue.PopAsync(default)).Cure;
        _queue.Retry(pod); // e.g. a 409 while binding

        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.NotNull(cure);
        Assert.Equal(cure, (await _queue.PopAsync(default).WaitAsync(TimeSpan.FromSeconds(5))).Cure);
    }

    [Fact]
    public async Task A_pod_returned_by_the_flush_has_no_curing_event()
    {
        _queue.Add(Pod("a"), 0);
        await _queue.PopAsync(default);
        _queue.MarkUnschedulable(Pod("a"), VolumeRejection);

        _time.Advance(TimeSpan.FromMinutes(6));

        Assert.Null((await _queue.PopAsync(default).WaitAsync(TimeSpan.FromSeconds(5))).Cure);
    }

    [Fact]
    public async Task An_event_during_the_cycle_that_cannot_cure_the_rejection_leaves_the_pod_parked()
    {
        _queue.Add(Pod("a"), 0);
        await _queue.PopAsync(default);
        _queue.OnClusterEvent(new ClusterEvent(ResourceKind.PersistentVolume, ClusterEventAction.Add)); // while in flight

        _queue.MarkUnschedulable(Pod("a"), new HashSet<string> { "TaintToleration" });

        Assert.Equal(QueueState.Unschedulable, _queue.StateOf(Pod("a")));
    }

    [Fact]
    public async Task A_removed_pod_is_never_popped_and_a_re_added_one_is_popped_once()
    {
        _queue.Add(Pod("gone"), 0);
        _queue.Add(Pod("back"), 0);
        _queue.Remove(Pod("gone"));
        _queue.Remove(Pod("back"));
        _queue.Add(Pod("back"), 0);
        _queue.Add(Pod("last"), 0);

        Assert.Equal(Pod("back"), (await _queue.PopAsync(default)).Pod);
        Assert.Equal(Pod("last"), (await _queue.PopAsync(default)).Pod);
        Assert.False(_queue.PopAsync(default).IsCompleted);
    }

    [Fact]
    public async Task A_changed_priority_reorders_an_active_pod()
    {
        _queue.Add(Pod("first"), 0);
        _queue.Add(Pod("second"), 0);
        _queue.Add(Pod("second"), 10);

        Assert.Equal(Pod("second"), (await _queue.PopAsync(default)).Pod);
        Assert.Equal(Pod("first"), (await _queue.PopAsync(default)).Pod);
        Assert.False(_queue.PopAsync(default).IsCompleted);
    }

    [Fact]
    public async Task Backoff_ends_in_order_of_each_pods_window()
    {
        _queue.Add(Pod("a"), 0);
        _queue.Add(Pod("b"), 0);
        await _queue.PopAsync(default);
        _queue.Retry(Pod("a")); // at 0 s: expires in window [1 s, 2 s)
        _time.Advance(TimeSpan.FromMilliseconds(1500));
        await _queue.PopAsync(default);
        _queue.Retry(Pod("b")); // at 1.5 s: 2.5 s, window [2 s, 3 s)

        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal((QueueState.Active, QueueState.Backoff), (_queue.StateOf(Pod("a")), _queue.StateOf(Pod("b"))));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(QueueState.Active, _queue.StateOf(Pod("b")));
    }

    [Fact]
    public async Task Depths_count_pods_per_sub_queue()
    {
        foreach (var name in new[] { "in-flight", "retried", "cured", "parked", "waiting" }) _queue.Add(Pod(name), 0);
        for (var i = 0; i < 4; i++) await _queue.PopAsync(default);
        _queue.Retry(Pod("retried"));
        _queue.MarkUnschedulable(Pod("parked"), new HashSet<string> { "TaintToleration" });
        _queue.MarkUnschedulable(Pod("cured"), VolumeRejection);
        _queue.OnClusterEvent(new ClusterEvent(ResourceKind.PersistentVolume, ClusterEventAction.Add));

        Assert.Equal(new QueueDepths(Active: 1, Backoff: 2, Unschedulable: 1, InFlight: 1), _queue.Depths());
    }

    // ---- v1.37 behaviours ----

    private async Task<ObjectKey> RejectedAndCuredAsync(string name, int priority = 0)
    {
        _queue.Add(Pod(name), priority);
        while ((await _queue.PopAsync(default)).Pod != Pod(name)) { }
        _queue.MarkUnschedulable(Pod(name), VolumeRejection);
        _queue.OnClusterEvent(new ClusterEvent(ResourceKind.PersistentVolume, ClusterEventAction.Update));
        Assert.Equal(QueueState.Backoff, _queue.StateOf(Pod(name)));
        return Pod(name);
    }

    /// <summary>SchedulerPopFromBackoffQ (active_queue.go unlockedPop → backoffQPopper.popBackoff).</summary>
    [Fact]
    public async Task A_pod_in_backoff_is_popped_at_once_when_the_active_queue_is_empty()
    {
        var pod = await RejectedAndCuredAsync("a");

        var popped = await _queue.PopAsync(default).WaitAsync(TimeSpan.FromSeconds(5)); // no time has passed

        Assert.Equal((pod, 2), (popped.Pod, popped.Attempts));
        Assert.Equal(QueueState.InFlight, _queue.StateOf(pod));
    }

    [Fact]
    public async Task Active_pods_are_popped_before_pods_in_backoff()
    {
        var backingOff = await RejectedAndCuredAsync("backing-off", priority: 100);
        _queue.Add(Pod("fresh"), 0);

        Assert.Equal(Pod("fresh"), (await _queue.PopAsync(default)).Pod);
        Assert.Equal(backingOff, (await _queue.PopAsync(default)).Pod);
    }

    [Fact]
    public async Task A_waiting_pop_is_woken_by_a_pod_entering_backoff()
    {
        _queue.Add(Pod("a"), 0);
        await _queue.PopAsync(default);
        _queue.MarkUnschedulable(Pod("a"), VolumeRejection);
        var waiting = _queue.PopAsync(default);
        Assert.False(waiting.IsCompleted);

        _queue.OnClusterEvent(new ClusterEvent(ResourceKind.PersistentVolume, ClusterEventAction.Add));

        Assert.Equal(Pod("a"), (await waiting.WaitAsync(TimeSpan.FromSeconds(5))).Pod);
    }

    /// <summary>popBackoff pops podBackoffQ only: podErrorBackoffQ waits for the flush (backoff_queue.go).</summary>
    [Fact]
    public async Task A_pod_backing_off_after_an_error_is_not_popped_early()
    {
        _queue.Add(Pod("a"), 0);
        await _queue.PopAsync(default);
        _queue.Retry(Pod("a"));

        var waiting = _queue.PopAsync(default);
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(Pod("a"), (await waiting.WaitAsync(TimeSpan.FromSeconds(5))).Pod);
    }

    /// <summary>backoffQOrderingWindowDuration and alignToWindow/isEntityBackingoff (KEP-5142).</summary>
    [Fact]
    public async Task Backoff_expiry_is_truncated_to_its_second_and_lasts_until_that_second_is_over()
    {
        _queue.Add(Pod("a"), 0);
        await _queue.PopAsync(default);
        _time.Advance(TimeSpan.FromMilliseconds(300));
        _queue.MarkUnschedulable(Pod("a"), VolumeRejection); // back at 0.3 s: 1.3 s, truncated to 1 s
        _queue.OnClusterEvent(new ClusterEvent(ResourceKind.PersistentVolume, ClusterEventAction.Add));

        _time.Advance(TimeSpan.FromMilliseconds(1699)); // 1.999 s: still in the expiry's window
        Assert.Equal(QueueState.Backoff, _queue.StateOf(Pod("a")));
        _time.Advance(TimeSpan.FromMilliseconds(1)); // 2 s: the window is over
        Assert.Equal(QueueState.Active, _queue.StateOf(Pod("a")));
    }

    /// <summary>lessBackoffCompletedWithPriority: within one window, the backoff heap pops as the active queue would.</summary>
    [Fact]
    public async Task Within_one_backoff_window_the_higher_priority_pod_is_popped_first()
    {
        var low = await RejectedAndCuredAsync("low", priority: 0);
        _time.Advance(TimeSpan.FromMilliseconds(400)); // same window, entered later
        var high = await RejectedAndCuredAsync("high", priority: 100);

        Assert.Equal(high, (await _queue.PopAsync(default)).Pod);
        Assert.Equal(low, (await _queue.PopAsync(default)).Pod);
    }

    [Fact]
    public async Task An_earlier_backoff_window_is_popped_before_a_higher_priority_in_a_later_one()
    {
        var low = await RejectedAndCuredAsync("low", priority: 0);
        _time.Advance(TimeSpan.FromSeconds(1));
        var high = await RejectedAndCuredAsync("high", priority: 100);

        Assert.Equal(low, (await _queue.PopAsync(default)).Pod);
        Assert.Equal(high, (await _queue.PopAsync(default)).Pod);
    }

    /// <summary>getBackoffTime: UnschedulableCount, or ConsecutiveErrorsCount when the last cycle failed with an error.</summary>
    [Fact]
    public async Task Backoff_counts_unschedulable_attempts_and_errors_apart_not_pops()
    {
        _queue.Add(Pod("a"), 0);
        for (var i = 0; i < 2; i++)
        {
            await _queue.PopAsync(default);
            _queue.Retry(Pod("a")); // two errors: 1 s, then 2 s
            _time.Advance(TimeSpan.FromSeconds(10));
        }
        await _queue.PopAsync(default); // the third pop
        _queue.MarkUnschedulable(Pod("a"), VolumeRejection); // the first unschedulable attempt: 1 s, errors reset
        _queue.OnClusterEvent(new ClusterEvent(ResourceKind.PersistentVolume, ClusterEventAction.Add));

        _time.Advance(TimeSpan.FromSeconds(2)); // 1 s (one unschedulable attempt), not 4 s (three pops)
        Assert.Equal(QueueState.Active, _queue.StateOf(Pod("a")));
    }

    /// <summary>kubernetes/kubernetes#131965 (v1.34): podMaxBackoffDuration 0 skips backoff completely.</summary>
    [Fact]
    public async Task A_zero_maximum_backoff_requeues_a_cured_pod_straight_to_the_active_queue()
    {
        using var queue = new SchedulingQueue(_time, new QueueOptions { MaxBackoff = TimeSpan.Zero });
        queue.Add(Pod("a"), 0);
        await queue.PopAsync(default);
        queue.MarkUnschedulable(Pod("a"), VolumeRejection);

        queue.OnClusterEvent(new ClusterEvent(ResourceKind.PersistentVolume, ClusterEventAction.Add));

        Assert.Equal(QueueState.Active, queue.StateOf(Pod("a")));
        Assert.Equal(TimeSpan.Zero, queue.BackoffFor(5));
    }

    /// <summary>flushUnschedulablePodsLeftover moves pods with EventUnschedulableTimeout, a wildcard: queueAfterBackoff.</summary>
    [Fact]
    public async Task The_unschedulable_flush_still_respects_the_backoff()
    {
        using var queue = new SchedulingQueue(_time, new QueueOptions
        {
            InitialBackoff = TimeSpan.FromSeconds(10),
            MaxBackoff = TimeSpan.FromSeconds(10),
            UnschedulableFlush = TimeSpan.FromSeconds(4), // checked every 2 s
        });
        queue.Add(Pod("a"), 0);
        await queue.PopAsync(default);
        queue.MarkUnschedulable(Pod("a"), VolumeRejection); // backoff 10 s: window [10 s, 11 s)

        _time.Advance(TimeSpan.FromSeconds(6)); // unschedulable for more than 4 s at the 6 s check
        Assert.Equal(QueueState.Backoff, queue.StateOf(Pod("a")));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(QueueState.Active, queue.StateOf(Pod("a")));
    }

    /// <summary>Rejecting plugin, the cluster event, whether it moves the pod (RequeueHints, through the queue).</summary>
    public static TheoryData<string, ResourceKind, ClusterEventAction, bool> RequeueCases => new()
    {
        { "VolumeBinding", ResourceKind.PersistentVolume, ClusterEventAction.Add, true },
        // volume_binding.go isSchedulableAfterPersistentVolumeChange queues on any PV update of a pod with claims: a
        // changed nodeAffinity (MutablePVNodeAffinity, alpha in v1.35) cures "didn't match PersistentVolume's node affinity".
        { "VolumeBinding", ResourceKind.PersistentVolume, ClusterEventAction.Update, true },
        { "VolumeBinding", ResourceKind.PersistentVolumeClaim, ClusterEventAction.Update, true },
        { "VolumeBinding", ResourceKind.StorageClass, ClusterEventAction.Add, true },
        { "VolumeBinding", ResourceKind.Node, ClusterEventAction.Add, true },
        { "VolumeBinding", ResourceKind.CSINode, ClusterEventAction.Add, true },
        { "VolumeBinding", ResourceKind.CSIDriver, ClusterEventAction.Update, true },
        { "VolumeBinding", ResourceKind.CSIStorageCapacity, ClusterEventAction.Add, true },
        { "VolumeBinding", ResourceKind.CSIStorageCapacity, ClusterEventAction.Update, true },
        { "VolumeBinding", ResourceKind.PersistentVolume, ClusterEventAction.Delete, false },
        { "VolumeBinding", ResourceKind.Pod, ClusterEventAction.Delete, false },
        { "NodeResourcesFit", ResourceKind.Pod, ClusterEventAction.Delete, true },
        { "NodeResourcesFit", ResourceKind.Node, ClusterEventAction.Add, true },
        { "NodeResourcesFit", ResourceKind.PersistentVolume, ClusterEventAction.Add, false },
        // volume_restrictions.go EventsToRegister (v1.37): Pod/Delete, Node/Add, PersistentVolumeClaim/Add.
        { "VolumeRestrictions", ResourceKind.Pod, ClusterEventAction.Delete, true },
        { "VolumeRestrictions", ResourceKind.Pod, ClusterEventAction.Update, false },
        { "VolumeRestrictions", ResourceKind.Node, ClusterEventAction.Add, true },
        { "VolumeRestrictions", ResourceKind.PersistentVolumeClaim, ClusterEventAction.Add, true },
        { "VolumeRestrictions", ResourceKind.PersistentVolumeClaim, ClusterEventAction.Update, false },
        { "VolumeRestrictions", ResourceKind.PersistentVolume, ClusterEventAction.Update, false },
        // nodevolumelimits/csi.go EventsToRegister: CSINode/Add (and Update), Pod/Delete, PersistentVolumeClaim/Add.
        { "NodeVolumeLimits", ResourceKind.CSINode, ClusterEventAction.Add, true },
        { "NodeVolumeLimits", ResourceKind.CSINode, ClusterEventAction.Update, true },
        { "NodeVolumeLimits", ResourceKind.Pod, ClusterEventAction.Delete, true },
        { "NodeVolumeLimits", ResourceKind.PersistentVolumeClaim, ClusterEventAction.Add, true },
        { "NodeVolumeLimits", ResourceKind.Pod, ClusterEventAction.Add, false },
        { "NodeVolumeLimits", ResourceKind.Node, ClusterEventAction.Add, false },
        { "NodeAffinity", ResourceKind.Node, ClusterEventAction.Add, true },
        { "NodeAffinity", ResourceKind.Node, ClusterEventAction.Delete, false },
        { "NodeAffinity", ResourceKind.StorageClass, ClusterEventAction.Add, false },
        { "NodeName", ResourceKind.Node, ClusterEventAction.Add, true },
        { "TaintToleration", ResourceKind.Node, ClusterEventAction.Update, true },
        { "NodeUnschedulable", ResourceKind.Node, ClusterEventAction.Update, true },
        { "InterPodAffinity", ResourceKind.Pod, ClusterEventAction.Delete, true },
        { "InterPodAffinity", ResourceKind.Pod, ClusterEventAction.Add, true },
        { "InterPodAffinity", ResourceKind.Node, ClusterEventAction.Update, true },
        { "InterPodAffinity", ResourceKind.PersistentVolume, ClusterEventAction.Add, false },
        { "PodTopologySpread", ResourceKind.Pod, ClusterEventAction.Update, true },
        { "PodTopologySpread", ResourceKind.Node, ClusterEventAction.Delete, true },
        { "PodTopologySpread", ResourceKind.StorageClass, ClusterEventAction.Add, false },
    };

    [Theory]
    [MemberData(nameof(RequeueCases))]
    public async Task Cluster_event_moves_the_pod_only_when_it_may_cure_the_rejection(string plugin, ResourceKind kind, ClusterEventAction action, bool moves)
    {
        _queue.Add(Pod("a"), 0);
        await _queue.PopAsync(default);
        _queue.MarkUnschedulable(Pod("a"), new HashSet<string> { plugin });

        Assert.Equal(moves ? 1 : 0, _queue.OnClusterEvent(new ClusterEvent(kind, action)));
        Assert.Equal(moves ? QueueState.Backoff : QueueState.Unschedulable, _queue.StateOf(Pod("a")));
    }

    [Fact]
    public async Task Gated_pod_waits_outside_the_active_queue_until_it_is_added_again()
    {
        _queue.Gate(Pod("gated"), 100);
        _queue.Add(Pod("plain"), 0);

        // Higher priority, yet never popped: only "plain" is active.
        Assert.Equal(Pod("plain"), (await _queue.PopAsync(default)).Pod);
        _queue.OnClusterEvent(new ClusterEvent(ResourceKind.Node, ClusterEventAction.Add));
        _time.Advance(TimeSpan.FromHours(1)); // the unschedulable flush does not touch it either
        Assert.Equal(QueueState.Gated, _queue.StateOf(Pod("gated")));
        Assert.Equal(new QueueDepths(Active: 0, Backoff: 0, Unschedulable: 0, InFlight: 1, Gated: 1), _queue.Depths());

        _queue.Add(Pod("gated"), 100); // the pod's update after its last gate was removed

        Assert.Equal(Pod("gated"), (await _queue.PopAsync(default)).Pod);
    }
}
