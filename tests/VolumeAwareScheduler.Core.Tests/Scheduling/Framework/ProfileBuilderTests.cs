using VolumeAwareScheduler.Core.Configuration;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using static VolumeAwareScheduler.Core.Tests.Scheduling.Framework.PluginConfigs;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Framework;

/// <summary>
/// Ported from pkg/scheduler/framework/runtime/framework_test.go TestNewFrameworkMultiPointExpansion, with upstream's
/// test plugins: testPlugin implements every extension point but PreEnqueue, scorePlugin1 PreScore and Score, scoreWithNormalizePlugin1
/// Score, queueSortPlugin QueueSort, bindPlugin Bind. The expected lists leave out Permit and PostBind (no plugin
/// here implements them, see <see cref="ExtensionPoints"/>) and the alpha placement points.
/// </summary>
public class ProfileBuilderTests
{
    private const string TestPlugin = "test-plugin";
    private const string ScorePlugin1 = "score-plugin-1";
    private const string ScorePlugin2 = "score-plugin-2";
    private const string ScoreWithNormalizePlugin1 = "score-with-normalize-plugin-1";
    private const string QueueSortPlugin = "no-op-queue-sort-plugin";
    private const string BindPlugin = "bind-plugin";

    private const ExtensionPoint MultiPoint = ExtensionPoint.MultiPoint;

    private static readonly PluginRegistry Registry = new PluginRegistry()
        .Add(TestPlugin, () => new EveryPointPlugin(TestPlugin))
        .Add(ScorePlugin1, () => new PreScoreAndScorePlugin(ScorePlugin1))
        .Add(ScorePlugin2, () => new PreScoreAndScorePlugin(ScorePlugin2))
        .Add(ScoreWithNormalizePlugin1, () => new ScoreOnlyPlugin(ScoreWithNormalizePlugin1))
        .Add(QueueSortPlugin, () => new QueueSortOnlyPlugin(QueueSortPlugin))
        .Add(BindPlugin, () => new BindOnlyPlugin(BindPlugin));

    /// <summary>testPlugin everywhere it runs here, with <paramref name="preScore"/> and <paramref name="score"/> as given.</summary>
    private static PluginSets Expanded(PluginSet? preScore, PluginSet score) => Sets(
        (ExtensionPoint.QueueSort, Enabled(P(TestPlugin))),
        (ExtensionPoint.PreFilter, Enabled(P(TestPlugin))),
        (ExtensionPoint.Filter, Enabled(P(TestPlugin))),
        (ExtensionPoint.PostFilter, Enabled(P(TestPlugin))),
        (ExtensionPoint.PreScore, preScore ?? PluginSet.Empty),
        (ExtensionPoint.Score, score),
        (ExtensionPoint.Reserve, Enabled(P(TestPlugin))),
        (ExtensionPoint.PreBind, Enabled(P(TestPlugin))),
        (ExtensionPoint.Bind, Enabled(P(TestPlugin))));

