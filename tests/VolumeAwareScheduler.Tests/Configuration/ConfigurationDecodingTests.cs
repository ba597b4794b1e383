using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;
using VolumeAwareScheduler.Core.Scheduling.Plugins.Helper;

namespace VolumeAwareScheduler.Tests.Configuration;

/// <summary>
/// What a --config file decodes to: every field read, kube-scheduler's defaults where a field is left out (the rows of
/// pkg/scheduler/apis/config/v1/defaults_test.go TestSchedulerDefaults that apply, our two changes aside), and the
/// example file shipped in scheduler-config/.
/// </summary>
public sealed class ConfigurationDecodingTests
{
    private const string Head = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n";

    private static SchedulerConfiguration Parse(string yaml) => SchedulerConfigurationFile.Parse(yaml, "scheduler.yaml");

    /// <summary>What TestSchedulerDefaults compares, for the fields this scheduler uses.</summary>
    public sealed record Summary(string Profiles, int Percentage, int InitialBackoffSeconds, int MaxBackoffSeconds, LeaderElectionSettings LeaderElection, int Warnings)
    {
        public static Summary Of(SchedulerConfiguration c) => new(
            string.Join(", ", c.Profiles.Select(p => $"{p.SchedulerName}@{p.PercentageOfNodesToScore}")),
            c.PercentageOfNodesToScore, (int)c.PodInitialBackoff.TotalSeconds, (int)c.PodMaxBackoff.TotalSeconds, c.LeaderElection, c.Warnings.Count);
    }

    private static readonly LeaderElectionSettings DefaultLeader = new();

    public static TheoryData<string, string, Summary> DefaultsCases => new()
    {
        { "empty config", Head, new("volume-aware-scheduler@0", 0, 1, 10, DefaultLeader, 0) },
        { "no scheduler name", Head + "profiles: [{}]\n", new("volume-aware-scheduler@0", 0, 1, 10, DefaultLeader, 0) },
        { "Prallelism with no port", Head + "parallelism: 16\n", new("volume-aware-scheduler@0", 0, 1, 10, DefaultLeader, 1) },
        { "set non default parallelism", Head + "parallelism: 8\n", new("volume-aware-scheduler@0", 0, 1, 10, DefaultLeader, 1) },
        { "set non default delayCacheUntilActive", Head + "delayCacheUntilActive: true\n", new("volume-aware-scheduler@0", 0, 1, 10, DefaultLeader, 1) },
        { "set non default global percentageOfNodesToScore", Head + "percentageOfNodesToScore: 50\n", new("volume-aware-scheduler@50", 50, 1, 10, DefaultLeader, 0) },
        { "set non default profile percentageOfNodesToScore", Head + "profiles: [{percentageOfNodesToScore: 50}]\n", new("volume-aware-scheduler@50", 0, 1, 10, DefaultLeader, 0) },
        {
            "set non default global and profile percentageOfNodesToScore", Head + "percentageOfNodesToScore: 10\nprofiles: [{percentageOfNodesToScore: 50}]\n",
            new("volume-aware-scheduler@50", 10, 1, 10, DefaultLeader, 0)
        },
        {
            "two profiles: the global percentage for the one without its own",
            Head + "percentageOfNodesToScore: 10\nprofiles:\n  - schedulerName: a\n  - schedulerName: b\n    percentageOfNodesToScore: 100\n",
            new("a@10, b@100", 10, 1, 10, DefaultLeader, 0)
        },
        { "backoff", Head + "podInitialBackoffSeconds: 2\npodMaxBackoffSeconds: 60\n", new("volume-aware-scheduler@0", 0, 2, 60, DefaultLeader, 0) },
        {
            "leader election, every field",
            Head + "leaderElection:\n  leaderElect: true\n  leaseDuration: 1m\n  renewDeadline: 45s\n  retryPeriod: 500ms\n  resourceLock: leases\n  resourceName: vas\n  resourceNamespace: storage\n",
            new("volume-aware-scheduler@0", 0, 1, 10, new LeaderElectionSettings
            {
                LeaseDuration = TimeSpan.FromMinutes(1), RenewDeadline = TimeSpan.FromSeconds(45), RetryPeriod = TimeSpan.FromMilliseconds(500),
                ResourceName = "vas", ResourceNamespace = "storage",
            }, 0)
        },
        {
            "leader election off: its timings are not checked", Head + "leaderElection:\n  leaderElect: no\n  leaseDuration: 1s\n  renewDeadline: 5s\n",
            new("volume-aware-scheduler@0", 0, 1, 10, new LeaderElectionSettings { LeaderElect = false, LeaseDuration = TimeSpan.FromSeconds(1), RenewDeadline = TimeSpan.FromSeconds(5) }, 0)
        },
        {
            "ignored settings are read, checked and warned about",
            Head + "clientConnection:\n  kubeconfig: /etc/kubernetes/scheduler.conf\n  qps: 50.5\n  burst: 100\nenableProfiling: true\nenableContentionProfiling: false\n",
            new("volume-aware-scheduler@0", 0, 1, 10, DefaultLeader, 3)
        },
        {
            "JSON",
            """{"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration", "podMaxBackoffSeconds": 20, "profiles": [{"schedulerName": "json"}]}""",
            new("json@0", 0, 1, 20, DefaultLeader, 0)
        },
    };

