using k8s;
using k8s.Models;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;
using VolumeAwareScheduler.Core.State;
using VolumeAwareScheduler.Kubernetes.Cache;
using VolumeAwareScheduler.Kubernetes.Writers;
using VolumeAwareScheduler.Testing.Kubernetes;

namespace VolumeAwareScheduler.Kubernetes.Tests.Writers;

/// <summary>
/// Ported from pkg/scheduler/framework/plugins/defaultbinder/default_binder_test.go TestDefaultBinder (Kubernetes
/// v1.37), through the API writer against the emulator instead of a fake clientset: "successful" binds pod ns/foo to
/// foohost.kubernetes.mydomain.com (the Binding names the pod and the node); "binding error" (the API refuses the
/// Binding) is an Error and the pod stays unbound. Upstream's stored test also expects the node's UID in the Binding's
/// target, which the stored default_binder.go does not set; we follow default_binder.go.
/// </summary>
public sealed class DefaultBinderTests : EmulatorTest
{
    private const string TestNode = "foohost.kubernetes.mydomain.com";

    public static TheoryData<string, bool> Cases => new()
    {
        { "successful", false },
        { "binding error", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task DefaultBinder_creates_the_pods_binding_and_answers_an_api_failure_with_an_error(string name, bool injectErr)
    {
        Assert.False(string.IsNullOrEmpty(name));
        await Client.CoreV1.CreateNodeAsync(Objects.Node(TestNode));
        var created = await Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("foo", claim: null, ns: "ns"), "ns");
        if (injectErr) Emulator.Faults.FailNext("create", "pods/binding", 500);
        await using var cluster = new LiveCluster(Client, TimeProvider.System);
        var framework = new SchedulingFramework(Profiles.Default(), new ApiWriter(Client, cluster.Cache, TimeProvider.System));
        var cycle = new CycleState(new ClusterState(new LinearVolumeIndex()), []) { Framework = framework };
        var binder = framework.Profile.Get<IBindPlugin>(DefaultBinder.PluginName)!;

        var status = await binder.BindAsync(cycle, new PodInfo { Key = new ObjectKey("ns", "foo"), Uid = created.Uid() }, TestNode, CancellationToken.None);

        Assert.Equal(injectErr ? StatusCode.Error : StatusCode.Success, status.Code);
        var pod = await Client.CoreV1.ReadNamespacedPodAsync("foo", "ns");
        Assert.Equal(injectErr ? null : TestNode, pod.Spec.NodeName);
    }

    [Fact]
    public async Task The_binding_carries_the_pods_uid_so_a_recreated_pod_of_the_same_name_is_not_bound()
    {
        await Client.CoreV1.CreateNodeAsync(Objects.Node(TestNode));
        var first = await Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("foo", claim: null, ns: "ns"), "ns");
        await Client.CoreV1.DeleteNamespacedPodAsync("foo", "ns", new V1DeleteOptions { GracePeriodSeconds = 0 });
        await Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("foo", claim: null, ns: "ns"), "ns");
        await using var cluster = new LiveCluster(Client, TimeProvider.System);
        var writer = new ApiWriter(Client, cluster.Cache, TimeProvider.System);

        var outcome = await writer.BindPodAsync(new PodInfo { Key = new ObjectKey("ns", "foo"), Uid = first.Uid() }, TestNode, CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Null((await Client.CoreV1.ReadNamespacedPodAsync("foo", "ns")).Spec.NodeName);
    }
}
