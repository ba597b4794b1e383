using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Extender;
using VolumeAwareScheduler.Kubernetes.Conversion;
using VolumeAwareScheduler.Tests.Standalone;
using VolumeAwareScheduler.Testing.Kubernetes;

namespace VolumeAwareScheduler.Tests.Extender;

/// <summary>
/// deploy/extender/rbac.yaml's ClusterRole for the extender grants exactly what `serve` uses: every request `serve` makes
/// against the emulator (informers, the binding of a pod on a local PV and of one on a provisioned volume, a bind the API
/// refuses, the event for a pod that cannot be read) is recorded by the emulator as (group, resource, verb), told apart
/// from the test's own calls by its bearer token, and compared with the role's rules both ways. The other roles in the
/// file are kube-scheduler's and are not the extender's to use.
/// </summary>
public sealed class ExtenderRbacTests
{
    private const string Role = "volume-aware-scheduler:extender";
    private const string Token = "extender-token";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Extender_role_covers_every_api_call_of_serve_and_nothing_more()
    {
        var granted = GrantedByRole(Path.Combine(StandaloneRbacTests.RepositoryRoot(), "deploy", "extender", "rbac.yaml"), Role);
        var used = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        await using var emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions
        {
            RequestObserver = r => { if (r.Authorization == "Bearer " + Token) used.TryAdd($"{r.Group}/{r.Resource}:{r.Verb}", 0); },
        });
        using var admin = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        await admin.CoreV1.CreateNodeAsync(Objects.Node("node-1"));
        await admin.StorageV1.CreateStorageClassAsync(Objects.LocalClass());
        await admin.StorageV1.CreateStorageClassAsync(new V1StorageClass { Metadata = new V1ObjectMeta { Name = "dynamic" }, Provisioner = "csi.example.com", VolumeBindingMode = "WaitForFirstConsumer" });
        await admin.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-1", "node-1"));
        await admin.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-2", "node-1"));
        await admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("static"), "default");
        await admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("provisioned", storageClass: "dynamic"), "default");
        await admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("refused"), "default");
        var a = await admin.CoreV1.CreateNamespacedPodAsync(Objects.Pod("a", "static"), "default");
        var b = await admin.CoreV1.CreateNamespacedPodAsync(Objects.Pod("b", "provisioned"), "default");
        var c = await admin.CoreV1.CreateNamespacedPodAsync(Objects.Pod("c", "refused"), "default");
        var bad = Objects.Pod("bad", claim: null);
        bad.Spec.Containers[0].Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new WireQuantity("1e1000000000") } };
        bad = await admin.CoreV1.CreateNamespacedPodAsync(bad, "default");

        var kubeconfig = Path.Combine(Path.GetTempPath(), $"vas-extender-rbac-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: emulator
              cluster: {"{"}server: "{emulator.BaseAddress}"{"}"}
            users:
            - name: extender
              user: {"{"}token: {Token}{"}"}
            contexts:
            - name: extender
              context: {"{"}cluster: emulator, user: extender{"}"}
            current-context: extender
            """);
        try
        {
            await using var host = await ExtenderTestHost.StartAsync(new ServeOptions { Kubeconfig = kubeconfig });
            await host.Source.Ready.WaitAsync(Patience);
            foreach (var pod in new[] { a, b, c })
            {
                Assert.Equal(200, (await host.PostAsync("/scheduler/filter", ExtenderBehaviourTests.NamesArgs(KubernetesJson.Serialize(pod), "node-1"))).Status);
                Assert.Equal(200, (await host.PostAsync("/scheduler/prioritize", ExtenderBehaviourTests.NamesArgs(KubernetesJson.Serialize(pod), "node-1"))).Status);
            }
            foreach (var pod in new[] { a, b })
            {
                var bind = await host.PostAsync("/scheduler/bind", $$"""{"PodName":"{{pod.Name()}}","PodNamespace":"default","PodUID":"{{pod.Metadata.Uid}}","Node":"node-1"}""");
                Assert.Equal((200, """{"Error":""}"""), bind);
            }
            // A bind the API refuses (a stale PV: 409) is reported to kube-scheduler, which retries.
            emulator.Faults.InjectConflicts("persistentvolumes", 1);
            var refused = await host.PostAsync("/scheduler/bind", $$"""{"PodName":"c","PodNamespace":"default","PodUID":"{{c.Metadata.Uid}}","Node":"node-1"}""");
            Assert.NotEqual("""{"Error":""}""", refused.Body);
            Assert.Equal(400, (await host.PostAsync("/scheduler/filter", ExtenderBehaviourTests.NamesArgs(KubernetesJson.Serialize(bad), "node-1"))).Status);
            await host.App.Services.GetRequiredService<UnusablePodEvents>().WhenWrittenAsync().WaitAsync(Patience);
            using var wait = new CancellationTokenSource(Patience);
            foreach (var pod in new[] { "a", "b" }) await emulator.WaitForAsync("pods", "default", pod, p => p["spec"]?["nodeName"] is not null, wait.Token);
        }
        finally
        {
            File.Delete(kubeconfig);
        }

        Assert.Contains("/pods/binding:create", used.Keys); // the recording saw the extender's writes
        var missing = used.Keys.Except(granted).Order(StringComparer.Ordinal).ToList();
        var unused = granted.Except(used.Keys).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "missing grants: " + string.Join(", ", missing));
        Assert.True(unused.Count == 0, "unused grants: " + string.Join(", ", unused));
    }

    /// <summary>"group/resource:verb" for every rule of the named ClusterRole or Role in the manifest.</summary>
    private static HashSet<string> GrantedByRole(string path, string name)
    {
        var granted = StandaloneRbacTests.Granted(KubernetesYaml.LoadAllFromString(File.ReadAllText(path)).SelectMany(obj => obj switch
        {
            V1ClusterRole role when role.Name() == name => role.Rules,
            V1Role role when role.Name() == name => role.Rules,
            _ => [],
        }));
        Assert.NotEmpty(granted);
        return granted;
    }
}
