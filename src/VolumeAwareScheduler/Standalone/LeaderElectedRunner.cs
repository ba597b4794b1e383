using k8s.LeaderElection;
using Microsoft.Extensions.Logging;

namespace VolumeAwareScheduler.Standalone;

/// <summary>
/// High availability with KubernetesClient's LeaderElector on a Lease: every replica keeps its informers and cache
/// warm; only the leader runs the scheduling loop, which is stopped (in-flight bindings drained) the moment the
/// lease is lost, and started again if it is won back.
/// </summary>
public sealed partial class LeaderElectedRunner(StandaloneRunner runner, LeaderElectionConfig election, string identity, ILogger logger)
{
    public bool IsLeading { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var elector = new LeaderElector(election);
        elector.OnNewLeader += leader => Log.NewLeader(logger, leader);
        while (!cancellationToken.IsCancellationRequested)
        {
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task? scheduling = null;
            void Started()
            {
                IsLeading = true;
                Log.Leading(logger, identity);
                scheduling = runner.RunAsync(leading.Token);
            }
            elector.OnStartedLeading += Started;
            var unreachable = false;
            try
            {
                await elector.RunUntilLeadershipLostAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // shutting down
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                // KubernetesClient's acquire loop retries refused answers but lets a transport error out: the API was
                // unreachable for a moment. A standby must not die of it (client-go's acquire loop retries every error).
                Log.ElectionFailed(logger, e.Message);
                unreachable = true;
            }
            finally
            {
                elector.OnStartedLeading -= Started;
                IsLeading = false;
                await leading.CancelAsync().ConfigureAwait(false);
                if (scheduling is not null) await scheduling.ConfigureAwait(false); // drains in-flight bindings
            }
            if (cancellationToken.IsCancellationRequested) break;
            if (scheduling is not null) Log.LostLeadership(logger);
            if (unreachable) await WaitAsync(election.RetryPeriod, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // shutting down: the loop ends
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Leading as {Identity}: scheduling")]
        public static partial void Leading(ILogger logger, string identity);

        [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Lost leadership: scheduling stopped, cache kept warm")]
        public static partial void LostLeadership(ILogger logger);

        [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "Leader is {Leader}")]
        public static partial void NewLeader(ILogger logger, string leader);

        [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "Leader election could not reach the API, retrying: {Error}")]
        public static partial void ElectionFailed(ILogger logger, string error);
    }
}
