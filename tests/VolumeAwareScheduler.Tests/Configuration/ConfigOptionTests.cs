using VolumeAwareScheduler.Cli;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;
using VolumeAwareScheduler.Tests.Extender;

namespace VolumeAwareScheduler.Tests.Configuration;

/// <summary>--config on the command line: what simulate, serve and run take from the file, and how a bad file stops them.</summary>
public sealed class ConfigOptionTests
{
    private static string TestData(string name) => Path.Combine(AppContext.BaseDirectory, "Configuration", "testdata", name);

    private static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CommandLine.Run(args, stdout, stderr);
        return (exit, stdout.ToString().ReplaceLineEndings("\n"), stderr.ToString().ReplaceLineEndings("\n"));
    }

    public static TheoryData<string> Commands => new() { "simulate", "serve", "run" };

    [Theory]
    [MemberData(nameof(Commands))]
    public void A_bad_file_exits_2_with_one_sentence_naming_the_file_and_the_key(string command)
    {
        var config = TestData("unknown-plugin.yaml");
        string[] args = command switch
        {
            "simulate" => ["simulate", "--cluster", TestData("two-sizes.yaml"), "--config", config],
            "serve" => ["serve", "--cluster", TestData("two-sizes.yaml"), "--config", config],
            _ => ["run", "--server", "http://127.0.0.1:1", "--leader-elect=false", "--metrics-address", "off", "--config", config],
        };

        var (exit, stdout, stderr) = Run(args);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Equal($"error: {config}: profiles[0].plugins.score.enabled[1].name: unknown plugin \"Foo\"\n", stderr);
    }

    [Fact]
    public void A_missing_file_exits_2()
    {
        var config = TestData("no-such-config.yaml");
        var (exit, _, stderr) = Run("simulate", "--cluster", TestData("two-sizes.yaml"), "--config", config);
        Assert.Equal(2, exit);
        Assert.Equal($"error: {config}: cannot read the file: no such file\n", stderr);
    }

    [Fact]
    public void Simulate_without_a_file_scores_best_fit_and_with_upstreams_shape_the_most_free_capacity()
    {
        var bestFit = Run("simulate", "--cluster", TestData("two-sizes.yaml"), "--output", "json");
        var upstream = Run("simulate", "--cluster", TestData("two-sizes.yaml"), "--output", "json", "--config", TestData("upstream-shape.yaml"));

        Assert.Equal((0, ""), (bestFit.Exit, bestFit.Stderr));
        Assert.Equal("""{"pod":"default/app","node":"node-1","bindings":[{"claim":"default/data","volume":"pv-small"}],"provisions":[]}""" + "\n", bestFit.Stdout);
        Assert.Equal((0, ""), (upstream.Exit, upstream.Stderr));
        Assert.Equal("""{"pod":"default/app","node":"node-2","bindings":[{"claim":"default/data","volume":"pv-large"}],"provisions":[]}""" + "\n", upstream.Stdout);
    }

    [Fact]
    public void Simulate_uses_the_first_profile_and_prints_the_files_warnings()
    {
        var config = TestData("two-profiles.yaml");
        var (exit, stdout, stderr) = Run("simulate", "--cluster", TestData("two-sizes.yaml"), "--output", "json", "--config", config);

        Assert.Equal(0, exit);
        Assert.Equal($"warning: {config}: parallelism is ignored: filtering spreads the nodes over the machine's cores\n", stderr);
        Assert.Contains("\"node\":\"node-1\"", stdout, StringComparison.Ordinal); // the pod names volume-aware-scheduler; the first profile ("first") still decides
    }

    [Fact]
    public void Run_refuses_scheduler_name_for_a_file_with_several_profiles()
    {
        var config = TestData("two-profiles.yaml");
        var (exit, _, stderr) = Run("run", "--server", "http://127.0.0.1:1", "--metrics-address", "off", "--scheduler-name", "x", "--config", config);
        Assert.Equal(2, exit);
        Assert.EndsWith($"error: --scheduler-name renames a single profile, and {config} has 2: set their schedulerName in the file instead.\n", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_prioritizes_with_the_first_profiles_VolumeBinding_args()
    {
        const string body = """{"Pod":{"metadata":{"name":"app","namespace":"default","uid":"u-app"},"spec":{"containers":[{"name":"c","image":"busybox"}],"volumes":[{"name":"data","persistentVolumeClaim":{"claimName":"data"}}]}},"Nodes":null,"NodeNames":["node-1","node-2"]}""";
        var cluster = TestData("two-sizes.yaml");

        await using var bestFit = await ExtenderTestHost.StartAsync(new ServeOptions { ClusterFile = cluster });
        await using var upstream = await ExtenderTestHost.StartAsync(new ServeOptions
        {
            ClusterFile = cluster,
            Scheduler = SchedulerConfigurationFile.Load(TestData("upstream-shape.yaml")),
        });

        // 5Gi of 6Gi is 83% used (best fit 8 of 10, upstream 1); 5Gi of 100Gi is 5% (best fit 0, upstream 9).
        Assert.Equal((200, """[{"Host":"node-1","Score":8},{"Host":"node-2","Score":0}]"""), await bestFit.PostAsync("/scheduler/prioritize", body));
        Assert.Equal((200, """[{"Host":"node-1","Score":1},{"Host":"node-2","Score":9}]"""), await upstream.PostAsync("/scheduler/prioritize", body));
    }

    [Fact]
    public void Serve_takes_its_bind_timeout_and_explain_profile_from_the_file()
    {
        var options = new ServeOptions { Scheduler = SchedulerConfigurationFile.Load(Path.Combine(AppContext.BaseDirectory, "scheduler-config", "volume-aware-scheduler-config.yaml")) };
        Assert.Equal(TimeSpan.FromSeconds(600), options.EffectiveBindTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), new ServeOptions().EffectiveBindTimeout);
        Assert.Equal(PluginSets.Of(Profiles.Extender()), PluginSets.Of(options.ExtenderProfile()));
        Assert.Equal(100, options.ExplainProfile().PercentageOfNodesToScore);
        Assert.Equal("volume-aware-scheduler", options.ExplainProfile().SchedulerName);
    }

    public sealed record Precedence(string Names, long[] BindTimeouts, double InitialBackoff, double MaxBackoff, bool LeaderElect, string Lease);

    public static TheoryData<string, string?, string?, int?, bool?, string?, Precedence> PrecedenceCases => new()
    {
        { "no file, no flags: the flags' defaults", null, null, null, null, null, new("volume-aware-scheduler", [30], 1, 10, true, "kube-system/volume-aware-scheduler") },
        { "no file, flags", null, "mine", 45, false, "mine-lease", new("mine", [45], 1, 10, false, "kube-system/mine-lease") },
        {
            "a file, no flags: the file's values",
            "podInitialBackoffSeconds: 2\npodMaxBackoffSeconds: 20\nleaderElection: {leaderElect: false, resourceName: file-lease, resourceNamespace: storage}\nprofiles:\n  - schedulerName: a\n    pluginConfig: [{name: VolumeBinding, args: {bindTimeoutSeconds: 90}}]\n  - schedulerName: b\n",
            null, null, null, null, new("a, b", [90, 600], 2, 20, false, "storage/file-lease")
        },
        {
            "a file and explicit flags: the flags win",
            "leaderElection: {leaderElect: false, resourceName: file-lease}\nprofiles:\n  - schedulerName: a\n",
            "renamed", 15, true, "flag-lease", new("renamed", [15], 1, 10, true, "kube-system/flag-lease")
        },
    };

    [Theory]
    [MemberData(nameof(PrecedenceCases))]
    public void Run_flags_given_explicitly_win_over_the_file_and_the_file_over_flag_defaults(string name, string? file, string? schedulerName, int? bindTimeout,
        bool? leaderElect, string? leaseName, Precedence expected)
    {
        Assert.False(string.IsNullOrEmpty(name));
        var configuration = file is null ? null : SchedulerConfigurationFile.Parse("apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n" + file, "scheduler.yaml");
        var settings = RunSettings.From(configuration, schedulerName, bindTimeout, leaderElect, leaseNamespace: null, leaseName);
        var actual = new Precedence(
            string.Join(", ", settings.Profiles.Select(p => p.SchedulerName)),
            [.. settings.Profiles.Select(p => p.Get<VolumeBinding>(VolumeBinding.PluginName)!.Args.BindTimeoutSeconds)],
            settings.Queue.InitialBackoff.TotalSeconds, settings.Queue.MaxBackoff.TotalSeconds,
            settings.LeaderElection.LeaderElect, $"{settings.LeaderElection.ResourceNamespace}/{settings.LeaderElection.ResourceName}");
        Assert.Equal(expected with { BindTimeouts = [] }, actual with { BindTimeouts = [] });
        Assert.Equal(expected.BindTimeouts, actual.BindTimeouts);
    }
}