    [Theory]
    [MemberData(nameof(DefaultsCases))]
    public void Fields_left_out_take_kube_schedulers_defaults(string name, string yaml, Summary expected)
    {
        Assert.False(string.IsNullOrEmpty(name));
        Assert.Equal(expected, Summary.Of(Parse(yaml)));
    }

    [Fact]
    public void An_empty_configuration_decodes_to_the_default_profile()
    {
        var configuration = Parse(Head);
        var profile = Assert.Single(configuration.BuildProfiles());
        var expected = Profiles.Default();
        Assert.Equal(expected.SchedulerName, profile.SchedulerName);
        Assert.Equal(expected.PercentageOfNodesToScore, profile.PercentageOfNodesToScore);
        Assert.Equal(PluginSets.Of(expected), PluginSets.Of(profile));
        Assert.Equal(expected.Get<VolumeBinding>(VolumeBinding.PluginName)!.Args, profile.Get<VolumeBinding>(VolumeBinding.PluginName)!.Args);
        Assert.Equal(new VolumeBindingArgs(), configuration.VolumeBindingArgs());
        Assert.Equal(SchedulerConfiguration.Default.Profiles.Single(), configuration.Profiles.Single() with { Args = SchedulerConfiguration.Default.Profiles[0].Args });
    }

    [Fact]
    public void Specific_extension_points_override_multiPoint_with_their_weights_and_order()
    {
        var configuration = Parse(Head + """
            profiles:
              - schedulerName: weighted
                plugins:
                  score:
                    enabled:
                      - name: VolumeBinding
                        weight: 5
                      - name: NodeResourcesFit
                        weight: 0
                  filter:
                    disabled:
                      - name: TaintToleration
            """);
        var plugins = PluginSets.Of(configuration.BuildProfiles().Single());
        // Score: the score list first (weight 0 is 1), then the default plugins not named there, with their weights.
        Assert.Equal(
            [new("VolumeBinding", 5), new("NodeResourcesFit", 1), new("TaintToleration", 3), new("NodeAffinity", 2), new("PodTopologySpread", 2), new("InterPodAffinity", 2), new("NodeResourcesBalancedAllocation", 1), new("ImageLocality", 1)],
            plugins[ExtensionPoint.Score].Enabled);
        Assert.DoesNotContain(plugins[ExtensionPoint.Filter].Enabled, p => p.Name == "TaintToleration");
        Assert.Contains(plugins[ExtensionPoint.PreScore].Enabled, p => p.Name == "TaintToleration");
    }

    [Fact]
    public void MultiPoint_disabling_every_default_keeps_only_the_plugins_enabled_there()
    {
        var configuration = Parse(Head + """
            profiles:
              - plugins:
                  multiPoint:
                    enabled: [{name: PrioritySort}, {name: NodeName}, {name: VolumeBinding, weight: 7}, {name: DefaultBinder}]
                    disabled: [{name: "*"}]
            """);
        var plugins = PluginSets.Of(configuration.BuildProfiles().Single());
        Assert.Equal([new PluginSpec("NodeName"), new PluginSpec("VolumeBinding")], plugins[ExtensionPoint.Filter].Enabled);
        Assert.Equal([new PluginSpec("VolumeBinding", 7)], plugins[ExtensionPoint.Score].Enabled);
        Assert.Equal([new PluginSpec("PrioritySort")], plugins[ExtensionPoint.QueueSort].Enabled);
        Assert.Equal([new PluginSpec("VolumeBinding")], plugins[ExtensionPoint.PreBind].Enabled);
        Assert.Equal([new PluginSpec("DefaultBinder")], plugins[ExtensionPoint.Bind].Enabled);
    }

