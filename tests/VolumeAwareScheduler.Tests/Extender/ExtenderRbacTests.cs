using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Extender;
using VolumeAwareScheduler.Kubernetes.Conversion;
using VolumeAwareScheduler.Testing.Kubernetes;
using VolumeAwareScheduler.Tests.Standalone;

namespace VolumeAwareScheduler.Tests.Extender;

/// <summary>
/// deploy/extender/rbac.yaml's extender role grants what `serve` uses against a live cluster: the emulator audits every
/// request the extender makes while kube-scheduler would call it (filter and bind a pod with a static PV, one with a
/// provisioned volume, a pod it cannot use), and each is compared with the role's rules, both ways.
/// </summary>
public sealed class ExtenderRbacTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_extender_role_covers_every_api_call_of_serve_and_nothing_more()
    {
        var granted = ExtenderRole(Path.Combine(StandaloneRbacTests.RepositoryRoot(), "deploy", "extender", "rbac.yaml"));
        var calls = new ConcurrentQueue<ApiAuditRecord>();
        var recording = false;
        await using var emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions
        {
            Audit = record => { if (Volatile.Read(ref recording)) calls.Enqueue(record); },
        });
        using var admin = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        await admin.CoreV1.CreateNodeAsync(Objects.Node("node-1"));
        await admin.StorageV1.CreateStorageClassAsync(Objects.LocalClass());
        await admin.StorageV1.CreateStorageClassAsync(new V1StorageClass { Metadata = new V1ObjectMeta { Name = "dynamic" }, Provisioner = "csi.example.com", VolumeBindingMode = "WaitForFirstConsumer" });
        await admin.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-1", "node-1"));
        await admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("static"), "default");
        await admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("provisioned", storageClass: "dynamic"), "default");
        var pods = new List<V1Pod>();
        foreach (var (name, claim) in new[] { ("a", "static"), ("b", "provisioned") }) pods.Add(await admin.CoreV1.CreateNamespacedPodAsync(Objects.Pod(name, claim), "default"));
        var bad = Objects.Pod("bad", claim: null);
        bad.Spec.Containers[0].Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new WireQuantity("1e1000000000") } };
        bad = await admin.CoreV1.CreateNamespacedPodAsync(bad, "default");

        Volatile.Write(ref recording, true);
        await using (var host = await ExtenderTestHost.StartAsync(new ServeOptions { Server = emulator.BaseAddress.ToString() }))
        {
            await host.Source.Ready.WaitAsync(Patience);
            foreach (var pod in pods)
            {
                var (status, reply) = await host.PostAsync("/scheduler/filter", ExtenderBehaviourTests.NamesArgs(KubernetesJson.Serialize(pod), "node-1")).WaitAsync(Patience);
                Assert.Equal(200, status);
                Assert.Contains("\"NodeNames\":[\"node-1\"]", reply, StringComparison.Ordinal);
                var bind = await host.PostAsync("/scheduler/bind", $$"""{"PodName":"{{pod.Metadata.Name}}","PodNamespace":"default","PodUID":"{{pod.Metadata.Uid}}","Node":"node-1"}""").WaitAsync(Patience);
                Assert.Equal((200, """{"Error":""}"""), bind);
                using var wait = new CancellationTokenSource(Patience);
                await emulator.WaitForAsync("pods", "default", pod.Metadata.Name, p => p["spec"]?["nodeName"]?.GetValue<string>() == "node-1", wait.Token);
            }
            var (badStatus, _) = await host.PostAsync("/scheduler/filter", ExtenderBehaviourTests.NamesArgs(KubernetesJson.Serialize(bad), "node-1")).WaitAsync(Patience);
            Assert.Equal(400, badStatus);
            await host.App.Services.GetRequiredService<UnusablePodEvents>().WhenWrittenAsync().WaitAsync(Patience);
        }
        Volatile.Write(ref recording, false);

        var used = calls.Select(c => c.Rule).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("/pods/binding:create", used); // the recording saw the extender's writes
        Assert.Empty(used.Except(granted).Select(c => $"missing grant: {c}"));
        Assert.Empty(granted.Except(used).Select(c => $"unused grant: {c}"));
    }

    /// <summary>The rules of the ClusterRole volume-aware-scheduler:extender, as "group/resource:verb".</summary>
    private static HashSet<string> ExtenderRole(string path) => StandaloneRbacTests.Granted(
        KubernetesYaml.LoadAllFromString(File.ReadAllText(path)).OfType<V1ClusterRole>().Single(r => r.Metadata.Name == "volume-aware-scheduler:extender").Rules);
}
