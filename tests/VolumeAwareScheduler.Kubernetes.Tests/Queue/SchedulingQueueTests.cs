using Microsoft.Extensions.Time.Testing;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Kubernetes.Queue;

namespace VolumeAwareScheduler.Kubernetes.Tests.Queue;

/// <summary>The queue on fake time: ordering, backoff, requeue on curing events, the periodic flush.</summary>
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
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(4, 8)]
    [InlineData(5, 10)]
    [InlineData(9, 10)]
    public void Backoff_doubles_from_one_second_up_to_ten(int attempts, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), _queue.BackoffFor(attempts));

    [Fact]
    public async Task Curing_event_moves_an_unschedulable_pod_back_after_its_backoff()
    {
        _queue.Add(Pod("a"), 0);
        await _queue.PopAsync(default);
        _queue.MarkUnschedulable(Pod("a"), VolumeRejection);

        Assert.Equal(0, _queue.OnClusterEvent(new ClusterEvent("ConfigMap", ClusterEventAction.Add)));
        Assert.Equal(QueueState.Unschedulable, _queue.StateOf(Pod("a")));

        Assert.Equal(1, _queue.OnClusterEvent(new ClusterEvent("PersistentVolume", ClusterEventAction.Add)));
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

        Assert.Equal(0, _queue.OnClusterEvent(new ClusterEvent("PersistentVolume", ClusterEventAction.Add)));
        Assert.Equal(1, _queue.OnClusterEvent(new ClusterEvent("Node", ClusterEventAction.Update)));
    }

    [Fact]
    public async Task An_event_during_the_cycle_is_not_lost()
    {
        _queue.Add(Pod("a"), 0);
        await _queue.PopAsync(default);
        _queue.OnClusterEvent(new ClusterEvent("PersistentVolume", ClusterEventAction.Add)); // while in flight

        _queue.MarkUnschedulable(Pod("a"), VolumeRejection);

        Assert.NotEqual(QueueState.Unschedulable, _queue.StateOf(Pod("a")));
    }

    [Fact]
    public async Task Unschedulable_pods_are_flushed_back_without_any_event()
    {
        _queue.Add(Pod("a"), 0);
        await _queue.PopAsync(default);
        _queue.MarkUnschedulable(Pod("a"), VolumeRejection);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(QueueState.Unschedulable, _queue.StateOf(Pod("a")));
        _time.Advance(TimeSpan.FromSeconds(16));
        Assert.Equal(QueueState.Active, _queue.StateOf(Pod("a")));
    }

    [Fact]
    public async Task Retry_waits_out_the_backoff_of_the_attempt_count()
    {
        _queue.Add(Pod("a"), 0);
        await _queue.PopAsync(default);
        _queue.Retry(Pod("a"));
        _time.Advance(TimeSpan.FromSeconds(1));
        await _queue.PopAsync(default).WaitAsync(TimeSpan.FromSeconds(5));

        _queue.Retry(Pod("a")); // second attempt: 2 s
        _time.Advance(TimeSpan.FromSeconds(1));
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

        _queue.OnClusterEvent(new ClusterEvent("PersistentVolume", ClusterEventAction.Add));
        var popped = await _queue.PopAsync(default).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(new CuringEvent(new ClusterEvent("PersistentVolume", ClusterEventAction.Add), eventAt), popped.Cure);
    }

    [Fact]
    public async Task A_pod_returned_by_the_flush_has_no_curing_event()
    {
        _queue.Add(Pod("a"), 0);
        await _queue.PopAsync(default);
        _queue.MarkUnschedulable(Pod("a"), VolumeRejection);

        _time.Advance(TimeSpan.FromSeconds(45));

        Assert.Null((await _queue.PopAsync(default).WaitAsync(TimeSpan.FromSeconds(5))).Cure);
    }

    [Fact]
    public async Task An_event_during_the_cycle_that_cannot_cure_the_rejection_leaves_the_pod_parked()
    {
        _queue.Add(Pod("a"), 0);
        await _queue.PopAsync(default);
        _queue.OnClusterEvent(new ClusterEvent("PersistentVolume", ClusterEventAction.Add)); // while in flight

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
    public async Task Backoff_ends_in_order_of_each_pods_deadline()
    {
        _queue.Add(Pod("a"), 0);
        _queue.Add(Pod("b"), 0);
        await _queue.PopAsync(default);
        _queue.Retry(Pod("a"));
        _time.Advance(TimeSpan.FromMilliseconds(500));
        await _queue.PopAsync(default);
        _queue.Retry(Pod("b"));

        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal((QueueState.Active, QueueState.Backoff), (_queue.StateOf(Pod("a")), _queue.StateOf(Pod("b"))));
        _time.Advance(TimeSpan.FromMilliseconds(500));
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
        _queue.OnClusterEvent(new ClusterEvent("PersistentVolume", ClusterEventAction.Add));

        Assert.Equal(new QueueDepths(Active: 1, Backoff: 2, Unschedulable: 1, InFlight: 1), _queue.Depths());
    }

    /// <summary>Rejecting plugin, the cluster event, whether it moves the pod (RequeueHints, through the queue).</summary>
    public static TheoryData<string, string, ClusterEventAction, bool> RequeueCases => new()
    {
        { "VolumeBinding", "PersistentVolume", ClusterEventAction.Add, true },
        { "VolumeBinding", "PersistentVolumeClaim", ClusterEventAction.Update, true },
        { "VolumeBinding", "StorageClass", ClusterEventAction.Add, true },
        { "VolumeBinding", "Node", ClusterEventAction.Add, true },
        { "VolumeBinding", "CSINode", ClusterEventAction.Add, true },
        { "VolumeBinding", "CSIDriver", ClusterEventAction.Update, true },
        { "VolumeBinding", "CSIStorageCapacity", ClusterEventAction.Add, true },
        { "VolumeBinding", "CSIStorageCapacity", ClusterEventAction.Update, true },
        { "VolumeBinding", "PersistentVolume", ClusterEventAction.Delete, false },
        { "VolumeBinding", "Pod", ClusterEventAction.Delete, false },
        { "NodeResourcesFit", "Pod", ClusterEventAction.Delete, true },
        { "NodeResourcesFit", "Node", ClusterEventAction.Add, true },
        { "NodeResourcesFit", "PersistentVolume", ClusterEventAction.Add, false },
        { "VolumeRestrictions", "Pod", ClusterEventAction.Delete, true },
        { "VolumeRestrictions", "Node", ClusterEventAction.Add, false },
        { "NodeAffinity", "Node", ClusterEventAction.Add, true },
        { "NodeAffinity", "Node", ClusterEventAction.Delete, false },
        { "NodeAffinity", "StorageClass", ClusterEventAction.Add, false },
        { "NodeName", "Node", ClusterEventAction.Add, true },
        { "TaintToleration", "Node", ClusterEventAction.Update, true },
        { "NodeUnschedulable", "Node", ClusterEventAction.Update, true },
        { "InterPodAffinity", "Pod", ClusterEventAction.Delete, true },
        { "InterPodAffinity", "Pod", ClusterEventAction.Add, true },
        { "InterPodAffinity", "Node", ClusterEventAction.Update, true },
        { "InterPodAffinity", "PersistentVolume", ClusterEventAction.Add, false },
        { "PodTopologySpread", "Pod", ClusterEventAction.Update, true },
        { "PodTopologySpread", "Node", ClusterEventAction.Delete, true },
        { "PodTopologySpread", "StorageClass", ClusterEventAction.Add, false },
    };

    [Theory]
    [MemberData(nameof(RequeueCases))]
    public async Task Cluster_event_moves_the_pod_only_when_it_may_cure_the_rejection(string plugin, string kind, ClusterEventAction action, bool moves)
    {
        _queue.Add(Pod("a"), 0);
        await _queue.PopAsync(default);
        _queue.MarkUnschedulable(Pod("a"), new HashSet<string> { plugin });

        Assert.Equal(moves ? 1 : 0, _queue.OnClusterEvent(new ClusterEvent(kind, action)));
        Assert.Equal(moves ? QueueState.Backoff : QueueState.Unschedulable, _queue.StateOf(Pod("a")));
    }
}