    public static TheoryData<string, PluginSets, PluginSets> ExpansionCases => new()
    {
        {
            "plugin expansion",
            Sets((MultiPoint, Enabled(P(TestPlugin, 5)))),
            Expanded(Enabled(P(TestPlugin)), Enabled(P(TestPlugin, 5)))
        },
        {
            "disable MultiPoint plugin at some extension points",
            Sets((MultiPoint, Enabled(P(TestPlugin))), (ExtensionPoint.PreScore, Set(disabled: [P(TestPlugin)])), (ExtensionPoint.Score, Set(disabled: [P(TestPlugin)]))),
            Expanded(null, PluginSet.Empty)
        },
        {
            "Multiple MultiPoint plugins",
            Sets((MultiPoint, Enabled(P(TestPlugin), P(ScorePlugin1)))),
            Expanded(Enabled(P(TestPlugin), P(ScorePlugin1)), Enabled(P(TestPlugin, 1), P(ScorePlugin1, 1)))
        },
        {
            "disable MultiPoint extension",
            Sets((MultiPoint, Enabled(P(TestPlugin), P(ScorePlugin1))), (ExtensionPoint.PreScore, Set(disabled: [P("*")]))),
            Expanded(null, Enabled(P(TestPlugin, 1), P(ScorePlugin1, 1)))
        },
        {
            "Reorder MultiPoint plugins (specified extension takes precedence)",
            Sets((MultiPoint, Enabled(P(ScoreWithNormalizePlugin1), P(TestPlugin), P(ScorePlugin1))), (ExtensionPoint.Score, Enabled(P(ScorePlugin1), P(TestPlugin)))),
            Expanded(Enabled(P(TestPlugin), P(ScorePlugin1)), Enabled(P(ScorePlugin1, 1), P(TestPlugin, 1), P(ScoreWithNormalizePlugin1, 1)))
        },
        {
            "Reorder MultiPoint plugins (specified extension only takes precedence when it exists in MultiPoint)",
            Sets((MultiPoint, Enabled(P(TestPlugin), P(ScorePlugin1))), (ExtensionPoint.Score, Enabled(P(ScoreWithNormalizePlugin1), P(ScorePlugin1), P(TestPlugin)))),
            Expanded(Enabled(P(TestPlugin), P(ScorePlugin1)), Enabled(P(ScorePlugin1, 1), P(TestPlugin, 1), P(ScoreWithNormalizePlugin1, 1)))
        },
        {
            "Override MultiPoint plugins weights",
            Sets((MultiPoint, Enabled(P(TestPlugin), P(ScorePlugin1))), (ExtensionPoint.Score, Enabled(P(ScorePlugin1, 5), P(TestPlugin, 3)))),
            Expanded(Enabled(P(TestPlugin), P(ScorePlugin1)), Enabled(P(ScorePlugin1, 5), P(TestPlugin, 3)))
        },
        {
            "disable and enable MultiPoint plugins with '*'",
            Sets((MultiPoint, Set([P(QueueSortPlugin), P(BindPlugin), P(ScorePlugin1)], [P("*")]))),
            Sets((ExtensionPoint.QueueSort, Enabled(P(QueueSortPlugin))), (ExtensionPoint.PreScore, Enabled(P(ScorePlugin1))), (ExtensionPoint.Score, Enabled(P(ScorePlugin1, 1))),
                (ExtensionPoint.Bind, Enabled(P(BindPlugin))))
        },
        {
            "disable and enable MultiPoint plugin by name",
            Sets((MultiPoint, Set([P(BindPlugin), P(QueueSortPlugin), P(ScorePlugin1)], [P(ScorePlugin1)]))),
            Sets((ExtensionPoint.QueueSort, Enabled(P(QueueSortPlugin))), (ExtensionPoint.PreScore, Enabled(P(ScorePlugin1))), (ExtensionPoint.Score, Enabled(P(ScorePlugin1, 1))),
                (ExtensionPoint.Bind, Enabled(P(BindPlugin))))
        },
        {
            "Override MultiPoint plugins weights and avoid a plugin being loaded multiple times",
            Sets((MultiPoint, Enabled(P(TestPlugin), P(ScorePlugin1))), (ExtensionPoint.Score, Enabled(P(ScorePlugin1, 5), P(ScorePlugin2, 5), P(TestPlugin, 3)))),
            Expanded(Enabled(P(TestPlugin), P(ScorePlugin1)), Enabled(P(ScorePlugin1, 5), P(TestPlugin, 3), P(ScorePlugin2, 5)))
        },
    };

    [Theory]
    [MemberData(nameof(ExpansionCases))]
    public void Expands_MultiPoint_to_the_points_each_plugin_implements(string name, PluginSets plugins, PluginSets expected)
    {
        Assert.False(string.IsNullOrEmpty(name));
        var profile = Registry.Build(new ProfileConfig { SchedulerName = "test", Plugins = plugins });
        Assert.Equal(expected, PluginSets.Of(profile));
    }

