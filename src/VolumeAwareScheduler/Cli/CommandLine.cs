using System.CommandLine;
using System.Text.Json;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Core.Configuration;
using VolumeAwareScheduler.Extender;
using VolumeAwareScheduler.Hosting;
using VolumeAwareScheduler.Kubernetes.Manifests;
using VolumeAwareScheduler.Simulation;

namespace VolumeAwareScheduler.Cli;

/// <summary>The executable's subcommands. Exit codes: 0 done, 1 failed at run time (check: an invariant is broken), 2 bad input or usage.</summary>
public static class CommandLine
{
    public const int ExitOk = 0;
    public const int ExitError = 1;
    public const int ExitBadInput = 2;

    /// <summary>
    /// The API client's configuration from --server (a URL, no credentials) or --kubeconfig, else in-cluster, else
    /// ~/.kube/config; false, with one sentence on <paramref name="stderr"/>, when it cannot be built.
    /// </summary>
    public static bool TryBuildClientConfiguration(string? server, string? kubeconfig, TextWriter stderr, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out k8s.KubernetesClientConfiguration? config)
    {
        try
        {
            config = server is { } url ? new k8s.KubernetesClientConfiguration { Host = url }
                : kubeconfig is { } path ? k8s.KubernetesClientConfiguration.BuildConfigFromConfigFile(path)
                : k8s.KubernetesClientConfiguration.IsInCluster() ? k8s.KubernetesClientConfiguration.InClusterConfig()
                : k8s.KubernetesClientConfiguration.BuildDefaultConfig();
            return true;
        }
        catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or IOException or UnauthorizedAccessException or UriFormatException)
        {
            stderr.WriteLine($"error: cannot build the API client configuration: {e.Message.TrimEnd('.')}.");
            config = null;
            return false;
        }
    }

    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var root = new RootCommand("VolumeAwareScheduler: WaitForFirstConsumer volume binding for Kubernetes, as a scheduler extender, a secondary scheduler, or offline.")
        {
            SimulateCommand(stdout, stderr),
            ServeCommand(stderr),
            DemoCommand.Create(stdout, stderr),
            RunCommand.Create(stdout, stderr),
            CheckCommand.Create(stdout, stderr),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) stderr.WriteLine($"error: {error.Message}");
            stderr.WriteLine("Run with --help for usage.");
            return ExitBadInput;
        }
        return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    private static Command SimulateCommand(TextWriter stdout, TextWriter stderr)
    {
        var cluster = new Option<string>("--cluster") { Description = "YAML dump of a cluster (several documents and/or kind: List).", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "table (for people) or json (one line per pod).", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json");
        var explain = new Option<string?>("--explain") { Description = "NAMESPACE/NAME of a pending pod: simulate the pods before it, then explain its decision per node (verdict, reasons, PV per claim, score) instead of placing it." };
        var configFile = ConfigOption("The first profile schedules every pending pod (whatever its schedulerName); the others are checked, not used.");
        var command = new Command("simulate", "Schedule the pending pods of a cluster dump offline, binding their claims as the cluster would.") { cluster, output, explain, configFile };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(cluster)!;
            if (!TryLoadConfiguration(parse.GetValue(configFile), stderr, out var configuration)) return ExitBadInput;
            try
            {
                var objects = ManifestReader.ReadFile(path);
                var simulator = new Simulator(profile: configuration?.BuildProfiles()[0]);
                var explainPod = parse.GetValue(explain) is { } e ? ExtenderEndpoints.ParsePodKey(e) : (Core.Model.ObjectKey?)null;
                var report = simulator.Run(objects, path, explainPod);
                foreach (var warning in IgnoredObjects.Warnings(path, simulator.Ignored)) stderr.WriteLine($"warning: {warning}");
                if (explainPod is { } wanted)
                {
                    if (simulator.Explanation is not { } explanation)
                    {
                        stderr.WriteLine($"error: --explain: {wanted} is not a pending pod of {path} (or a pod before it stopped its StatefulSet).");
                        return ExitBadInput;
                    }
                    if (parse.GetValue(output) == "json") stdout.WriteLine(JsonSerializer.Serialize(explanation, ExplainJsonContext.Default.PodExplanation));
                    else ExplanationTable.Write(explanation, stdout);
                    return ExitOk;
                }
                if (parse.GetValue(output) == "json") SimulationOutput.WriteJson(report, stdout);
                else SimulationOutput.WriteTable(report, stdout, simulator.State);
                return ExitOk;
            }
            catch (ManifestException e)
            {
                stderr.WriteLine($"error: {e.Message}");
                return ExitBadInput;
            }
        });
        return command;
    }

    private static Command ServeCommand(TextWriter stderr)
    {
        var cluster = new Option<string?>("--cluster") { Description = "YAML dump of a cluster (as for simulate), kept in memory and changed by bind. Without it, state comes from the API server of --server, --kubeconfig or the in-cluster config; with none of these /readyz answers 503 and filter answers {\"Error\":\"cluster state not loaded\"} (HTTP 200)." };
        var server = new Option<string?>("--server") { Description = "Live mode: API server URL without credentials (e.g. the emulator of `demo --keep-running`)." };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Live mode: path to a kubeconfig." };
        var urls = new Option<string>("--urls") { Description = "Where to listen; several separated by ';'. kube-scheduler's urlPrefix is <url>/scheduler.", DefaultValueFactory = _ => ServeOptions.DefaultUrls };
        var opsUrls = new Option<string?>("--ops-urls") { Description = "Extra listeners serving only /healthz, /readyz and /metrics (e.g. http://0.0.0.0:8889), so that kubelet and Prometheus reach them while the verbs stay on loopback." };
        var maxBytes = new Option<long>("--max-request-bytes") { Description = "Largest request body accepted (413 above it). The default fits 5,000 full Node objects.", DefaultValueFactory = _ => ServeOptions.DefaultMaxRequestBytes };
        var maxConcurrent = new Option<int>("--max-concurrent-requests") { Description = "Verb requests (/scheduler/*) decided at once; more wait in the queue.", DefaultValueFactory = _ => ServeOptions.DefaultMaxConcurrentRequests };
        var queue = new Option<int>("--request-queue") { Description = "Verb requests waiting for a slot, oldest first; beyond it 429 with Retry-After: 1.", DefaultValueFactory = _ => ServeOptions.DefaultRequestQueue };
        var requestTimeout = new Option<double?>("--request-timeout-seconds") { Description = "Deadline of one request, body included; past it 503 with Retry-After: 1. Default: the bind timeout plus 30 s." };
        var tlsCert = new Option<string?>("--tls-cert") { Description = "PEM certificate to serve TLS with (with --tls-key; --urls must then be https://)." };
        var tlsKey = new Option<string?>("--tls-key") { Description = "PEM private key of --tls-cert." };
        var clientCa = new Option<string?>("--client-ca") { Description = "PEM CA bundle: require client certificates issued by it." };
        var configFile = ConfigOption("The verbs run VolumeBinding alone with the first profile's VolumeBinding args (shape; bindTimeoutSeconds bounds bind's wait); explain runs the first profile.");
        var command = new Command("serve", "Run the kube-scheduler HTTP extender: POST /scheduler/{filter,prioritize,bind}, /scheduler/explain, /healthz, /readyz, /metrics.")
        {
            cluster, server, kubeconfig, urls, opsUrls, maxBytes, maxConcurrent, queue, requestTimeout, tlsCert, tlsKey, clientCa, configFile,
        };
        command.SetAction(parse =>
        {
            if (!TryLoadConfiguration(parse.GetValue(configFile), stderr, out var configuration)) return ExitBadInput;
            var options = new ServeOptions
            {
                ClusterFile = parse.GetValue(cluster),
                Server = parse.GetValue(server),
                Kubeconfig = parse.GetValue(kubeconfig),
                Urls = parse.GetValue(urls)!,
                OpsUrls = parse.GetValue(opsUrls),
                MaxRequestBytes = parse.GetValue(maxBytes),
                MaxConcurrentRequests = parse.GetValue(maxConcurrent),
                RequestQueue = parse.GetValue(queue),
                RequestTimeout = parse.GetValue(requestTimeout) is { } seconds ? TimeSpan.FromSeconds(double.IsNaN(seconds) ? -1 : Math.Clamp(seconds, -1, TimeSpan.MaxValue.TotalSeconds / 2)) : null,
                TlsCertFile = parse.GetValue(tlsCert),
                TlsKeyFile = parse.GetValue(tlsKey),
                ClientCaFile = parse.GetValue(clientCa),
                Scheduler = configuration,
            };
            var errors = options.Validate();
            if (errors.Count > 0)
            {
                foreach (var error in errors) stderr.WriteLine($"error: {error}");
                return ExitBadInput;
            }
            try
            {
                using var app = ExtenderHost.Build(options, stderr);
                app.Run();
                return ExitOk;
            }
            catch (ManifestException e)
            {
                stderr.WriteLine($"error: {e.Message}");
                return ExitBadInput;
            }
            catch (k8s.Exceptions.KubeConfigException e)
            {
                stderr.WriteLine($"error: cannot build the API client configuration: {e.Message.TrimEnd('.')}.");
                return ExitBadInput;
            }
        });
        return command;
    }

    private static Option<string?> ConfigOption(string use) =>
        new("--config") { Description = $"A KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1, YAML or JSON), decoded strictly. {use}" };

    /// <summary>Loads --config when given; prints each problem (exit 2 follows) or each warning.</summary>
    internal static bool TryLoadConfiguration(string? path, TextWriter stderr, out SchedulerConfiguration? configuration)
    {
        configuration = null;
        if (path is null) return true;
        try
        {
            configuration = SchedulerConfigurationFile.Load(path);
        }
        catch (ConfigException e)
        {
            foreach (var problem in e.Problems) stderr.WriteLine($"error: {problem}");
            return false;
        }
        foreach (var warning in configuration.Warnings) stderr.WriteLine($"warning: {warning}");
        return true;
    }
}
