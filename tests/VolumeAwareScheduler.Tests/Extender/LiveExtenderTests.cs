using VolumeAwareScheduler.Testing.Kubernetes;
using k8s;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Hosting;

namespace VolumeAwareScheduler.Tests.Extender;

/// <summary>serve in live mode: state from the API server (the emulator) through the informers; bind writes to it.</summary>
public sealed class LiveExtenderTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Filter_and_bind_against_the_api_server()
    {
        await using var emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions());
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        await client.CoreV1.CreateNodeAsync(Objects.Node("node-1"));
        await client.CoreV1.CreateNodeAsync(Objects.Node("node-2", "zone-b"));
        await client.StorageV1.CreateStorageClassAsync(Objects.LocalClass());
        await client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-small", "node-1", "10Gi"));
        await client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-large", "node-2", "20Gi"));
        await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("data", "15Gi"), "default");
        var pod = await client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("app", "data", schedulerName: "volume-aware-scheduler"), "default");

        await using var host = await ExtenderTestHost.StartAsync(new ServeOptions { Server = emulator.BaseAddress.ToString() });
        var live = host.Source;
        await live.Ready.WaitAsync(Patience);
        Assert.Equal(200, (await host.GetAsync("/readyz")).Status);

        var podJson = KubernetesJson.Serialize(pod);
        var (status, body) = await host.PostAsync("/scheduler/filter", $$"""{"Pod":{{podJson}},"Nodes":null,"NodeNames":["node-1","node-2"]}""");
        Assert.Equal(200, status);
        Assert.Equal("""{"Nodes":null,"NodeNames":["node-2"],"FailedNodes":{},"FailedAndUnresolvableNodes":{"node-1":"node(s) didn't find available persistent volumes to bind"},"Error":""}""", body);

        (status, body) = await host.PostAsync("/scheduler/bind", $$"""{"PodName":"app","PodNamespace":"default","PodUID":"{{pod.Metadata.Uid}}","Node":"node-2"}""");
        Assert.Equal((200, """{"Error":""}"""), (status, body));

        using var wait = new CancellationTokenSource(Patience);
        await emulator.WaitForAsync("pods", "default", "app", p => p["spec"]?["nodeName"]?.GetValue<string>() == "node-2", wait.Token);
        var claim = await emulator.WaitForAsync("persistentvolumeclaims", "default", "data", c => c["spec"]?["volumeName"] is not null, wait.Token);
        Assert.Equal("pv-large", claim["spec"]!["volumeName"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_failed_volume_write_answers_the_writers_message_and_unreserves_so_a_retry_binds()
    {
        await using var emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions());
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        await client.CoreV1.CreateNodeAsync(Objects.Node("node-1"));
        await client.StorageV1.CreateStorageClassAsync(Objects.LocalClass());
        await client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-1", "node-1", "10Gi"));
        await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("data", "5Gi"), "default");
        var pod = await client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("app", "data", schedulerName: "volume-aware-scheduler"), "default");

        await using var host = await ExtenderTestHost.StartAsync(new ServeOptions { Server = emulator.BaseAddress.ToString() });
        await host.Source.Ready.WaitAsync(Patience);
        var podJson = KubernetesJson.Serialize(pod);
        var (status, _) = await host.PostAsync("/scheduler/filter", $$"""{"Pod":{{podJson}},"Nodes":null,"NodeNames":["node-1"]}""");
        Assert.Equal(200, status);
        emulator.Faults.InjectConflicts("persistentvolumes", 1); // VolumeBinding's PreBind: 409 on the claimRef update

        var bind = $$"""{"PodName":"app","PodNamespace":"default","PodUID":"{{pod.Metadata.Uid}}","Node":"node-1"}""";
        (status, var body) = await host.PostAsync("/scheduler/bind", bind);
        Assert.Equal(200, status);
        Assert.StartsWith("""{"Error":"binding pod default/app to node \"node-1\" failed: conflict on update persistentvolumes""", body, StringComparison.Ordinal);

        // Unreserve gave pv-1 back: the retry kube-scheduler makes binds the pod with it.
        (status, body) = await host.PostAsync("/scheduler/bind", bind);
        Assert.Equal((200, """{"Error":""}"""), (status, body));
        using var wait = new CancellationTokenSource(Patience);
        var claim = await emulator.WaitForAsync("persistentvolumeclaims", "default", "data", c => c["spec"]?["volumeName"] is not null, wait.Token);
        Assert.Equal("pv-1", claim["spec"]!["volumeName"]!.GetValue<string>());
    }
}
