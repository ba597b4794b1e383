using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.VolumeBinding;

/// <summary>
/// VolumeBinding's PreBindPreFlight and PreBind (pkg/scheduler/framework/plugins/volumebinding/volume_binding.go):
/// Skip and no write when the pod's volumes on the node are all bound; otherwise BindPodVolumes through the framework's
/// client with the node's volumes and bindTimeoutSeconds, its failure an Error carrying the client's message.
/// </summary>
public class VolumeBindingPreBindTests
{
    private static ClusterState Cluster()
    {
        var state = new ClusterState(new VolumeIndex());
        state.UpsertStorageClass(StorageClass("local").WaitForFirstConsumer());
        state.UpsertNode(Node("node-1"));
        state.Volumes.Upsert(Volume("pv-free").WithCapacity("10Gi").WithClass("local").OnNode("node-1"));
        state.Volumes.Upsert(Volume("pv-bound").WithCapacity("10Gi").WithClass("local").OnNode("node-1").ClaimedBy("ns", "bound").Phase(VolumePhase.Bound));
        state.UpsertClaim(Claim("ns", "unbound").Requesting("5Gi").WithClass("local"));
        state.UpsertClaim(Claim("ns", "bound").Requesting("5Gi").WithClass("local").BoundTo("pv-bound"));
        return state;
    }

    /// <summary>The default profile's scheduling cycle and Reserve, as run does them before its binding cycle.</summary>
    private static (SchedulingFramework Framework, SchedulingResult Result) Reserved(PodInfo pod, IBindingClient client, long bindTimeoutSeconds = 600)
    {
        var state = Cluster();
        var framework = new SchedulingFramework(Profiles.Default(volumeBinding: new VolumeBindingArgs { BindTimeoutSeconds = bindTimeoutSeconds }), client);
        var result = framework.Schedule(state, pod);
        Assert.Equal("node-1", result.Selected?.Node.Name);
        Assert.True(framework.Reserve(result, new AssumeLedger(state)).IsSuccess);
        return (framework, result);
    }

    public static TheoryData<string, PodInfo> NothingToBind => new()
    {
        { "a pod without claims", Pod("ns", "pod") },
        { "a pod whose claims are all bound", Pod("ns", "pod").WithClaim("bound") },
    };

    [Theory]
    [MemberData(nameof(NothingToBind))]
    public async Task Nothing_to_bind_skips_PreBind_and_writes_nothing(string name, PodInfo pod)
    {
        Assert.False(string.IsNullOrEmpty(name));
        var client = new RecordingClient(WriteOutcome.Ok);
        var (framework, result) = Reserved(pod, client);
        var plugin = framework.Profile.Get<IPreBindPlugin>(Core.Scheduling.Plugins.VolumeBinding.PluginName)!;

        Assert.True(plugin.PreBindPreFlight(result.Cycle, pod, "node-1").IsSkip);
        Assert.True(framework.RunPreBindPreFlights(result.Cycle, pod, "node-1").IsSkip);
        Assert.True((await plugin.PreBindAsync(result.Cycle, pod, "node-1", CancellationToken.None)).IsSuccess);
        Assert.Empty(client.VolumeWrites);
    }

    [Fact]
    public async Task A_volume_to_bind_makes_PreBind_write_the_nodes_volumes_with_the_bind_timeout()
    {
        var pod = Pod("ns", "pod").WithClaim("unbound").WithClaim("bound");
        var client = new RecordingClient(WriteOutcome.Ok);
        var (framework, result) = Reserved(pod, client, bindTimeoutSeconds: 42);

        Assert.True(framework.RunPreBindPreFlights(result.Cycle, pod, "node-1").IsSuccess);
        var status = await framework.RunPreBindAsync(result.Cycle, pod, "node-1", CancellationToken.None);

        Assert.True(status.IsSuccess);
        var (node, volumes, timeout) = Assert.Single(client.VolumeWrites);
        Assert.Equal(("node-1", TimeSpan.FromSeconds(42)), (node, timeout));
        var binding = Assert.Single(volumes.StaticBindings);
        Assert.Equal(("unbound", "pv-free"), (binding.Claim.Key.Name, binding.Volume.Name));
        Assert.Empty(volumes.DynamicProvisions);
    }

    [Fact]
    public async Task A_failed_volume_write_is_an_error_with_the_clients_message()
    {
        var pod = Pod("ns", "pod").WithClaim("unbound");
        var (framework, result) = Reserved(pod, new RecordingClient(WriteOutcome.Fail("volume binding did not complete within 42s")));

        var status = await framework.RunPreBindAsync(result.Cycle, pod, "node-1", CancellationToken.None);

        Assert.Equal(StatusCode.Error, status.Code);
        Assert.Equal(Core.Scheduling.Plugins.VolumeBinding.PluginName, status.Plugin);
        Assert.Equal("running PreBind plugin \"VolumeBinding\": volume binding did not complete within 42s", SchedulingFramework.FailureMessage(ExtensionPoint.PreBind, status));
    }

    /// <summary>Records the writes the plugins ask for and answers each with <paramref name="answer"/>.</summary>
    private sealed class RecordingClient(WriteOutcome answer) : IBindingClient
    {
        public List<(string Node, PodVolumes Volumes, TimeSpan Timeout)> VolumeWrites { get; } = [];

        public ValueTask<WriteOutcome> BindPodVolumesAsync(PodInfo pod, string nodeName, PodVolumes volumes, TimeSpan bindTimeout, CancellationToken cancellationToken)
        {
            VolumeWrites.Add((nodeName, volumes, bindTimeout));
            return ValueTask.FromResult(answer);
        }

        public ValueTask<WriteOutcome> BindPodAsync(PodInfo pod, string nodeName, CancellationToken cancellationToken) => ValueTask.FromResult(answer);
    }
}
