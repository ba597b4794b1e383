using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VolumeAwareScheduler.Configuration;

namespace VolumeAwareScheduler.Standalone;

/// <summary>
/// The scheduling loop as a hosted service: without leader election it runs from start to shutdown; with it, only
/// while this replica holds the Lease (<see cref="LeaderElectedRunner"/>). The informers run from the runner's
/// creation to its disposal (by the host's container), leader or not. Stopping drains in-flight bindings.
/// </summary>
public sealed class SchedulingService(StandaloneRunner runner, IKubernetes client, LeaderElectionSettings leader, ILoggerFactory loggers) : BackgroundService
{
    /// <summary>Why the loop ended on its own (not by shutdown); null while it runs or after a clean stop.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>This replica's holderIdentity on the Lease, once leader election has started; null without it.</summary>
    public string? Identity { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (!leader.LeaderElect)
            {
                await runner.RunAsync(stoppingToken).ConfigureAwait(false);
                return;
            }
            var identity = $"{Environment.MachineName}_{Guid.NewGuid():N}";
            Identity = identity;
            var election = new LeaderElectionConfig(new LeaseLock(client, leader.ResourceNamespace, leader.ResourceName, identity))
            {
                LeaseDuration = leader.LeaseDuration,
                RenewDeadline = leader.RenewDeadline,
                RetryPeriod = leader.RetryPeriod,
            };
            await new LeaderElectedRunner(runner, election, identity, loggers.CreateLogger<LeaderElectedRunner>()).RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            Failure = e;
            throw;
        }
    }
}
