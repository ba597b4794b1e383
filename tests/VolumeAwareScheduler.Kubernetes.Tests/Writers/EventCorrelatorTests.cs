using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Kubernetes.Writers;

namespace VolumeAwareScheduler.Kubernetes.Tests.Writers;

/// <summary>
/// Mirrors client-go tools/record/events_cache_test.go TestEventCorrelator (case names and expected counts), then the
/// same correlation through <see cref="ApiWriter"/> against the emulator.
/// </summary>
public sealed class EventCorrelatorTests
{
    private static readonly V1ObjectReference MyPod = new() { Kind = "Pod", Name = "my-pod", NamespaceProperty = "my-ns", Uid = "my-pod-uid", ApiVersion = "v1" };

    public enum Expect { Created, Skipped }

    public static TheoryData<string, Corev1Event[], Corev1Event, int, Expect, string, int> Cases()
    {
        var first = Make("first", "i am first");
        var duplicate = Make("duplicate", "me again");
        var unique = Make("unique", "snowflake");
        var similar = Make("similar", "similar message", "spec.containers{container1}");
        var otherContainer = Make("similar", "similar message", "spec.containers{container2}");
        var aggregate = EventCorrelator.AggregatePrefix + similar.Message;
        return new()
        {
            { "create-a-single-event", [], first, 5, Expect.Created, first.Message, 1 },
            { "the-same-event-should-just-count", Repeat(1, duplicate), duplicate, 5, Expect.Created, duplicate.Message, 2 },
            { "the-same-event-should-just-count-even-if-more-than-aggregate", Repeat(EventCorrelator.AggregateMaxEvents, duplicate), duplicate, 30, Expect.Created, duplicate.Message, EventCorrelator.AggregateMaxEvents + 1 },
            { "the-same-event-is-spam-if-happens-too-frequently", Repeat(EventCorrelator.SpamBurst + 1, duplicate), duplicate, 1, Expect.Skipped, "", 0 },
            { "create-many-unique-events", Unique(30), unique, 5, Expect.Created, unique.Message, 1 },
            { "similar-events-should-aggregate-event", Similar(EventCorrelator.AggregateMaxEvents - 1, similar), similar, 5, Expect.Created, aggregate, 1 },
            { "similar-events-many-times-should-count-the-aggregate", Similar(EventCorrelator.AggregateMaxEvents, similar), similar, 5, Expect.Created, aggregate, 2 },
            { "events-from-different-containers-do-not-aggregate", Repeat(1, otherContainer), similar, 5, Expect.Created, similar.Message, 1 },
            // Upstream's interval clock moves on every reading, so its 600 s steps are more than 600 s apart between two
            // events; one second more gives the same "greater than the aggregate interval".
            { "similar-events-whose-interval-is-greater-than-aggregate-interval-do-not-aggregate", Similar(EventCorrelator.AggregateMaxEvents - 1, similar), similar, 601, Expect.Created, similar.Message, 1 },
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Correlates_as_client_go(string name, Corev1Event[] previous, Corev1Event next, int intervalSeconds, Expect expect, string message, int count)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero));
        var correlator = new EventCorrelator(clock);
        var stored = 0;
        Corev1Event[] all = [.. previous, next];
        for (var i = 0; i < all.Length; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(intervalSeconds));
            var result = correlator.Correlate(all[i]);
            if (i == previous.Length)
            {
                Assert.Equal(expect == Expect.Skipped, result.Skip);
                if (expect == Expect.Created)
                {
                    Assert.Equal(message, result.Event.Message);
                    Assert.Equal(count, result.Event.Count);
                    Assert.Equal(count > 1, result.ExistingName is not null);
                }
                continue;
            }
            if (result.Skip) continue;
            // The server's copy: the name it generated, or the stored event patched.
            var copy = new Corev1Event { Metadata = new V1ObjectMeta { Name = result.ExistingName ?? $"{name}-{stored++}" }, Count = result.Event.Count, FirstTimestamp = result.Event.FirstTimestamp };
            correlator.Recorded(result.Key, copy);
        }
        Assert.NotNull(name);
    }

    [Fact]
    public async Task A_repeated_FailedScheduling_raises_the_stored_events_count_and_a_deleted_one_is_created_again_with_its_count()
    {
        await using var emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions());
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero));
        var writer = new ApiWriter(client, new ClusterCache(), clock);
        var pod = new ObjectKey("default", "web-0");
        const string Message = "0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind.";

        for (var i = 0; i < 3; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(10));
            await writer.RecordEventAsync(pod, "uid-1", "Warning", "FailedScheduling", Message, "volume-aware-scheduler", CancellationToken.None);
        }
        var events = (await client.CoreV1.ListNamespacedEventAsync("default")).Items;
        var only = Assert.Single(events);
        Assert.Equal(3, only.Count);
        Assert.Equal(Message, only.Message);
        Assert.Equal(only.FirstTimestamp!.Value.AddSeconds(20), only.LastTimestamp);

        await writer.RecordEventAsync(pod, "uid-1", "Normal", "Scheduled", "Successfully assigned default/web-0 to node-1", "volume-aware-scheduler", CancellationToken.None);
        Assert.Equal(2, (await client.CoreV1.ListNamespacedEventAsync("default")).Items.Count);

        await client.CoreV1.DeleteNamespacedEventAsync(only.Metadata.Name, "default");
        await writer.RecordEventAsync(pod, "uid-1", "Warning", "FailedScheduling", Message, "volume-aware-scheduler", CancellationToken.None);
        var again = Assert.Single((await client.CoreV1.ListNamespacedEventAsync("default")).Items, e => e.Reason == "FailedScheduling");
        Assert.Equal(only.Metadata.Name, again.Metadata.Name);
        Assert.Equal(4, again.Count);
    }

    private static Corev1Event Make(string reason, string message, string? fieldPath = null) => new()
    {
        Metadata = new V1ObjectMeta { GenerateName = "my-pod.", NamespaceProperty = "my-ns" },
        InvolvedObject = new V1ObjectReference { Kind = MyPod.Kind, Name = MyPod.Name, NamespaceProperty = MyPod.NamespaceProperty, Uid = MyPod.Uid, ApiVersion = MyPod.ApiVersion, FieldPath = fieldPath },
        Type = "Normal",
        Reason = reason,
        Message = message,
        Source = new V1EventSource { Component = "eventTest" },
        Count = 1,
    };

    /// <summary>makeUniqueEvents: each about a pod of its own, with a reason and message of its own.</summary>
    private static Corev1Event[] Unique(int count) => [.. Enumerable.Range(0, count).Select(i =>
    {
        var evt = Make($"reason-{i}", $"message-{i}");
        evt.InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = $"pod-{i}", NamespaceProperty = $"ns-{i}", Uid = MyPod.Uid, ApiVersion = MyPod.ApiVersion };
        return evt;
    })];

    private static Corev1Event[] Repeat(int count, Corev1Event evt) => [.. Enumerable.Repeat(evt, count)];

    /// <summary>makeSimilarEvents: the same event with the message numbered, so each differs only in its message.</summary>
    private static Corev1Event[] Similar(int count, Corev1Event evt) => [.. Enumerable.Range(0, count).Select(i =>
        Make(evt.Reason, evt.Message + i, evt.InvolvedObject.FieldPath))];
}
