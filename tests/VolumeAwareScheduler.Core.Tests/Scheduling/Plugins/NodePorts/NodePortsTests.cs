using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.NodePorts;

/// <summary>
/// Ports TestNodePorts and Test_isSchedulableAfterPodDeleted's cure (pkg/scheduler/framework/plugins/nodeports/
/// node_ports_test.go, Kubernetes v1.37). Ports are written as upstream's "PROTOCOL/hostIP/port".
/// </summary>
public class NodePortsTests
{
    private static PodInfo PodWith(string name, string node, params string[] ports)
    {
        var pod = Pod("ns", name).OnNode(node);
        foreach (var p in ports)
        {
            var parts = p.Split('/');
            pod.WithHostPort(parts[0], parts[1], int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
        }
        return pod;
    }

    public static TheoryData<string, string[], string[], bool> Cases => new()
    {
        { "other port", ["UDP/127.0.0.1/8080"], ["UDP/127.0.0.1/9090"], true },
        { "same udp port", ["UDP/127.0.0.1/8080"], ["UDP/127.0.0.1/8080"], false },
        { "same tcp port", ["TCP/127.0.0.1/8080"], ["TCP/127.0.0.1/8080"], false },
        { "different host ip", ["TCP/127.0.0.1/8080"], ["TCP/127.0.0.2/8080"], true },
        { "different protocol", ["UDP/127.0.0.1/8080"], ["TCP/127.0.0.1/8080"], true },
        { "second udp port conflict", ["UDP/127.0.0.1/8000", "UDP/127.0.0.1/8080"], ["UDP/127.0.0.1/8080"], false },
        { "first tcp port conflict", ["TCP/127.0.0.1/8001", "UDP/127.0.0.1/8080"], ["TCP/127.0.0.1/8001", "UDP/127.0.0.1/8081"], false },
        { "first tcp port conflict due to 0.0.0.0 hostIP", ["TCP/0.0.0.0/8001"], ["TCP/127.0.0.1/8001"], false },
        { "TCP hostPort conflict due to 0.0.0.0 hostIP", ["TCP/10.0.10.10/8001", "TCP/0.0.0.0/8001"], ["TCP/127.0.0.1/8001"], false },
        { "second tcp port conflict to 0.0.0.0 hostIP", ["TCP/127.0.0.1/8001"], ["TCP/0.0.0.0/8001"], false },
        { "second different protocol", ["UDP/127.0.0.1/8001"], ["TCP/0.0.0.0/8001"], true },
        { "UDP hostPort conflict due to 0.0.0.0 hostIP", ["UDP/127.0.0.1/8001"], ["TCP/0.0.0.0/8001", "UDP/0.0.0.0/8001"], false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Node_ports(string name, string[] wanted, string[] used, bool fits)
    {
        _ = name;
        var cluster = PluginHarness.Cluster([BareNode("m1")], [PodWith("existing", "m1", used)]);

        var status = PluginHarness.Filter(new VolumeAwareScheduler.Core.Scheduling.Plugins.NodePorts(), cluster, PodWith("p", "", wanted)).Single();

        if (fits) Assert.True(status.IsSuccess, status.Message);
        else Assert.Equal((StatusCode.Unschedulable, "NodePorts", "node(s) didn't have free ports for the requested pod ports"), (status.Code, status.Plugin, status.Message));
    }

    [Fact]
    public void Skip_filter()
    {
        var cluster = PluginHarness.Cluster([BareNode("m1")]);

        var status = new VolumeAwareScheduler.Core.Scheduling.Plugins.NodePorts().PreFilter(new CycleState(cluster, cluster.Nodes), Pod("ns", "p"), out _);

        Assert.Equal(StatusCode.Skip, status.Code);
    }

    [Fact]
    public void Deleting_the_pod_that_held_the_port_frees_it_and_requeues_the_rejected_pod()
    {
        var cluster = PluginHarness.Cluster([BareNode("m1")], [PodWith("holder", "m1", "TCP/0.0.0.0/8080")]);
        var framework = new SchedulingFramework(Profiles.Default());
        PodInfo pod = PodWith("p", "", "TCP/0.0.0.0/8080");

        var rejected = framework.Schedule(cluster, pod);
        Assert.Null(rejected.Selected);
        Assert.Equal("0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.", rejected.FailureMessage);
        var rejecters = RequeueHints.RejectingPlugins(rejected);
        Assert.Equal(["NodePorts"], rejecters);
        Assert.True(RequeueHints.MayCure(rejecters, new ClusterEvent(ResourceKind.Pod, ClusterEventAction.Delete)));
        Assert.False(RequeueHints.MayCure(rejecters, new ClusterEvent(ResourceKind.PersistentVolume, ClusterEventAction.Add)));

        cluster.RemovePod(new ObjectKey("ns", "holder"));

        Assert.Equal("m1", framework.Schedule(cluster, pod).Selected?.Node.Name);
    }
}
