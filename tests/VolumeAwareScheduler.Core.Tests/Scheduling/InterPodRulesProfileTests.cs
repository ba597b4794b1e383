using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Scheduling;

/// <summary>
/// InterPodAffinity and PodTopologySpread in the default profile: their place and weights (default_plugins.go), the
/// API server's matchLabelKeys merge, and the cluster events that cure their rejections (their EventsToRegister).
/// </summary>
public class InterPodRulesProfileTests
{
    [Fact]
    public void The_default_profile_runs_them_after_VolumeBinding_in_upstreams_order_with_weight_2()
    {
        var profile = Profiles.Default();
        Assert.Equal(["VolumeBinding", "VolumeZone", "PodTopologySpread", "InterPodAffinity"], profile.PreFilter.Select(p => p.Name).TakeLast(4));
        Assert.Equal(["VolumeBinding", "VolumeZone", "PodTopologySpread", "InterPodAffinity"], profile.Filter.Select(p => p.Name).TakeLast(4));
        Assert.Equal(["VolumeBinding", "PodTopologySpread", "InterPodAffinity"], profile.PreScore.Select(p => p.Name).Where(n => n is "VolumeBinding" or "PodTopologySpread" or "InterPodAffinity"));
        Assert.Equal([("VolumeBinding", 1), ("PodTopologySpread", 2), ("InterPodAffinity", 2)],
            profile.Score.Select(s => (s.Plugin.Name, s.Weight)).Where(s => s.Name is "VolumeBinding" or "PodTopologySpread" or "InterPodAffinity"));
        Assert.Equal(1, profile.Get<InterPodAffinity>(InterPodAffinity.PluginName)!.Args.HardPodAffinityWeight);
        Assert.Equal(TopologySpreadDefaulting.System, profile.Get<PodTopologySpread>(PodTopologySpread.PluginName)!.Args.DefaultingType);
    }

    public static TheoryData<string, string[], string[], string> LabelKeys => new()
    {
        { "matchLabelKeys adds key in (value)", ["version"], [], "app=web,version in (v2)" },
        { "mismatchLabelKeys adds key notin (value)", [], ["version"], "app=web,version notin (v2)" },
        { "a key the pod has no label for adds nothing", ["zone"], ["rack"], "app=web" },
        { "merging again selects the same pods", ["version", "version"], [], "app=web,version in (v2),version in (v2)" },
    };

    [Theory]
    [MemberData(nameof(LabelKeys))]
    public void MatchLabelKeys_and_mismatchLabelKeys_are_merged_as_the_API_server_does(string name, string[] match, string[] mismatch, string want)
    {
        var term = PodTerm(HostnameLabel, MatchLabels(("app", "web")));
        var merged = term.WithLabelKeys(Labels(("app", "web"), ("version", "v2")), match, mismatch);
        Assert.True(want == merged.LabelSelector!.ToString(), name);
    }

    [Fact]
    public void A_null_selector_stays_null_when_label_keys_are_merged() =>
        Assert.Null(PodTerm(HostnameLabel, null).WithLabelKeys(Labels(("app", "web")), ["app"], []).LabelSelector);

    [Fact]
    public void An_anti_affinity_rejection_is_cured_by_deleting_the_pod_it_avoids()
    {
        var state = new ClusterState(new VolumeIndex());
        state.UpsertNode(Node("node-a"));
        state.UpsertPod(Pod("ns", "web-0").WithLabel("app", "web").OnNode("node-a"));
        var framework = new SchedulingFramework(Profiles.Default());
        var pod = Pod("ns", "web-1").WithLabel("app", "web").WithPodAntiAffinity(PodTerm(HostnameLabel, MatchLabels(("app", "web")))).Build();

        var rejected = framework.Schedule(state, pod);
        Assert.Null(rejected.Selected);
        Assert.Equal($"0/1 nodes are available: 1 {Reasons.PodAntiAffinityRulesNotMatch}. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.", rejected.FailureMessage);
        var plugins = RequeueHints.RejectingPlugins(rejected);
        Assert.Equal([InterPodAffinity.PluginName], plugins);
        Assert.False(RequeueHints.MayCure(plugins, new ClusterEvent(ResourceKind.PersistentVolume, ClusterEventAction.Add)));
        Assert.True(RequeueHints.MayCure(plugins, new ClusterEvent(ResourceKind.Pod, ClusterEventAction.Delete)));

        state.RemovePod(new ObjectKey("ns", "web-0"));
        Assert.Equal("node-a", framework.Schedule(state, pod).Selected?.Node.Name);
    }

    [Fact]
    public void A_spread_rejection_is_cured_by_a_node_added_in_a_new_zone()
    {
        var state = new ClusterState(new VolumeIndex());
        state.UpsertNode(Node("node-1").InZone("zone-1"));
        state.UpsertPod(Pod("ns", "db-0").WithLabel("app", "db").OnNode("node-1"));
        var framework = new SchedulingFramework(Profiles.Default());
        // minDomains 2: with one zone the global minimum is 0, so a second pod in zone-1 would skew by 2.
        var pod = Pod("ns", "db-1").WithLabel("app", "db")
            .WithSpreadConstraint(Spread(1, ZoneLabel, UnsatisfiableConstraintAction.DoNotSchedule, MatchLabels(("app", "db")), minDomains: 2)).Build();

        var rejected = framework.Schedule(state, pod);
        Assert.Null(rejected.Selected);
        Assert.Equal($"0/1 nodes are available: 1 {Reasons.TopologySpreadConstraintsNotMatch}. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.", rejected.FailureMessage);
        var plugins = RequeueHints.RejectingPlugins(rejected);
        Assert.Equal([PodTopologySpread.PluginName], plugins);
        Assert.False(RequeueHints.MayCure(plugins, new ClusterEvent(ResourceKind.StorageClass, ClusterEventAction.Add)));
        Assert.True(RequeueHints.MayCure(plugins, new ClusterEvent(ResourceKind.Node, ClusterEventAction.Add)));

        state.UpsertNode(Node("node-2").InZone("zone-2"));
        Assert.Equal("node-2", framework.Schedule(state, pod).Selected?.Node.Name);
    }
}
