using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Extender;
using VolumeAwareScheduler.Hosting;
using VolumeAwareScheduler.Kubernetes.Conversion;
using VolumeAwareScheduler.Testing.Kubernetes;
using VolumeAwareScheduler.Tests.Standalone;

namespace VolumeAwareScheduler.Tests.Extender;

/// <summary>
/// serve in live mode with a pod it cannot use: filter answers 400 (kube-scheduler then fails that pod's cycle and
/// retries it), the extender writes an Event naming the field, once, and the next pod is filtered and bound as usual.
/// </summary>
public sealed class LiveUnusablePodTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_pod_with_the_bad_quantity_gets_an_event_naming_the_field_and_the_good_one_is_bound()
    {
        await using var emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions());
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        await client.CoreV1.CreateNodeAsync(Objects.Node("node-1"));
        var bad = Objects.Pod("bad", claim: null);
        bad.Spec.Containers[0].Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new WireQuantity("1e1000000000") } };
        bad = await client.CoreV1.CreateNamespacedPodAsync(bad, "default");
        var good = await client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("good", claim: null), "default");

        await using var host = await ExtenderTestHost.StartAsync(new ServeOptions { Server = emulator.BaseAddress.ToString() });
        await host.Source.Ready.WaitAsync(Patience);

        // kube-scheduler sends the pod it has (quantities as the API server wrote them), and retries after the 400.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var (status, reply) = await host.PostAsync("/scheduler/filter", ExtenderBehaviourTests.NamesArgs(KubernetesJson.Serialize(bad), "node-1")).WaitAsync(Patience);
            Assert.Equal(400, status);
            Assert.Contains("spec.containers[0].resources.requests.cpu \\\"1e1000000000\\\" is out of range", reply, StringComparison.Ordinal);
        }

        var (goodStatus, goodReply) = await host.PostAsync("/scheduler/filter", ExtenderBehaviourTests.NamesArgs(KubernetesJson.Serialize(good), "node-1"));
        Assert.Equal(200, goodStatus);
        Assert.Contains("\"NodeNames\":[\"node-1\"]", goodReply, StringComparison.Ordinal);
        var bind = await host.PostAsync("/scheduler/bind", $$"""{"PodName":"good","PodNamespace":"default","PodUID":"{{good.Metadata.Uid}}","Node":"node-1"}""");
        Assert.Equal((200, """{"Error":""}"""), bind);
        using var wait = new CancellationTokenSource(Patience);
        await emulator.WaitForAsync("pods", "default", "good", p => p["spec"]?["nodeName"]?.GetValue<string>() == "node-1", wait.Token);

        var failed = await UnusablePodTests.EventAsync(client, "bad", "FailedScheduling");
        Assert.Equal("Warning", failed.Type);
        Assert.Equal(bad.Metadata.Uid, failed.InvolvedObject.Uid);
        Assert.StartsWith("Pod cannot be used: spec.containers[0].resources.requests.cpu \"1e1000000000\" is out of range", failed.Message, StringComparison.Ordinal);
        await host.App.Services.GetRequiredService<UnusablePodEvents>().WhenWrittenAsync().WaitAsync(Patience);
        var events = await client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=bad");
        Assert.Single(events.Items); // three 400s, one event
    }
}
