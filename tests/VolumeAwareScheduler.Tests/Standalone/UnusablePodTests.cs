using k8s;
using k8s.Models;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Kubernetes.Conversion;
using VolumeAwareScheduler.Standalone;
using VolumeAwareScheduler.Testing.Kubernetes;

namespace VolumeAwareScheduler.Tests.Standalone;

/// <summary>
/// `run` with a pod whose quantity it cannot use: only that pod is marked unschedulable, with the field in an Event and
/// its PodScheduled condition; the next pod is scheduled as usual. The informer-fed cache reads the quantity as text.
/// </summary>
public sealed class UnusablePodTests
{
    public static TheoryData<string, string> Quantities() => new()
    {
        { "1e1000000000", "spec.containers[0].resources.requests.cpu \"1e1000000000\" is out of range" },
        { "-1e+308", "spec.containers[0].resources.requests.cpu \"-1e+308\" must be greater than or equal to 0" },
    };

    [Theory]
    [MemberData(nameof(Quantities))]
    public async Task Only_the_pod_with_the_bad_quantity_is_unschedulable_and_its_event_names_the_field(string cpu, string expected)
    {
        await using var cluster = await StandaloneTestCluster.StartAsync(StandaloneTestCluster.EventsOnly, Objects.Node("node-1"));
        var bad = Objects.Pod("bad", claim: null);
        bad.Spec.Containers[0].Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new WireQuantity(cpu) } };
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(bad, "default");

        var unschedulable = await cluster.NextAsync<PodUnschedulable>(new ObjectKey("default", "bad"));
        Assert.StartsWith("Pod cannot be used: " + expected, unschedulable.Message, StringComparison.Ordinal);

        await cluster.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("good", claim: null), "default");
        var bound = await cluster.NextAsync<PodBound>(new ObjectKey("default", "good"));
        Assert.Equal("node-1", bound.Node);

        var failed = await EventAsync(cluster.Client, "bad", "FailedScheduling");
        Assert.Equal("Warning", failed.Type);
        Assert.StartsWith("Pod cannot be used: " + expected, failed.Message, StringComparison.Ordinal);
        using var wait = new CancellationTokenSource(StandaloneTestCluster.Patience);
        var pod = await cluster.Emulator.WaitForAsync("pods", "default", "bad",
            p => p["status"]?["conditions"]?.AsArray().Any(c => (string?)c?["type"] == "PodScheduled" && (string?)c?["reason"] == "Unschedulable") == true, wait.Token);
        Assert.Null(pod["spec"]?["nodeName"]);
    }

    /// <summary>The first event of that reason about the pod, by watch (existing ones arrive first).</summary>
    internal static async Task<Corev1Event> EventAsync(IKubernetes client, string pod, string reason)
    {
        using var deadline = new CancellationTokenSource(StandaloneTestCluster.Patience);
        await foreach (var (type, item) in client.CoreV1.WatchListNamespacedEventAsync(
            "default", fieldSelector: $"involvedObject.name={pod},reason={reason}", onError: null, cancellationToken: deadline.Token))
        {
            if (type == WatchEventType.Added) return item;
        }
        throw new TimeoutException($"no {reason} event for {pod}");
    }
}
