using System.Diagnostics.Metrics;
using System.Net;
using VolumeAwareScheduler.Testing.Kubernetes;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VolumeAwareScheduler.ApiEmulator;
using VolumeAwareScheduler.Cli;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Standalone;

namespace VolumeAwareScheduler.Tests.Standalone;

/// <summary>`run`'s operator listener: /readyz follows the caches, /healthz the informers, /metrics the scheduler.</summary>
public sealed class StandaloneOpsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Readyz_turns_ready_when_caches_sync_healthz_answers_and_metrics_name_every_instrument()
    {
        await using var emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions());
        using var admin = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        await admin.CoreV1.CreateNodeAsync(Objects.Node("node-1"));
        var gate = new GateHandler(); // holds every request of the scheduler's client: its caches cannot sync
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() }, gate);
        await using var ops = StandaloneOps.Build("127.0.0.1:0", b => b.Logging.ClearProviders());
        await using var runner = new StandaloneRunner(client, new StandaloneOptions(), TimeProvider.System, NullLoggerFactory.Instance,
            StandaloneTestCluster.EventsOnly, meterFactory: ops.Services.GetRequiredService<IMeterFactory>());
        await ops.MapStandaloneOps(runner).StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(ops.Urls.Single()) };

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);

        gate.Open();
        await runner.Cluster.Synced.WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode); // a barrier went through the cache

        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);
        var pod = new ObjectKey("default", "late");
        await admin.CoreV1.CreateNamespacedPodAsync(Objects.Pod("late", null, nodeSelector: new Dictionary<string, string> { ["kubernetes.io/hostname"] = "node-2" }), "default");
        await StandaloneTestCluster.NextAsync<PodUnschedulable>(runner, pod);
        await admin.CoreV1.CreateNodeAsync(Objects.Node("node-2"));
        await StandaloneTestCluster.NextAsync<PodBound>(runner, pod);
        var metrics = await http.GetStringAsync("/metrics");
        await stop.CancelAsync();
        await run.WaitAsync(Patience);

        Assert.Contains("vas_scheduler_attempts_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("result=\"scheduled\"", metrics, StringComparison.Ordinal);
        Assert.Contains("result=\"unschedulable\"", metrics, StringComparison.Ordinal);
        Assert.Contains("vas_scheduler_cycle_duration_seconds_bucket{", metrics, StringComparison.Ordinal);
        Assert.Contains("vas_scheduler_binding_duration_seconds_bucket{", metrics, StringComparison.Ordinal);
        Assert.Contains("vas_scheduler_pending_pods{", metrics, StringComparison.Ordinal);
        Assert.Contains("queue=\"unschedulable\"", metrics, StringComparison.Ordinal);
        Assert.Contains("vas_scheduler_leader{", metrics, StringComparison.Ordinal);
        // The curing event's latency: the node's addition to the pod's binding, recorded once.
        Assert.Contains(metrics.Split('\n'), l => l.StartsWith("vas_scheduler_event_to_binding_duration_seconds_count{", StringComparison.Ordinal)
            && l.Contains("event=\"Node\"", StringComparison.Ordinal) && l.TrimEnd().EndsWith(" 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Curing_event_latency_is_recorded_when_the_requeued_pod_binds()
    {
        await using var emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions());
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
        await client.CoreV1.CreateNodeAsync(Objects.Node("node-1"));
        await client.StorageV1.CreateStorageClassAsync(Objects.LocalClass());
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        var recorded = new List<(double Seconds, string? Event)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meterFactory && instrument.Name == "vas.scheduler.event_to_binding.duration") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            string? kind = null;
            foreach (var tag in tags) if (tag.Key == "event") kind = tag.Value as string;
            lock (recorded) recorded.Add((value, kind));
        });
        listener.Start();
        await using var runner = new StandaloneRunner(client, new StandaloneOptions(), TimeProvider.System, NullLoggerFactory.Instance,
            StandaloneTestCluster.EventsOnly, meterFactory: meterFactory);
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);

        var pod = new ObjectKey("default", "waiter");
        await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Objects.Claim("late"), "default");
        await client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("waiter", "late"), "default");
        await StandaloneTestCluster.NextAsync<PodUnschedulable>(runner, pod);
        await client.CoreV1.CreatePersistentVolumeAsync(Objects.LocalVolume("pv-late", "node-1"));
        var bound = await StandaloneTestCluster.NextAsync<PodBound>(runner, pod);
        await stop.CancelAsync();
        await run.WaitAsync(Patience);

        // The event that moved the pod: the new volume, or a change to its claim that the PV controller made meanwhile.
        var (seconds, kind) = Assert.Single(recorded);
        Assert.Equal(bound.Cure!.Value.Event.Kind.ToString(), kind);
        Assert.Contains(kind, new[] { "PersistentVolume", "PersistentVolumeClaim" });
        Assert.Equal((bound.At - bound.Cure!.Value.At).TotalSeconds, seconds, 6);
    }

    [Fact]
    public async Task Healthz_fails_when_an_informer_has_died()
    {
        await using var emulator = await ApiEmulator.ApiEmulator.StartAsync(new ApiEmulatorOptions());
        var breaker = new BreakingHandler("/api/v1/nodes"); // a bug, not an I/O error: the node informer's loop ends
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() }, breaker);
        await using var ops = StandaloneOps.Build("127.0.0.1:0", b => b.Logging.ClearProviders());
        var runner = new StandaloneRunner(client, new StandaloneOptions(), TimeProvider.System, NullLoggerFactory.Instance);
        await ops.MapStandaloneOps(runner).StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(ops.Urls.Single()) };
        await breaker.Broken.WaitAsync(Patience);

        using var timeout = new CancellationTokenSource(Patience);
        HttpResponseMessage healthz;
        while ((healthz = await http.GetAsync("/healthz", timeout.Token)).StatusCode == HttpStatusCode.OK) await Task.Yield();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, healthz.StatusCode);
        Assert.Contains("informer", await healthz.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/readyz")).StatusCode);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await runner.DisposeAsync()); // the loop's fault surfaces on stop
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("0.0.0.0")]
    [InlineData("127.0.0.1:99999")]
    public void Run_refuses_a_metrics_address_that_is_not_host_and_port(string address)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = CommandLine.Run(["run", "--server", "http://127.0.0.1:1", "--leader-elect=false", "--metrics-address", address], stdout, stderr);

        Assert.Equal(CommandLine.ExitBadInput, exit);
        Assert.Contains("--metrics-address", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StandaloneOps.DefaultAddress)]
    [InlineData("127.0.0.1:0")]
    [InlineData("[::]:10251")]
    [InlineData("localhost:9000")]
    public void Metrics_addresses_of_host_and_port_are_accepted(string address) => Assert.Null(StandaloneOps.Validate(address));

    /// <summary>Throws an unexpected exception for requests to one path.</summary>
    private sealed class BreakingHandler(string path) : DelegatingHandler
    {
        private readonly TaskCompletionSource _broken = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Broken => _broken.Task;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath != path) return base.SendAsync(request, cancellationToken);
            _broken.TrySetResult();
            throw new InvalidOperationException("injected bug");
        }
    }

    /// <summary>Holds requests until opened.</summary>
    private sealed class GateHandler : DelegatingHandler
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _open.TrySetResult();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await _open.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }
}
