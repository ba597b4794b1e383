using System.CommandLine;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Standalone;

namespace VolumeAwareScheduler.Cli;

/// <summary>
/// `run`: the standalone secondary scheduler against a real API server (kubeconfig, in-cluster, or --server).
/// With leader election (the default) every replica keeps a warm cache and only the leader schedules.
/// <para>
/// With --config, the file's profiles (one per schedulerName), backoff and leader election are used. A flag given
/// explicitly wins over the file, as kube-scheduler's leader-election flags win over its --config; a flag left at its
/// default does not: --scheduler-name (renames the file's only profile), --leader-elect, --lease-namespace,
/// --lease-name, --bind-timeout-seconds (every profile's VolumeBinding bindTimeoutSeconds).
/// </para>
/// </summary>
public static partial class RunCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Path to a kubeconfig; default: in-cluster config, else ~/.kube/config." };
        var server = new Option<string?>("--server") { Description = "API server URL, without credentials (e.g. the emulator printed by `demo --keep-running`)." };
        var schedulerName = new Option<string>("--scheduler-name") { Description = "Schedule pods whose spec.schedulerName is this.", DefaultValueFactory = _ => StandaloneOptions.DefaultSchedulerName };
        var leaderElect = new Option<bool>("--leader-elect") { Description = "Take part in leader election on a Lease; only the leader schedules.", DefaultValueFactory = _ => true };
        var leaseNamespace = new Option<string>("--lease-namespace") { Description = "Namespace of the leader-election Lease.", DefaultValueFactory = _ => "kube-system" };
        var leaseName = new Option<string>("--lease-name") { Description = "Name of the leader-election Lease.", DefaultValueFactory = _ => "volume-aware-scheduler" };
        var bindTimeout = new Option<int>("--bind-timeout-seconds") { Description = "How long to wait for the PV controller to complete volume bindings.", DefaultValueFactory = _ => 30 };
        var metricsAddress = new Option<string>("--metrics-address")
        {
            Description = $"HOST:PORT of the plain-HTTP listener for /healthz, /readyz and /metrics (Prometheus); \"off\" disables it. Default {StandaloneOps.DefaultAddress}.",
            DefaultValueFactory = _ => StandaloneOps.DefaultAddress,
        };
        var releaseClaims = new Option<bool>("--release-claims-on-node-loss")
        {
            Description = "Node-loss policy (off by default; it deletes claims, and the data on their volumes is given up): when a node that local PVs of a StorageClass annotated volume-aware-scheduler.io/release-claims-on-node-loss=true are pinned to stays deleted past the grace period, delete the claims that pending StatefulSet pods wait for, so that they get new volumes.",
        };
        var nodeLossGrace = new Option<string>("--node-loss-grace-period")
        {
            Description = "How long a node must stay deleted before the node-loss policy releases claims of its PVs (a Go duration such as 10m or 1h).",
            DefaultValueFactory = _ => "10m",
        };
        var configFile = new Option<string?>("--config") { Description = "A KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1, YAML or JSON): profiles, backoff, leader election. Flags given explicitly win over it." };
        var command = new Command("run", "Run as a secondary scheduler for pods that name it in spec.schedulerName.")
        {
            kubeconfig, server, schedulerName, leaderElect, leaseNamespace, leaseName, bindTimeout, metricsAddress, releaseClaims, nodeLossGrace, configFile,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(kubeconfig) is not null && parse.GetValue(server) is not null)
            {
                stderr.WriteLine("error: --kubeconfig and --server cannot be used together.");
                return CommandLine.ExitBadInput;
            }
            if (parse.GetValue(bindTimeout) <= 0)
            {
                stderr.WriteLine("error: --bind-timeout-seconds must be positive.");
                return CommandLine.ExitBadInput;
            }
            if (!GoDuration.TryParse(parse.GetValue(nodeLossGrace) ?? "", out var grace) || grace <= TimeSpan.Zero)
            {
                stderr.WriteLine($"error: --node-loss-grace-period \"{parse.GetValue(nodeLossGrace)}\" is not a positive duration such as 10m or 1h30m.");
                return CommandLine.ExitBadInput;
            }
            bool Given(Option option) => parse.GetResult(option) is { Implicit: false };
            if (!CommandLine.TryLoadConfiguration(parse.GetValue(configFile), stderr, out var file)) return CommandLine.ExitBadInput;
            if (file is not null && Given(schedulerName) && file.Profiles.Count > 1)
            {
                stderr.WriteLine($"error: --scheduler-name renames a single profile, and {parse.GetValue(configFile)} has {file.Profiles.Count}: set their schedulerName in the file instead.");
                return CommandLine.ExitBadInput;
            }
            var settings = RunSettings.From(file,
                Given(schedulerName) ? parse.GetValue(schedulerName) : null,
                Given(bindTimeout) ? parse.GetValue(bindTimeout) : null,
                Given(leaderElect) ? parse.GetValue(leaderElect) : null,
                Given(leaseNamespace) ? parse.GetValue(leaseNamespace) : null,
                Given(leaseName) ? parse.GetValue(leaseName) : null,
                defaultBindTimeoutSeconds: parse.GetValue(bindTimeout)) with
            {
                NodeLoss = new NodeLoss.NodeLossOptions { Enabled = parse.GetValue(releaseClaims), GracePeriod = grace },
            };
            var opsAddress = StandaloneOps.IsDisabled(parse.GetValue(metricsAddress)) ? null : parse.GetValue(metricsAddress)!;
            if (opsAddress is not null && StandaloneOps.Validate(opsAddress) is { } addressError)
            {
                stderr.WriteLine($"error: {addressError}");
                return CommandLine.ExitBadInput;
            }
            if (!CommandLine.TryBuildClientConfiguration(parse.GetValue(server), parse.GetValue(kubeconfig), stderr, out var config)) return CommandLine.ExitBadInput;
            static void Console(ILoggingBuilder logging) => logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
            using var client = new k8s.Kubernetes(config);
            using var host = StandaloneHost.Build(client, settings, opsAddress, Console);
            var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("VolumeAwareScheduler.Run");
            Log.Starting(logger, config.Host ?? "(in-cluster)", string.Join(", ", settings.Profiles.Select(p => p.SchedulerName)));
            try
            {
                await host.StartAsync(cancellationToken);
            }
            catch (IOException e)
            {
                stderr.WriteLine($"error: cannot listen on --metrics-address {opsAddress}: {e.Message.TrimEnd('.')}.");
                return CommandLine.ExitBadInput;
            }
            if (host is WebApplication ops) Log.OpsListening(logger, string.Join(", ", ops.Urls));
            await host.WaitForShutdownAsync(cancellationToken);
            return host.Services.GetRequiredService<SchedulingService>().Failure is null ? CommandLine.ExitOk : CommandLine.ExitError;
        });
        return command;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Scheduling pods with schedulerName {SchedulerNames} against {Server}")]
        public static partial void Starting(ILogger logger, string server, string schedulerNames);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Health and metrics on {Urls} (/healthz, /readyz, /metrics)")]
        public static partial void OpsListening(ILogger logger, string urls);
    }
}
