using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;
using static VolumeAwareScheduler.Core.Tests.Scheduling.Framework.PluginConfigs;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Framework;

public class ProfilesTests
{
    [Fact]
    public void The_default_profile_runs_upstreams_default_plugins_we_have_in_upstreams_order_and_weights()
    {
        var profile = Profiles.Default();
        Assert.Equal(Profiles.DefaultSchedulerName, profile.SchedulerName);
        Assert.Equal(0, profile.PercentageOfNodesToScore);
        Assert.Equal(
            Sets(
                (ExtensionPoint.PreEnqueue, Enabled(P("SchedulingGates"))),
                (ExtensionPoint.QueueSort, Enabled(P("PrioritySort"))),
                (ExtensionPoint.PreFilter, Enabled(P("NodeAffinity"), P("NodePorts"), P("VolumeRestrictions"), P("NodeVolumeLimits"), P("VolumeBinding"), P("VolumeZone"),
                    P("PodTopologySpread"), P("InterPodAffinity"))),
                (ExtensionPoint.Filter, Enabled(P("NodeUnschedulable"), P("NodeName"), P("TaintToleration"), P("NodeAffinity"), P("NodePorts"), P("NodeResourcesFit"),
                    P("VolumeRestrictions"), P("NodeVolumeLimits"), P("VolumeBinding"), P("VolumeZone"), P("PodTopologySpread"), P("InterPodAffinity"))),
                (ExtensionPoint.PostFilter, Enabled(P("DefaultPreemption"))),
                (ExtensionPoint.PreScore, Enabled(P("TaintToleration"), P("NodeAffinity"), P("NodeResourcesFit"), P("VolumeBinding"),
                    P("PodTopologySpread"), P("InterPodAffinity"), P("NodeResourcesBalancedAllocation"), P("ImageLocality"))),
                (ExtensionPoint.Score, Enabled(P("TaintToleration", 3), P("NodeAffinity", 2), P("NodeResourcesFit", 1), P("VolumeBinding", 1),
                    P("PodTopologySpread", 2), P("InterPodAffinity", 2), P("NodeResourcesBalancedAllocation", 1), P("ImageLocality", 1))),
                (ExtensionPoint.Reserve, Enabled(P("VolumeBinding"))),
                (ExtensionPoint.PreBind, Enabled(P("VolumeBinding"))),
                (ExtensionPoint.Bind, Enabled(P("DefaultBinder")))),
            PluginSets.Of(profile));
        Assert.Equal(new VolumeBindingArgs(), profile.Get<VolumeBinding>(VolumeBinding.PluginName)!.Args);
        Assert.Equal(VolumeBindingArgs.BestFitShape, profile.Get<VolumeBinding>(VolumeBinding.PluginName)!.Args.Shape);
    }

    [Fact]
    public void The_extender_profile_runs_volume_binding_alone_and_the_default_binder_over_every_node_it_is_given()
    {
        var profile = Profiles.Extender(volumeBinding: new VolumeBindingArgs { Shape = VolumeBindingArgs.UpstreamShape });
        Assert.Equal(100, profile.PercentageOfNodesToScore);
        Assert.Equal(
            Sets(
                (ExtensionPoint.QueueSort, Enabled(P("PrioritySort"))),
                (ExtensionPoint.PreFilter, Enabled(P("VolumeBinding"))),
                (ExtensionPoint.Filter, Enabled(P("VolumeBinding"))),
                (ExtensionPoint.PreScore, Enabled(P("VolumeBinding"))),
                (ExtensionPoint.Score, Enabled(P("VolumeBinding", 1))),
                (ExtensionPoint.Reserve, Enabled(P("VolumeBinding"))),
                (ExtensionPoint.PreBind, Enabled(P("VolumeBinding"))),
                (ExtensionPoint.Bind, Enabled(P("DefaultBinder")))),
            PluginSets.Of(profile));
        Assert.Equal(VolumeBindingArgs.UpstreamShape, profile.Get<VolumeBinding>(VolumeBinding.PluginName)!.Args.Shape);
    }

    [Fact]
    public void Every_plugin_of_upstreams_defaults_that_is_registered_is_in_the_default_profile()
    {
        var names = Profiles.Default().Plugins.Select(p => p.Name).ToHashSet();
        Assert.All(InTreeRegistry.Plugins.Names, name => Assert.Contains(name, names));
        Assert.All(InTreeRegistry.Plugins.Names, name => Assert.True(DefaultPlugins.IsUpstream(name), name));
    }
}
