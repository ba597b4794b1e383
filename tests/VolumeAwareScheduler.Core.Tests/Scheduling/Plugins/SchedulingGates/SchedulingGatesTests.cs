using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Plugins.SchedulingGates;

/// <summary>Ports TestPreEnqueue (pkg/scheduler/framework/plugins/schedulinggates/scheduling_gates_test.go, Kubernetes v1.37).</summary>
public class SchedulingGatesTests
{
    [Fact]
    public void pod_does_not_carry_scheduling_gates()
    {
        var status = new VolumeAwareScheduler.Core.Scheduling.Plugins.SchedulingGates().PreEnqueue(Pod("ns", "p"));

        Assert.True(status.IsSuccess);
    }

    [Fact]
    public void pod_carries_scheduling_gates()
    {
        var status = new VolumeAwareScheduler.Core.Scheduling.Plugins.SchedulingGates().PreEnqueue(Pod("ns", "p").WithGates("foo", "bar"));

        Assert.Equal((StatusCode.UnschedulableAndUnresolvable, "SchedulingGates", "waiting for scheduling gates: [foo bar]"), (status.Code, status.Plugin, status.Message));
    }

    [Fact]
    public void The_default_profile_keeps_a_gated_pod_out_and_its_own_update_is_the_cure()
    {
        var framework = new SchedulingFramework(Profiles.Default());

        var status = framework.RunPreEnqueue(Pod("ns", "p").WithGates("example.com/gate"));

        Assert.Equal(StatusCode.UnschedulableAndUnresolvable, status.Code);
        Assert.Equal("SchedulingGates", status.Plugin);
        Assert.True(RequeueHints.MayCure([status.Plugin], new ClusterEvent(ResourceKind.Pod, ClusterEventAction.Update)));
        Assert.False(RequeueHints.MayCure([status.Plugin], new ClusterEvent(ResourceKind.Node, ClusterEventAction.Add)));
        Assert.True(framework.RunPreEnqueue(Pod("ns", "p")).IsSuccess);
    }
}