    [Fact]
    public void Plugin_args_are_decoded_with_defaults_for_what_is_left_out()
    {
        var configuration = Parse(Head + """
            profiles:
              - pluginConfig:
                  - name: VolumeBinding
                    args:
                      apiVersion: kubescheduler.config.k8s.io/v1
                      kind: VolumeBindingArgs
                      shape: [{utilization: 0, score: 10}, {utilization: 100, score: 0}]
                  - name: NodeResourcesFit
                    args:
                      scoringStrategy:
                        type: LeastAllocated
                        resources: [{name: memory}, {name: cpu, weight: 1}]
                  - name: NodeAffinity
                    args: {}
                  - name: NodeName
            """);
        var args = configuration.VolumeBindingArgs();
        Assert.Equal(600, args.BindTimeoutSeconds);
        Assert.Equal(VolumeBindingArgs.UpstreamShape, args.Shape);
        var profile = configuration.BuildProfiles().Single();
        Assert.Equal(VolumeBindingArgs.UpstreamShape, profile.Get<VolumeBinding>(VolumeBinding.PluginName)!.Args.Shape);
        // A weight left out (or 0) is 1, as SetDefaults_NodeResourcesFitArgs does; the order is kept.
        Assert.Equal(new NodeResourcesFitArgs { ScoringStrategy = new ScoringStrategy { Resources = [new("memory", 1), new("cpu", 1)] } },
            configuration.Profiles[0].ArgsOf<NodeResourcesFitArgs>(configuration.Registry, NodeResourcesFit.PluginName));
    }

    [Fact]
    public void NodeResourcesFit_args_take_every_scoring_strategy_and_ignored_resources()
    {
        var configuration = Parse(Head + """
            profiles:
              - pluginConfig:
                  - name: NodeResourcesFit
                    args:
                      ignoredResources: [example.com/foo]
                      ignoredResourceGroups: [example.org]
                      scoringStrategy:
                        type: RequestedToCapacityRatio
                        resources: [{name: cpu, weight: 2}, {name: nvidia.com/gpu, weight: 5}]
                        requestedToCapacityRatio:
                          shape: [{utilization: 0, score: 0}, {utilization: 100, score: 10}]
            """);
        Assert.Equal(new NodeResourcesFitArgs
        {
            IgnoredResources = ["example.com/foo"],
            IgnoredResourceGroups = ["example.org"],
            ScoringStrategy = new ScoringStrategy
            {
                Type = ScoringStrategyType.RequestedToCapacityRatio,
                Resources = [new("cpu", 2), new("nvidia.com/gpu", 5)],
                RequestedToCapacityRatioShape = [new(0, 0), new(100, 10)],
            },
        }, configuration.Profiles[0].ArgsOf<NodeResourcesFitArgs>(configuration.Registry, NodeResourcesFit.PluginName));
        var mostAllocated = Parse(Head + """
            profiles:
              - pluginConfig:
                  - name: NodeResourcesFit
                    args: {scoringStrategy: {type: MostAllocated}}
            """);
        Assert.Equal(ScoringStrategyType.MostAllocated, mostAllocated.Profiles[0].ArgsOf<NodeResourcesFitArgs>(mostAllocated.Registry, NodeResourcesFit.PluginName).ScoringStrategy.Type);
    }

    [Fact]
    public void An_empty_shape_takes_the_default_shape_as_upstreams_defaulting_does()
    {
        var configuration = Parse(Head + "profiles:\n  - pluginConfig:\n      - name: VolumeBinding\n        args: {bindTimeoutSeconds: 30, shape: []}\n");
        Assert.Equal(new VolumeBindingArgs { BindTimeoutSeconds = 30, Shape = VolumeBindingArgs.BestFitShape }, configuration.VolumeBindingArgs());
    }

