using VolumeAwareScheduler.Core.Scheduling.Framework;
using static VolumeAwareScheduler.Core.Tests.Scheduling.Framework.PluginConfigs;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Framework;

/// <summary>Ported from pkg/scheduler/apis/config/v1/default_plugins_test.go (TestMergePlugins), case names and expected values kept.</summary>
public class DefaultPluginsTests
{
    private const ExtensionPoint Filter = ExtensionPoint.Filter;
    private const ExtensionPoint Score = ExtensionPoint.Score;
    private const ExtensionPoint MultiPoint = ExtensionPoint.MultiPoint;

    public static TheoryData<string, PluginSets?, PluginSets, PluginSets> MergeCases => new()
    {
        {
            "AppendCustomPlugin",
            Sets((Filter, Enabled(P("CustomPlugin")))),
            Sets((Filter, Enabled(P("DefaultPlugin1"), P("DefaultPlugin2")))),
            Sets((Filter, Enabled(P("DefaultPlugin1"), P("DefaultPlugin2"), P("CustomPlugin"))))
        },
        {
            "InsertAfterDefaultPlugins2",
            Sets((Filter, Set([P("CustomPlugin"), P("DefaultPlugin2")], [P("DefaultPlugin2")]))),
            Sets((Filter, Enabled(P("DefaultPlugin1"), P("DefaultPlugin2")))),
            Sets((Filter, Set([P("DefaultPlugin1"), P("CustomPlugin"), P("DefaultPlugin2")], [P("DefaultPlugin2")])))
        },
        {
            "InsertBeforeAllPlugins",
            Sets((Filter, Set([P("CustomPlugin"), P("DefaultPlugin1"), P("DefaultPlugin2")], [P("*")]))),
            Sets((Filter, Enabled(P("DefaultPlugin1"), P("DefaultPlugin2")))),
            Sets((Filter, Set([P("CustomPlugin"), P("DefaultPlugin1"), P("DefaultPlugin2")], [P("*")])))
        },
        {
            "ReorderDefaultPlugins",
            Sets((Filter, Set([P("DefaultPlugin2"), P("DefaultPlugin1")], [P("*")]))),
            Sets((Filter, Enabled(P("DefaultPlugin1"), P("DefaultPlugin2")))),
            Sets((Filter, Set([P("DefaultPlugin2"), P("DefaultPlugin1")], [P("*")])))
        },
        {
            "ApplyNilCustomPlugin",
            null,
            Sets((Filter, Enabled(P("DefaultPlugin1"), P("DefaultPlugin2")))),
            Sets((Filter, Enabled(P("DefaultPlugin1"), P("DefaultPlugin2"))))
        },
        {
            "CustomPluginOverrideDefaultPlugin",
            Sets((Filter, Enabled(P("Plugin1", 2), P("Plugin3", 3)))),
            Sets((Filter, Enabled(P("Plugin1"), P("Plugin2"), P("Plugin3")))),
            Sets((Filter, Enabled(P("Plugin1", 2), P("Plugin2"), P("Plugin3", 3))))
        },
        {
            "OrderPreserveAfterOverride",
            Sets((Filter, Enabled(P("Plugin2", 2), P("Plugin1", 1)))),
            Sets((Filter, Enabled(P("Plugin1"), P("Plugin2"), P("Plugin3")))),
            Sets((Filter, Enabled(P("Plugin1", 1), P("Plugin2", 2), P("Plugin3"))))
        },
        {
            "RepeatedCustomPlugin",
            Sets((Filter, Enabled(P("Plugin1"), P("Plugin2", 2), P("Plugin3"), P("Plugin2", 4)))),
            Sets((Filter, Enabled(P("Plugin1"), P("Plugin2"), P("Plugin3")))),
            Sets((Filter, Enabled(P("Plugin1"), P("Plugin2", 4), P("Plugin3"), P("Plugin2", 2))))
        },
        {
            "Append custom MultiPoint plugin",
            Sets((MultiPoint, Enabled(P("CustomPlugin")))),
            Sets((MultiPoint, Enabled(P("DefaultPlugin1"), P("DefaultPlugin2")))),
            Sets((MultiPoint, Enabled(P("DefaultPlugin1"), P("DefaultPlugin2"), P("CustomPlugin"))))
        },
        {
            "Append disabled Multipoint plugins",
            Sets((MultiPoint, Set([P("CustomPlugin"), P("CustomPlugin2")], [P("DefaultPlugin2")])), (Score, Set(disabled: [P("CustomPlugin2")]))),
            Sets((MultiPoint, Enabled(P("DefaultPlugin1"), P("DefaultPlugin2")))),
            Sets((MultiPoint, Set([P("DefaultPlugin1"), P("CustomPlugin"), P("CustomPlugin2")], [P("DefaultPlugin2")])), (Score, Set(disabled: [P("CustomPlugin2")])))
        },
        {
            "override default MultiPoint plugins with custom value",
            Sets((MultiPoint, Enabled(P("DefaultPlugin", 5)))),
            Sets((MultiPoint, Enabled(P("DefaultPlugin")))),
            Sets((MultiPoint, Enabled(P("DefaultPlugin", 5))))
        },
        {
            "disabled MultiPoint plugin in default set",
            Sets((MultiPoint, Enabled(P("CustomPlugin")))),
            Sets((MultiPoint, Set([P("DefaultPlugin")], [P("DefaultPlugin2")]))),
            Sets((MultiPoint, Set([P("DefaultPlugin"), P("CustomPlugin")], [P("DefaultPlugin2")])))
        },
        {
            "disabled MultiPoint plugin in default set for specific extension point",
            Sets((MultiPoint, Enabled(P("CustomPlugin")))),
            Sets((MultiPoint, Enabled(P("DefaultPlugin"))), (Score, Set(disabled: [P("DefaultPlugin2")]))),
            Sets((MultiPoint, Enabled(P("DefaultPlugin"), P("CustomPlugin"))), (Score, Set(disabled: [P("DefaultPlugin2")])))
        },
        {
            "multipoint with only disabled gets merged",
            Sets((MultiPoint, Set(disabled: [P("DefaultPlugin")]))),
            Sets((MultiPoint, Enabled(P("DefaultPlugin")))),
            Sets((MultiPoint, Set(disabled: [P("DefaultPlugin")])))
        },
    };

    [Theory]
    [MemberData(nameof(MergeCases))]
    public void Merges_custom_plugins_into_the_defaults_as_mergePlugins_does(string name, PluginSets? custom, PluginSets defaults, PluginSets expected)
    {
        Assert.False(string.IsNullOrEmpty(name));
        Assert.Equal(expected, DefaultPlugins.Merge(defaults, custom));
    }

    [Fact]
    public void Our_defaults_are_upstreams_list_restricted_to_the_registered_plugins_in_upstreams_order_and_weights()
    {
        var defaults = DefaultPlugins.For(Core.Scheduling.Plugins.InTreeRegistry.Plugins);
        Assert.Equal(
            Sets((MultiPoint, Enabled(P("SchedulingGates"), P("PrioritySort"), P("NodeUnschedulable"), P("NodeName"), P("TaintToleration", 3), P("NodeAffinity", 2),
                P("NodePorts"), P("NodeResourcesFit", 1), P("VolumeRestrictions"), P("NodeVolumeLimits"), P("VolumeBinding"), P("VolumeZone"),
                P("PodTopologySpread", 2), P("InterPodAffinity", 2), P("DefaultPreemption"), P("NodeResourcesBalancedAllocation", 1), P("ImageLocality", 1), P("DefaultBinder")))),
            defaults);
    }
}
