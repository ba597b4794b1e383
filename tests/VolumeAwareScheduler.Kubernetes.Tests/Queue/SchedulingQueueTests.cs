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

        Assert.Equal(Pod("high"), await _queue.PopAsync(default));
        Assert.Equal(Pod("low-1"), await _queue.PopAsync(default));
        Assert.Equal(Pod("low-2"), await _queue.PopAsync(default));
    }

    [Fact]
    public async Task Pop_waits_until_a_pod_arrives()
    {
        var pop = _queue.PopAsync(default);
        Assert.False(pop.IsCompleted);

        _queue.Add(Pod("a"), 0);

        Assert.Equal(Pod("a"), await pop.WaitAsync(TimeSpan.FromSeconds(5)));
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
        Assert.Equal(Pod("a"), await _queue.PopAsync(default).WaitAsync(TimeSpan.FromSeconds(5)));
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
}