    [Fact]
    public void A_command_line_bind_timeout_replaces_every_profiles()
    {
        var configuration = Parse(Head + "profiles:\n  - schedulerName: a\n  - schedulerName: b\n    pluginConfig:\n      - name: VolumeBinding\n        args: {bindTimeoutSeconds: 90, shape: [{utilization: 0, score: 10}, {utilization: 100, score: 0}]}\n")
            .WithBindTimeout(15);
        Assert.Equal(new VolumeBindingArgs { BindTimeoutSeconds = 15 }, configuration.VolumeBindingArgs(0));
        Assert.Equal(new VolumeBindingArgs { BindTimeoutSeconds = 15, Shape = VolumeBindingArgs.UpstreamShape }, configuration.VolumeBindingArgs(1));
        Assert.All(configuration.BuildProfiles(), p => Assert.Equal(15, p.Get<VolumeBinding>(VolumeBinding.PluginName)!.Args.BindTimeoutSeconds));
    }

    [Fact]
    public void Settings_that_are_read_but_not_used_are_named_in_warnings()
    {
        var configuration = Parse(Head + """
            parallelism: 8
            clientConnection: {kubeconfig: /etc/kubernetes/scheduler.conf}
            profiles:
              - plugins:
                  filter:
                    enabled: [{name: NodeName, weight: 3}]
            """);
        Assert.Equal(
        [
            "scheduler.yaml: parallelism is ignored: filtering spreads the nodes over the machine's cores",
            "scheduler.yaml: clientConnection is ignored: the API server is the one of --kubeconfig, --server or the in-cluster configuration",
            "scheduler.yaml: profiles[0].plugins.filter.enabled[0].weight is ignored: weights apply at score and multiPoint only",
        ], configuration.Warnings);
    }

    [Fact]
    public void The_example_file_loads_with_two_profiles_and_its_weights()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "scheduler-config", "volume-aware-scheduler-config.yaml");
        var configuration = SchedulerConfigurationFile.Load(path);
        Assert.Empty(configuration.Warnings);
        Assert.Equal(["volume-aware-scheduler", "volume-aware-scheduler-spread"], configuration.Profiles.Select(p => p.SchedulerName));
        var profiles = configuration.BuildProfiles();

        // The first profile is the default one, written out.
        Assert.Equal(PluginSets.Of(Profiles.Default()), PluginSets.Of(profiles[0]));
        Assert.Equal(new VolumeBindingArgs(), configuration.VolumeBindingArgs(0));

        // The second weighs volumes and spreading, scores every feasible node, and uses upstream's shape.
        Assert.Equal(100, profiles[1].PercentageOfNodesToScore);
        Assert.Equal(
            [new("VolumeBinding", 5), new("NodeResourcesFit", 2), new("TaintToleration", 3), new("NodeAffinity", 2), new("PodTopologySpread", 2), new("InterPodAffinity", 2), new("NodeResourcesBalancedAllocation", 1), new("ImageLocality", 1)],
            PluginSets.Of(profiles[1])[ExtensionPoint.Score].Enabled);
        Assert.Equal(VolumeBindingArgs.UpstreamShape, configuration.VolumeBindingArgs(1).Shape);

        Assert.Equal(new LeaderElectionSettings(), configuration.LeaderElection);
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)), (configuration.PodInitialBackoff, configuration.PodMaxBackoff));
    }

    [Fact]
    public void The_example_file_names_upstreams_shape_one_line_away()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "scheduler-config", "volume-aware-scheduler-config.yaml");
        var lines = File.ReadAllLines(path);
        var upstream = Array.FindIndex(lines, l => l.TrimStart().StartsWith("# shape: [{utilization: 0, score: 10}, {utilization: 100, score: 0}]", StringComparison.Ordinal));
        Assert.True(upstream > 0, "the commented upstream shape is in the file");
        var uncommented = string.Join("\n", lines.Select((l, i) => i == upstream ? l.Replace("# shape:", "shape:", StringComparison.Ordinal) : l))
            .Replace("          shape:\n            - {utilization: 0, score: 0}\n            - {utilization: 100, score: 10}\n", "", StringComparison.Ordinal);
        Assert.Equal(FunctionShapeOf(VolumeBindingArgs.UpstreamShape), FunctionShapeOf(SchedulerConfigurationFile.Parse(uncommented, path).VolumeBindingArgs(0).Shape));
    }

    private static string FunctionShapeOf(IReadOnlyList<FunctionShapePoint> shape) => string.Join(" ", shape);
}
