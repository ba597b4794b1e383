using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.State;
using static VolumeAwareScheduler.Core.Tests.Scheduling.Framework.PluginConfigs;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Framework;

/// <summary>
/// Ported from pkg/scheduler/framework/runtime/framework_test.go (Kubernetes v1.37): TestPreBindPlugins,
/// TestPreBindPreFlightPlugins and TestRunBindPlugins, with upstream's case names, test plugins that answer an injected
/// code with the reason "injected status", and the framework built as newFrameworkWithQueueSortAndBind builds it (a queue
/// sort plugin, and a binder that succeeds when the case configures none). TestGetPreBindPluginGroups is not ported:
/// PreBind plugins run one after the other here (no parallel PreBind).
/// </summary>
public class BindingCycleTests
{
    private const string InjectReason = "injected status";
    private const string QueueSortPlugin = "no-op-queue-sort-plugin";
    private const string DefaultBindPlugin = "bind-plugin";

    private static readonly PodInfo Pod = new() { Key = new ObjectKey("default", "pod"), Uid = "pod-uid" };

    /// <summary>newFrameworkWithQueueSortAndBind: the plugins at <paramref name="point"/>, in order.</summary>
    private static SchedulingFramework Framework(ExtensionPoint point, params TestPlugin[] plugins)
    {
        var registry = new PluginRegistry().Add(QueueSortPlugin, () => new QueueSort()).Add(DefaultBindPlugin, () => new TestPlugin(DefaultBindPlugin));
        foreach (var plugin in plugins) registry = registry.Add(plugin.Name, () => plugin);
        var sets = Sets((ExtensionPoint.QueueSort, Enabled(P(QueueSortPlugin))), (point, Enabled([.. plugins.Select(p => P(p.Name))])));
        if (sets[ExtensionPoint.Bind].Enabled.Count == 0) sets = sets.With(ExtensionPoint.Bind, Enabled(P(DefaultBindPlugin)));
        return new SchedulingFramework(registry.Build(new ProfileConfig { SchedulerName = "test-profile", Plugins = sets }));
    }

    private static CycleState Cycle(SchedulingFramework framework) => new(new ClusterState(new LinearVolumeIndex()), []) { Framework = framework };

    /// <summary>Upstream's want status as ours: the code, the plugin that answered, and the message as upstream words it.</summary>
    public sealed record Want(StatusCode Code, string Plugin = "", string Message = "");

    public static TheoryData<string, StatusCode[], Want> PreBindCases => new()
    {
        { "NoPreBindPlugin", [], new Want(StatusCode.Success) },
        { "SuccessPreBindPlugins", [StatusCode.Success], new Want(StatusCode.Success) },
        { "UnschedulablePreBindPlugin", [StatusCode.Unschedulable], new Want(StatusCode.Unschedulable, "TestPlugin", InjectReason) },
        { "ErrorPreBindPlugin", [StatusCode.Error], new Want(StatusCode.Error, "TestPlugin", "running PreBind plugin \"TestPlugin\": injected status") },
        { "UnschedulablePreBindPlugin", [StatusCode.UnschedulableAndUnresolvable], new Want(StatusCode.UnschedulableAndUnresolvable, "TestPlugin", InjectReason) },
        { "SuccessErrorPreBindPlugins", [StatusCode.Success, StatusCode.Error], new Want(StatusCode.Error, "TestPlugin 1", "running PreBind plugin \"TestPlugin 1\": injected status") },
        { "ErrorSuccessPreBindPlugin", [StatusCode.Error, StatusCode.Success], new Want(StatusCode.Error, "TestPlugin", "running PreBind plugin \"TestPlugin\": injected status") },
        { "SuccessSuccessPreBindPlugin", [StatusCode.Success, StatusCode.Success], new Want(StatusCode.Success) },
        { "ErrorAndErrorPlugins", [StatusCode.Error, StatusCode.Error], new Want(StatusCode.Error, "TestPlugin", "running PreBind plugin \"TestPlugin\": injected status") },
        { "UnschedulableAndSuccessPreBindPlugin", [StatusCode.Unschedulable, StatusCode.Success], new Want(StatusCode.Unschedulable, "TestPlugin", InjectReason) },
    };

