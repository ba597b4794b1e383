using Microsoft.Extensions.Hosting;

namespace VolumeAwareScheduler.Hosting;

/// <summary>serve's state source as a hosted service: the informers of a live source stop, and its client is released, when the host stops.</summary>
public sealed class ClusterSourceLifetime(ClusterSource source, IDisposable? client) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await source.DisposeAsync().ConfigureAwait(false);
        client?.Dispose();
    }
}
