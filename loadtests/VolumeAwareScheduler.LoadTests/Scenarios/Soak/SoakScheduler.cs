using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Standalone;

namespace VolumeAwareScheduler.LoadTests.Scenarios.Soak;

/// <summary>
/// One `run` process, in-process: the standalone host on its own client and <see cref="SoakNetwork"/>. Killed, it is a
/// SIGKILL as the API sees it (nothing more lands, nothing drained, its memory lost); stopped, a SIGTERM (bindings drained).
/// </summary>
internal sealed class SoakScheduler : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private readonly SoakNetwork _network = new();
    private readonly k8s.Kubernetes _client;
    private readonly IHost _host;
    private SchedulingService _service = null!;
    private int _disposed;

    private SoakScheduler(Uri api, RunSettings settings)
    {
        _client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = api.ToString() }, _network);
        _host = StandaloneHost.Build(_client, settings, opsAddress: null, logging: _ => { });
    }

    public bool IsKilled => _network.IsKilled;

    /// <summary>Starts the host; returns once its cache has synced.</summary>
    public static async Task<SoakScheduler> StartAsync(Uri api, RunSettings settings, CancellationToken cancellationToken)
    {
        var process = new SoakScheduler(api, settings);
        var runner = process._host.Services.GetRequiredService<StandaloneRunner>();
        process._service = process._host.Services.GetRequiredService<SchedulingService>();
        await process._host.StartAsync(cancellationToken).ConfigureAwait(false);
        await runner.Cluster.Synced.WaitAsync(Patience, cancellationToken).ConfigureAwait(false);
        return process;
    }

    /// <summary>Cuts the network at once (callable from an emulator interrupt: it only flips a switch).</summary>
    public void Kill() => _network.Kill();

    /// <summary>Why the scheduling loop ended on its own, if it did.</summary>
    public Exception? Failure => _service.Failure;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (IsKilled)
        {
            try
            {
                await _host.StopAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // no graceful stop for a killed process
            }
            try
            {
                // What the dead process still had running ends against a cut network: awaited, never left behind.
                if (_service.ExecuteTask is { } leftovers) await leftovers.WaitAsync(Patience).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not TimeoutException)
            {
                // a dead process's failures are not the survivors' concern
            }
        }
        else
        {
            await _host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        if (_host is IAsyncDisposable asyncHost) await asyncHost.DisposeAsync().ConfigureAwait(false);
        else _host.Dispose();
        _client.Dispose();
    }
}