    [Theory]
    [MemberData(nameof(PreBindCases))]
    public async Task RunPreBindAsync_stops_at_the_first_plugin_that_does_not_succeed(string name, StatusCode[] injected, Want want)
    {
        Assert.False(string.IsNullOrEmpty(name));
        var plugins = injected.Select((code, i) => new TestPlugin(i == 0 ? "TestPlugin" : $"TestPlugin {i}") { PreBind = code }).ToArray();
        var framework = Framework(ExtensionPoint.PreBind, plugins);

        var status = await framework.RunPreBindAsync(Cycle(framework), Pod, "", CancellationToken.None);

        Assert.Equal(want, new Want(status.Code, status.Plugin, status.IsSuccess ? "" : SchedulingFramework.FailureMessage(ExtensionPoint.PreBind, status)));
        var firstFailure = Array.FindIndex(injected, c => c != StatusCode.Success);
        for (var i = 0; i < plugins.Length; i++) Assert.Equal(firstFailure < 0 || i <= firstFailure, plugins[i].PreBindCalled);
    }

    public static TheoryData<string, StatusCode[], Want> PreFlightCases => new()
    {
        { "Skip when there's no PreBind Plugin", [], new Want(StatusCode.Skip) },
        { "Success when PreBindPreFlight returns Success", [StatusCode.Skip, StatusCode.Success], new Want(StatusCode.Success) },
        { "Skip when all PreBindPreFlight returns Skip", [StatusCode.Skip, StatusCode.Skip], new Want(StatusCode.Skip) },
        { "Error when PreBindPreFlight returns Error", [StatusCode.Skip, StatusCode.Error], new Want(StatusCode.Error, "TestPlugin2", "running PreBindPreFlight \"TestPlugin2\": injected status") },
        {
            "Error when PreBindPreFlight returns Unschedulable", [StatusCode.Unschedulable],
            new Want(StatusCode.Error, "TestPlugin", "PreBindPreFlight TestPlugin returned \"Unschedulable\", which is unsupported. It is supposed to return Success, Skip, or Error status")
        },
    };

    [Theory]
    [MemberData(nameof(PreFlightCases))]
    public void RunPreBindPreFlights_succeeds_when_a_plugin_has_work_and_skips_when_none_has(string name, StatusCode[] injected, Want want)
    {
        Assert.False(string.IsNullOrEmpty(name));
        // Upstream names the plugins of the one-plugin case "TestPlugin", the others "TestPlugin1", "TestPlugin2".
        var plugins = injected.Select((code, i) => new TestPlugin(injected.Length == 1 ? "TestPlugin" : $"TestPlugin{i + 1}") { PreBindPreFlight = code }).ToArray();
        var framework = Framework(ExtensionPoint.PreBind, plugins);

        var status = framework.RunPreBindPreFlights(Cycle(framework), Pod, "");

        Assert.Equal(want, new Want(status.Code, status.IsSuccess || status.IsSkip ? "" : status.Plugin, status.IsSuccess || status.IsSkip ? "" : status.Message));
    }

    [Fact]
    public async Task A_plugin_whose_PreBindPreFlight_skipped_does_not_run_at_PreBind()
    {
        var skipping = new TestPlugin("skipping") { PreBindPreFlight = StatusCode.Skip };
        var working = new TestPlugin("working") { PreBindPreFlight = StatusCode.Success };
        var framework = Framework(ExtensionPoint.PreBind, skipping, working);
        var cycle = Cycle(framework);

        Assert.True(framework.RunPreBindPreFlights(cycle, Pod, "node-1").IsSuccess);
        Assert.True((await framework.RunPreBindAsync(cycle, Pod, "node-1", CancellationToken.None)).IsSuccess);

        Assert.False(skipping.PreBindCalled);
        Assert.True(working.PreBindCalled);
    }

