using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.State;
using VolumeAwareScheduler.Extender;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Tests.Extender;

public sealed class ExtenderCycleTests
{
    private static ClusterState Cluster(int nodes)
    {
        var state = new ClusterState(new VolumeIndex());
        state.UpsertStorageClass(StorageClass("local").WaitForFirstConsumer());
        for (var i = 0; i < nodes; i++)
        {
            state.UpsertNode(Node($"node-{i:D2}"));
            state.Volumes.Upsert(Volume($"pv-{i:D2}").WithCapacity($"{10 + i}Gi").WithClass("local").OnNode($"node-{i:D2}"));
        }
        state.UpsertClaim(Claim("ns", "data").Requesting("10Gi").WithClass("local"));
        return state;
    }

    private static ExtenderCycle NewCycle() => new(new SchedulingFramework(Profiles.Extender()), new SchedulingFramework(Profiles.Default()));

    [Fact]
    public void Prioritize_maps_VolumeBindings_0_to_100_onto_the_extenders_0_to_10()
    {
        var state = Cluster(25);
        var extender = NewCycle();
        var names = state.Nodes.Select(n => n.Name).Append("ghost").ToList();
        var scores = extender.Prioritize(state, Pod("ns", "pod").WithClaim("data"), names).ToDictionary(p => p.Host, p => p.Score);

        Assert.All(scores.Values, s => Assert.InRange(s, 0, NodeScore.MaxExtenderPriority));
        Assert.Equal(10, scores["node-00"]); // 10Gi of 10Gi: utilization 100
        Assert.Equal(2, scores["node-24"]); // 10Gi of 34Gi: utilization 29, score 29 → 2
        Assert.Equal(0, scores["ghost"]);
    }

    [Fact]
    public void A_pod_without_claims_passes_through_and_scores_zero()
    {
        var state = Cluster(3);
        var extender = NewCycle();
        PodInfo pod = Pod("ns", "plain");
        using var decision = extender.Filter(state, pod, ["node-00", "ghost"]);
        Assert.True(decision.PassThrough);
        Assert.All(extender.Prioritize(state, pod, ["node-00", "node-01"]), p => Assert.Equal(0, p.Score));
    }

    [Fact]
    public void An_unknown_node_is_rejected_as_unresolvable_with_our_reason()
    {
        var state = Cluster(2);
        var extender = NewCycle();
        using var decision = extender.Filter(state, Pod("ns", "pod").WithClaim("data"), ["node-00", "ghost"]);
        Assert.False(decision.PassThrough);
        Assert.True(decision.Verdicts[0].Status.IsSuccess);
        Assert.Equal(ExtenderCycle.UnknownNodeReason, decision.Verdicts[1].Status.Message);
        Assert.Equal(Core.Scheduling.StatusCode.UnschedulableAndUnresolvable, decision.Verdicts[1].Status.Code);
    }
}
