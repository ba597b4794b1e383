using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Standalone;

namespace VolumeAwareScheduler.Tests.Reliability;

/// <summary>
/// One `run` process, in-process: the standalone host (<see cref="StandaloneHost"/>) on its own client, whose network is
/// a <see cref="ProcessNetwork"/>. <see cref="Kill"/> is a SIGKILL as the API sees it: from that instant nothing the process
/// sends lands, nothing is drained, and its in-memory state (cache, assumptions, queue) dies with it. The dead host is
/// then stopped without waiting and its leftovers are awaited only on disposal, where they can reach nothing.
/// </summary>
internal sealed class SchedulerProcess : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly ProcessNetwork _network = new();
    private readonly k8s.Kubernetes _client;
    private readonly IHost _host;
    private int _disposed;

    private SchedulerProcess(Uri api, RunSettings settings, string name)
    {
        Name = name;
        _client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = api.ToString() }, _network);
        _host = StandaloneHost.Build(_client, settings, opsAddress: null, logging: _ => { });
    }

    public string Name { get; }

    public bool IsKilled => _network.IsKilled;

    /// <summary>The process's network, to partition it from part of the API.</summary>
    public ProcessNetwork Network => _network;

    /// <summary>Its holderIdentity on the Lease (with leader election).</summary>
    public string? Identity => Service.Identity;

    public StandaloneRunner Runner { get; private set; } = null!;

    /// <summary>The scheduling loop's hosted service (kept past disposal, for its <see cref="SchedulingService.Failure"/>).</summary>
    public SchedulingService Service { get; private set; } = null!;

    /// <summary>Starts the host; returns once its cache has synced.</summary>
    public static async Task<SchedulerProcess> StartAsync(Uri api, RunSettings settings, string name)
    {
        var process = new SchedulerProcess(api, settings, name);
        process.Runner = process._host.Services.GetRequiredService<StandaloneRunner>();
        process.Service = process._host.Services.GetRequiredService<SchedulingService>();
        await process._host.StartAsync();
        await process.Runner.Cluster.Synced.WaitAsync(Patience);
        return process;
    }

    /// <summary>Cuts the network at once (callable from an emulator interrupt: it only flips a switch).</summary>
    public void Kill() => _network.Kill();

    /// <summary>Kills the process if it is not dead yet, then stops the host without waiting for anything in flight.</summary>
    public async Task KillAsync()
    {
        Kill();
        try
        {
            await _host.StopAsync(new CancellationToken(canceled: true));
        }
        catch (OperationCanceledException)
        {
            // no graceful stop for a killed process
        }
    }

    /// <summary>A graceful stop (SIGTERM): in-flight bindings drained.</summary>
    public Task StopAsync() => _host.StopAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (IsKilled)
        {
            try
            {
                // What the dead process still had running ends against a cut network: awaited here, never left behind.
                if (Service.ExecuteTask is { } leftovers) await leftovers.WaitAsync(Patience);
            }
            catch (Exception e) when (e is not TimeoutException)
            {
                // a dead process's failures are not the survivors' concern
            }
        }
        else
        {
            await _host.StopAsync(CancellationToken.None);
        }
        if (_host is IAsyncDisposable asyncHost) await asyncHost.DisposeAsync();
        else _host.Dispose();
        _client.Dispose();
    }
}