    public static TheoryData<string, StatusCode[], StatusCode> BindCases => new()
    {
        { "simple success", [StatusCode.Success], StatusCode.Success },
        { "error on second", [StatusCode.Skip, StatusCode.Error, StatusCode.Success], StatusCode.Error },
        { "all skip", [StatusCode.Skip, StatusCode.Skip, StatusCode.Skip], StatusCode.Skip },
        { "error on third, but not reached", [StatusCode.Skip, StatusCode.Success, StatusCode.Error], StatusCode.Success },
        { "no bind plugin, returns default binder", [], StatusCode.Success },
        { "invalid status", [StatusCode.Unschedulable], StatusCode.Unschedulable },
        { "simple error", [StatusCode.Error], StatusCode.Error },
        { "success on second, returns success", [StatusCode.Skip, StatusCode.Success], StatusCode.Success },
        { "invalid status, returns error", [StatusCode.Skip, StatusCode.UnschedulableAndUnresolvable], StatusCode.UnschedulableAndUnresolvable },
        { "error after success status, returns success", [StatusCode.Success, StatusCode.Error], StatusCode.Success },
        { "success before invalid status, returns success", [StatusCode.Success, StatusCode.Error], StatusCode.Success },
        { "success after error status, returns error", [StatusCode.Error, StatusCode.Success], StatusCode.Error },
    };

    [Theory]
    [MemberData(nameof(BindCases))]
    public async Task RunBindAsync_is_decided_by_the_first_binder_that_does_not_skip(string name, StatusCode[] injected, StatusCode want)
    {
        Assert.False(string.IsNullOrEmpty(name));
        var plugins = injected.Select((code, i) => new TestPlugin($"bind-{i}") { Bind = code }).ToArray();
        var framework = Framework(ExtensionPoint.Bind, plugins);

        var status = await framework.RunBindAsync(Cycle(framework), Pod, "", CancellationToken.None);

        Assert.Equal(want, status.Code);
        var deciding = Array.FindIndex(injected, c => c != StatusCode.Skip);
        for (var i = 0; i < plugins.Length; i++) Assert.Equal(deciding < 0 || i <= deciding, plugins[i].BindCalled);
        if (deciding >= 0 && want != StatusCode.Success) Assert.Equal(plugins[deciding].Name, status.Plugin);
    }

    [Fact]
    public void A_profile_without_a_bind_plugin_is_refused_as_upstream_refuses_it()
    {
        var registry = new PluginRegistry().Add(QueueSortPlugin, () => new QueueSort());
        var error = Assert.Throws<Configuration.ConfigException>(() =>
            registry.Build(new ProfileConfig { SchedulerName = "test-profile", Plugins = Sets((ExtensionPoint.QueueSort, Enabled(P(QueueSortPlugin)))) }));
        Assert.Equal("at least one bind plugin is needed for profile with scheduler name \"test-profile\"", Assert.Single(error.Problems));
    }

    /// <summary>Upstream's TestPlugin at the binding points: each answers its injected code, with <see cref="InjectReason"/>.</summary>
    private sealed class TestPlugin(string name) : IPreBindPlugin, IBindPlugin
    {
        public string Name => name;

        public StatusCode PreBindPreFlight { get; init; }

        public StatusCode PreBind { get; init; }

        public StatusCode Bind { get; init; }

        public bool PreBindCalled { get; private set; }

        public bool BindCalled { get; private set; }

        Status IPreBindPlugin.PreBindPreFlight(CycleState state, PodInfo pod, string nodeName) => Inject(PreBindPreFlight);

        public ValueTask<Status> PreBindAsync(CycleState state, PodInfo pod, string nodeName, CancellationToken cancellationToken)
        {
            PreBindCalled = true;
            return ValueTask.FromResult(Inject(PreBind));
        }

        public ValueTask<Status> BindAsync(CycleState state, PodInfo pod, string nodeName, CancellationToken cancellationToken)
        {
            BindCalled = true;
            return ValueTask.FromResult(Inject(Bind));
        }

        private static Status Inject(StatusCode code) => code == StatusCode.Success ? Status.Success : new Status(code, [InjectReason]);
    }

    private sealed class QueueSort : IQueueSortPlugin
    {
        public string Name => QueueSortPlugin;

        public bool Less(QueuedPodInfo a, QueuedPodInfo b) => false;
    }
}
