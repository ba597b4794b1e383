using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Core.Configuration;

namespace VolumeAwareScheduler.Tests.Configuration;

/// <summary>
/// Every way a --config file is refused, each with the exact sentence(s) the command prints after "error: ": the file's
/// name, the field's path, the problem. Strict decoding stops at the first problem; validation reports them all.
/// </summary>
public sealed class ConfigurationErrorTests
{
    private const string Head = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n";

    /// <summary>A configuration whose one profile has <paramref name="profileBody"/> (indented under "- ").</summary>
    private static string Profile(string profileBody) => Head + "profiles:\n  - " + profileBody.ReplaceLineEndings("\n    ") + "\n";

    public static TheoryData<string, string, string[]> Cases => new()
    {
        // The file itself
        { "empty file", "", ["scheduler.yaml: the file is empty: a KubeSchedulerConfiguration needs at least apiVersion and kind"] },
        { "comments only", "# nothing here\n", ["scheduler.yaml: the file is empty: a KubeSchedulerConfiguration needs at least apiVersion and kind"] },
        { "invalid YAML", Head + "profiles: [\n", ["scheduler.yaml: not valid YAML at line 4, column 1: While parsing a node, did not find expected node content"] },
        { "repeated key", Head + "kind: KubeSchedulerConfiguration\n", ["scheduler.yaml: not valid YAML at line 3, column 1: a key is repeated"] },
        { "two documents", Head + "---\n" + Head, ["scheduler.yaml: the file has 2 YAML documents: give one KubeSchedulerConfiguration"] },
        { "not a map", "- apiVersion: kubescheduler.config.k8s.io/v1\n", ["scheduler.yaml: expected a map (a KubeSchedulerConfiguration), got a list"] },

        // apiVersion and kind
        { "no apiVersion", "kind: KubeSchedulerConfiguration\n", ["scheduler.yaml: apiVersion: Required value: must be \"kubescheduler.config.k8s.io/v1\""] },
        {
            "old apiVersion", "apiVersion: kubescheduler.config.k8s.io/v1beta3\nkind: KubeSchedulerConfiguration\n",
            ["scheduler.yaml: apiVersion: Invalid value: \"kubescheduler.config.k8s.io/v1beta3\": must be \"kubescheduler.config.k8s.io/v1\""]
        },
        { "no kind", "apiVersion: kubescheduler.config.k8s.io/v1\n", ["scheduler.yaml: kind: Required value: must be \"KubeSchedulerConfiguration\""] },
        {
            "another kind", "apiVersion: kubescheduler.config.k8s.io/v1\nkind: Policy\n",
            ["scheduler.yaml: kind: Invalid value: \"Policy\": must be \"KubeSchedulerConfiguration\""]
        },
        { "apiVersion not a string", "apiVersion: 1\nkind: KubeSchedulerConfiguration\n", ["scheduler.yaml: apiVersion: expected a string, got an integer (1)"] },

        // Unknown fields, at each level
        {
            "unknown top-level field", Head + "percentageOfNodeToScore: 50\n",
            ["scheduler.yaml: percentageOfNodeToScore: unknown field (known fields: apiVersion, kind, parallelism, leaderElection, clientConnection, enableProfiling, enableContentionProfiling, percentageOfNodesToScore, percentageOfPlacementsToScore, podInitialBackoffSeconds, podMaxBackoffSeconds, profiles, extenders, delayCacheUntilActive)"]
        },
        {
            "v1beta field gone in v1", Head + "healthzBindAddress: 0.0.0.0:10251\n",
            ["scheduler.yaml: healthzBindAddress: unknown field (known fields: apiVersion, kind, parallelism, leaderElection, clientConnection, enableProfiling, enableContentionProfiling, percentageOfNodesToScore, percentageOfPlacementsToScore, podInitialBackoffSeconds, podMaxBackoffSeconds, profiles, extenders, delayCacheUntilActive)"]
        },
        {
            "unknown profile field", Profile("name: fast"),
            ["scheduler.yaml: profiles[0].name: unknown field (known fields: schedulerName, percentageOfNodesToScore, percentageOfPlacementsToScore, plugins, pluginConfig)"]
        },
        {
            "unknown extension point", Profile("plugins:\n  scores: {}"),
            ["scheduler.yaml: profiles[0].plugins.scores: unknown field (known fields: preEnqueue, queueSort, preFilter, filter, postFilter, preScore, score, reserve, permit, preBind, bind, postBind, multiPoint, placementGenerate, placementScore, placementFeasible, podGroupPostFilter)"]
        },
        {
            "unknown plugin set field", Profile("plugins:\n  score:\n    enable: [{name: VolumeBinding}]"),
            ["scheduler.yaml: profiles[0].plugins.score.enable: unknown field (known fields: enabled, disabled)"]
        },
        {
            "unknown plugin field", Profile("plugins:\n  score:\n    enabled: [{name: VolumeBinding, wieght: 2}]"),
            ["scheduler.yaml: profiles[0].plugins.score.enabled[0].wieght: unknown field (known fields: name, weight)"]
        },
        {
            "unknown pluginConfig field", Profile("pluginConfig:\n  - name: VolumeBinding\n    arguments: {}"),
            ["scheduler.yaml: profiles[0].pluginConfig[0].arguments: unknown field (known fields: name, args)"]
        },
        {
            "unknown arg", Profile("pluginConfig:\n  - name: VolumeBinding\n    args: {bindTimeout: 30}"),
            ["scheduler.yaml: profiles[0].pluginConfig[0].args.bindTimeout: unknown field (known fields: bindTimeoutSeconds, shape, apiVersion, kind)"]
        },
        {
            "unknown shape point field", Profile("pluginConfig:\n  - name: VolumeBinding\n    args:\n      shape: [{utilisation: 0, score: 0}]"),
            ["scheduler.yaml: profiles[0].pluginConfig[0].args.shape[0].utilisation: unknown field (known fields: utilization, score)"]
        },
        {
            "unknown leaderElection field", Head + "leaderElection:\n  leaseDurationSeconds: 15\n",
            ["scheduler.yaml: leaderElection.leaseDurationSeconds: unknown field (known fields: leaderElect, leaseDuration, renewDeadline, retryPeriod, resourceLock, resourceName, resourceNamespace)"]
        },
        {
            "unknown clientConnection field", Head + "clientConnection:\n  timeout: 5s\n",
            ["scheduler.yaml: clientConnection.timeout: unknown field (known fields: kubeconfig, acceptContentTypes, contentType, qps, burst)"]
        },
        { "args of a plugin without args", Profile("pluginConfig:\n  - name: NodeName\n    args: {strict: true}"), ["scheduler.yaml: profiles[0].pluginConfig[0].args: plugin \"NodeName\" takes no args"] },

        // Wrong types
        { "a string for an integer", Head + "percentageOfNodesToScore: fifty\n", ["scheduler.yaml: percentageOfNodesToScore: expected an integer, got a string (\"fifty\")"] },
        { "a quoted number for an integer", Head + "podMaxBackoffSeconds: \"10\"\n", ["scheduler.yaml: podMaxBackoffSeconds: expected an integer, got a string (\"10\")"] },
        { "a map for a list", Head + "profiles: {schedulerName: a}\n", ["scheduler.yaml: profiles: expected a list, got a map"] },
        { "a list for a map", Head + "leaderElection: [true]\n", ["scheduler.yaml: leaderElection: expected a map, got a list"] },
        { "a fraction for a weight", Profile("plugins:\n  score:\n    enabled: [{name: VolumeBinding, weight: 1.5}]"), ["scheduler.yaml: profiles[0].plugins.score.enabled[0].weight: expected an integer, got a number (1.5)"] },
        { "a weight beyond 32 bits", Profile("plugins:\n  score:\n    enabled: [{name: VolumeBinding, weight: 3000000000}]"), ["scheduler.yaml: profiles[0].plugins.score.enabled[0].weight: expected a 32-bit integer, got 3000000000"] },
        { "a quoted boolean", Head + "leaderElection:\n  leaderElect: \"false\"\n", ["scheduler.yaml: leaderElection.leaderElect: expected a boolean, got a string (\"false\")"] },
        { "a number for a duration", Head + "leaderElection:\n  leaseDuration: 15\n", ["scheduler.yaml: leaderElection.leaseDuration: expected a duration such as \"15s\" or \"1m30s\", got an integer (15)"] },
        { "a duration without a unit", Head + "leaderElection:\n  retryPeriod: \"2\"\n", ["scheduler.yaml: leaderElection.retryPeriod: expected a duration such as \"15s\" or \"1m30s\", got a string (\"2\")"] },
        { "a number for a plugin name", Profile("plugins:\n  filter:\n    disabled: [{name: 5}]"), ["scheduler.yaml: profiles[0].plugins.filter.disabled[0].name: expected a string, got an integer (5)"] },

        // Plugins
        {
            "unknown plugin", Profile("plugins:\n  score:\n    enabled:\n      - name: VolumeBinding\n      - name: Foo"),
            ["scheduler.yaml: profiles[0].plugins.score.enabled[1].name: unknown plugin \"Foo\""]
        },
        { "unknown plugin disabled", Profile("plugins:\n  multiPoint:\n    disabled: [{name: VolumeBindng}]"), ["scheduler.yaml: profiles[0].plugins.multiPoint.disabled[0].name: unknown plugin \"VolumeBindng\""] },
        { "an upstream plugin not implemented here", Profile("plugins:\n  filter:\n    enabled: [{name: DynamicResources}]"), ["scheduler.yaml: profiles[0].plugins.filter.enabled[0].name: plugin \"DynamicResources\" is not supported yet"] },
        { "a plugin without a name", Profile("plugins:\n  filter:\n    enabled: [{weight: 1}]"), ["scheduler.yaml: profiles[0].plugins.filter.enabled[0].name: Required value"] },
        { "\"*\" enabled", Profile("plugins:\n  filter:\n    enabled: [{name: \"*\"}]"), ["scheduler.yaml: profiles[0].plugins.filter.enabled[0].name: unknown plugin \"*\""] },
        {
            "duplicate plugin", Profile("plugins:\n  score:\n    enabled: [{name: NodeAffinity, weight: 2}, {name: NodeAffinity, weight: 4}]"),
            ["scheduler.yaml: profiles[0].plugins.score.enabled[1].name: Duplicate value: \"NodeAffinity\""]
        },
        {
            "duplicate MultiPoint plugin", Profile("plugins:\n  multiPoint:\n    enabled: [{name: VolumeBinding}, {name: VolumeBinding}]"),
            ["scheduler.yaml: profiles[0].plugins.multiPoint.enabled[1].name: Duplicate value: \"VolumeBinding\""]
        },
        {
            "negative weight", Profile("plugins:\n  score:\n    enabled: [{name: VolumeBinding, weight: -1}]"),
            ["scheduler.yaml: profiles[0].plugins.score.enabled[0].weight: Invalid value: -1: must not be negative (0 or unset is 1)"]
        },
        {
            "a plugin at a point it does not implement", Profile("plugins:\n  preFilter:\n    enabled: [{name: NodeName}]"),
            ["scheduler.yaml: profiles[0]: plugin \"NodeName\" does not extend PreFilterPlugin plugin"]
        },
        {
            "a plugin at bind that does not bind", Profile("plugins:\n  bind:\n    enabled: [{name: VolumeBinding}]"),
            ["scheduler.yaml: profiles[0]: plugin \"VolumeBinding\" does not extend BindPlugin plugin"]
        },
        {
            "a plugin at permit (none extends it here)", Profile("plugins:\n  permit:\n    enabled: [{name: VolumeBinding}]"),
            ["scheduler.yaml: profiles[0]: plugin \"VolumeBinding\" does not extend PermitPlugin plugin"]
        },
        {
            "no bind plugin", Profile("plugins:\n  bind:\n    disabled: [{name: DefaultBinder}]"),
            ["scheduler.yaml: profiles[0]: at least one bind plugin is needed for profile with scheduler name \"volume-aware-scheduler\""]
        },
        {
            "no queue sort", Profile("plugins:\n  queueSort:\n    disabled: [{name: \"*\"}]"),
            ["scheduler.yaml: profiles[0]: only one queue sort plugin required for profile with scheduler name \"volume-aware-scheduler\", but got 0"]
        },
        {
            "queue sort differs between profiles",
            Head + "profiles:\n  - schedulerName: a\n  - schedulerName: b\n    plugins:\n      queueSort:\n        disabled: [{name: \"*\"}]\n        enabled: [{name: PrioritySort}]\n",
            ["scheduler.yaml: profiles[1].plugins.queueSort: Invalid value: \"enabled [PrioritySort] disabled [*]\": queueSort must be the same for all profiles"]
        },
        {
            "placement extension point", Profile("plugins:\n  placementScore:\n    enabled: [{name: VolumeBinding}]"),
            ["scheduler.yaml: profiles[0].plugins.placementScore: not supported yet: this scheduler places pods one at a time, not pod groups"]
        },

        // Profiles
        { "two profiles, one without a name", Head + "profiles:\n  - schedulerName: a\n  - percentageOfNodesToScore: 10\n", ["scheduler.yaml: profiles[1].schedulerName: Required value"] },
        { "duplicate schedulerName", Head + "profiles:\n  - schedulerName: a\n  - schedulerName: a\n", ["scheduler.yaml: profiles[1].schedulerName: Duplicate value: \"a\""] },
        { "profile percentage out of range", Profile("percentageOfNodesToScore: 101"), ["scheduler.yaml: profiles[0].percentageOfNodesToScore: Invalid value: 101: not in valid range [0-100]"] },

        // pluginConfig and args
        { "unknown plugin in pluginConfig", Profile("pluginConfig:\n  - name: Foo\n    args: {}"), ["scheduler.yaml: profiles[0].pluginConfig[0].name: unknown plugin \"Foo\""] },
        {
            "duplicate pluginConfig", Profile("pluginConfig:\n  - name: VolumeBinding\n  - name: VolumeBinding"),
            ["scheduler.yaml: profiles[0].pluginConfig[1]: Duplicate value: \"VolumeBinding\""]
        },
        {
            "invalid shape", Profile("pluginConfig:\n  - name: VolumeBinding\n    args:\n      shape: [{utilization: 50, score: 5}, {utilization: 20, score: 11}]"),
            [
                "scheduler.yaml: profiles[0].pluginConfig[0].args.shape[1].utilization: Invalid value: 20: values must be sorted in increasing order",
                "scheduler.yaml: profiles[0].pluginConfig[0].args.shape[1].score: Invalid value: 11: not in valid range [0, 10]",
            ]
        },
        {
            "negative bindTimeoutSeconds", Profile("pluginConfig:\n  - name: VolumeBinding\n    args: {bindTimeoutSeconds: -1}"),
            ["scheduler.yaml: profiles[0].pluginConfig[0].args.bindTimeoutSeconds: Invalid value: -1: invalid BindTimeoutSeconds, should not be a negative value"]
        },
        {
            "args of another kind", Profile("pluginConfig:\n  - name: VolumeBinding\n    args: {kind: NodeAffinityArgs}"),
            ["scheduler.yaml: profiles[0].pluginConfig[0].args.kind: Invalid value: \"NodeAffinityArgs\": must be \"VolumeBindingArgs\""]
        },
        {
            "NodeAffinity addedAffinity", Profile("pluginConfig:\n  - name: NodeAffinity\n    args:\n      addedAffinity:\n        requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: []}"),
            ["scheduler.yaml: profiles[0].pluginConfig[0].args.addedAffinity: not supported yet: NodeAffinity does not apply an added affinity to the profile's pods"]
        },
        {
            "NodeResourcesFit unknown strategy", Profile("pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy: {type: Invalid}"),
            ["scheduler.yaml: profiles[0].pluginConfig[0].args.scoringStrategy.type: Unsupported value: \"Invalid\": supported values: \"LeastAllocated\", \"MostAllocated\", \"RequestedToCapacityRatio\""]
        },
        {
            "NodeResourcesFit resource weight out of range", Profile("pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy:\n        type: LeastAllocated\n        resources: [{name: cpu, weight: 101}, {name: memory, weight: 1}]"),
            ["scheduler.yaml: profiles[0].pluginConfig[0].args.scoringStrategy.resources[0].weight: Invalid value: 101: resource weight of cpu not in valid range (0, 100]"]
        },
        {
            "NodeResourcesFit resource group with a slash", Profile("pluginConfig:\n  - name: NodeResourcesFit\n    args: {ignoredResourceGroups: [example.com/foo]}"),
            ["scheduler.yaml: profiles[0].pluginConfig[0].args.ignoredResourceGroups[0]: Invalid value: \"example.com/foo\": resource group name can't contain '/'"]
        },

        // Top-level values
        { "percentage out of range", Head + "percentageOfNodesToScore: -1\n", ["scheduler.yaml: percentageOfNodesToScore: Invalid value: -1: not in valid range [0-100]"] },
        { "initial backoff zero", Head + "podInitialBackoffSeconds: 0\n", ["scheduler.yaml: podInitialBackoffSeconds: Invalid value: 0: must be greater than 0"] },
        {
            "max backoff below initial", Head + "podInitialBackoffSeconds: 5\npodMaxBackoffSeconds: 2\n",
            ["scheduler.yaml: podMaxBackoffSeconds: Invalid value: 2: must be greater than or equal to PodInitialBackoffSeconds"]
        },
        { "parallelism zero", Head + "parallelism: 0\n", ["scheduler.yaml: parallelism: Invalid value: 0: should be an integer value greater than zero"] },
        {
            "extenders", Head + "extenders:\n  - urlPrefix: http://127.0.0.1:8888/scheduler\n    filterVerb: filter\n",
            ["scheduler.yaml: extenders: not supported: this scheduler is itself the extender (serve); configure extenders in kube-scheduler's own configuration, such as scheduler-config/kube-scheduler-config.yaml"]
        },
        { "percentageOfPlacementsToScore", Head + "percentageOfPlacementsToScore: 10\n", ["scheduler.yaml: percentageOfPlacementsToScore: not supported yet: this scheduler places pods one at a time, not pod groups"] },
        {
            "lease duration not above renew deadline", Head + "leaderElection:\n  leaseDuration: 10s\n  renewDeadline: 10s\n",
            ["scheduler.yaml: leaderElection.leaseDuration: Invalid value: \"10s\": LeaseDuration must be greater than RenewDeadline"]
        },
        {
            "renew deadline within the retry jitter", Head + "leaderElection:\n  renewDeadline: 2s\n  retryPeriod: 2s\n",
            ["scheduler.yaml: leaderElection.renewDeadline: Invalid value: \"2s\": renewDeadline must be greater than retryPeriod*JitterFactor (1.2)"]
        },
        { "a lock other than leases", Head + "leaderElection:\n  resourceLock: endpointsleases\n", ["scheduler.yaml: leaderElection.resourceLock: Invalid value: \"endpointsleases\": resourceLock value must be \"leases\""] },
        {
            "every validation problem is reported", Head + "percentageOfNodesToScore: 101\npodInitialBackoffSeconds: 0\n",
            [
                "scheduler.yaml: percentageOfNodesToScore: Invalid value: 101: not in valid range [0-100]",
                "scheduler.yaml: podInitialBackoffSeconds: Invalid value: 0: must be greater than 0",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_bad_configuration_is_refused_with_one_sentence_per_problem(string name, string yaml, string[] expected)
    {
        Assert.False(string.IsNullOrEmpty(name));
        var error = Assert.Throws<ConfigException>(() => SchedulerConfigurationFile.Parse(yaml, "scheduler.yaml"));
        Assert.Equal(string.Join(Environment.NewLine, expected), string.Join(Environment.NewLine, error.Problems));
        Assert.Equal(expected.Length, error.Problems.Count);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-config-{Guid.NewGuid():N}.yaml");
        var error = Assert.Throws<ConfigException>(() => SchedulerConfigurationFile.Load(path));
        Assert.Equal([$"{path}: cannot read the file: no such file"], error.Problems);
    }
}