    public static TheoryData<string, PluginSets, string> ErrorCases => new()
    {
        { "Expect 'already registered' error", Sets((MultiPoint, Enabled(P(TestPlugin), P(TestPlugin)))), "plugin \"test-plugin\" already registered as \"PreFilterPlugin\"" },
        { "a plugin twice at one point", Sets((ExtensionPoint.Filter, Enabled(P(TestPlugin), P(TestPlugin)))), "plugin \"test-plugin\" already registered as \"FilterPlugin\"" },
        { "a plugin at a point it does not implement", Sets((ExtensionPoint.Filter, Enabled(P(ScorePlugin1)))), "plugin \"score-plugin-1\" does not extend FilterPlugin plugin" },
        { "a plugin at bind that does not bind", Sets((ExtensionPoint.Bind, Enabled(P(ScorePlugin1)))), "plugin \"score-plugin-1\" does not extend BindPlugin plugin" },
        { "no bind plugin", Sets((ExtensionPoint.QueueSort, Enabled(P(QueueSortPlugin)))), "at least one bind plugin is needed for profile with scheduler name \"test\"" },
        { "a plugin the registry lacks", Sets((ExtensionPoint.Score, Enabled(P("Foo")))), "ScorePlugin \"Foo\" does not exist" },
        { "no queue sort plugin", Sets((MultiPoint, Enabled(P(ScorePlugin1)))), "only one queue sort plugin required for profile with scheduler name \"test\", but got 0" },
        { "two queue sort plugins", Sets((ExtensionPoint.QueueSort, Enabled(P(TestPlugin), P(QueueSortPlugin)))), "only one queue sort plugin required for profile with scheduler name \"test\", but got 2" },
    };

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void Refuses_a_profile_upstream_would_refuse_with_upstreams_message(string name, PluginSets plugins, string expected)
    {
        Assert.False(string.IsNullOrEmpty(name));
        var error = Assert.Throws<ConfigException>(() => Registry.Build(new ProfileConfig { SchedulerName = "test", Plugins = plugins }));
        Assert.Equal(expected, Assert.Single(error.Problems));
    }

    [Fact]
    public void One_instance_serves_every_point_of_a_plugin()
    {
        var profile = Registry.Build(new ProfileConfig { SchedulerName = "test", Plugins = Sets((MultiPoint, Enabled(P(TestPlugin)))) });
        Assert.Same(profile.QueueSort, profile.Filter[0]);
        Assert.Same(profile.Filter[0], profile.Score[0].Plugin);
    }

    private sealed class EveryPointPlugin(string name)
        : IQueueSortPlugin, IPreFilterPlugin, IFilterPlugin, IPostFilterPlugin, IPreScorePlugin, IScorePlugin, IReservePlugin, IPreBindPlugin, IBindPlugin
    {
        public Status PreBindPreFlight(CycleState state, PodInfo pod, string nodeName) => Status.Success;

        public ValueTask<Status> PreBindAsync(CycleState state, PodInfo pod, string nodeName, CancellationToken cancellationToken) => ValueTask.FromResult(Status.Success);

        public ValueTask<Status> BindAsync(CycleState state, PodInfo pod, string nodeName, CancellationToken cancellationToken) => ValueTask.FromResult(Status.Success);

        public string Name => name;

        public bool Less(QueuedPodInfo a, QueuedPodInfo b) => false;

        public Status PreFilter(CycleState state, PodInfo pod, out PreFilterResult? result)
        {
            result = null;
            return Status.Success;
        }

        public Status Filter(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex) => Status.Success;

        public Status PostFilter(CycleState state, PodInfo pod, IReadOnlyList<NodeOutcome> filtered, out string? nominatedNodeName)
        {
            nominatedNodeName = null;
            return Status.Success;
        }

        public Status PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> feasible) => Status.Success;

        public long Score(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex, out Status status)
        {
            status = Status.Success;
            return 0;
        }

        public Status Reserve(CycleState state, PodInfo pod, string nodeName) => Status.Success;

        public void Unreserve(CycleState state, PodInfo pod, string nodeName)
        {
        }
    }

    private sealed class PreScoreAndScorePlugin(string name) : IPreScorePlugin, IScorePlugin
    {
        public string Name => name;

        public Status PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> feasible) => Status.Success;

        public long Score(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex, out Status status)
        {
            status = Status.Success;
            return 0;
        }
    }

    private sealed class ScoreOnlyPlugin(string name) : IScorePlugin
    {
        public string Name => name;

        public long Score(CycleState state, PodInfo pod, NodeInfo node, int nodeIndex, out Status status)
        {
            status = Status.Success;
            return 0;
        }
    }

    private sealed class QueueSortOnlyPlugin(string name) : IQueueSortPlugin
    {
        public string Name => name;

        public bool Less(QueuedPodInfo a, QueuedPodInfo b) => false;
    }

    private sealed class BindOnlyPlugin(string name) : IBindPlugin
    {
        public string Name => name;

        public ValueTask<Status> BindAsync(CycleState state, PodInfo pod, string nodeName, CancellationToken cancellationToken) => ValueTask.FromResult(Status.Success);
    }
}
