using System.Threading.Channels;
using VolumeAwareScheduler.Standalone;

namespace VolumeAwareScheduler.Cli;

/// <summary>
/// What a step of the demo works with once the cluster is loaded and the scheduler runs: the API client, the
/// scheduler's progress (each event printed as it comes), the output and the elapsed-time stamp.
/// </summary>
public sealed class DemoStory(k8s.Kubernetes client, ChannelReader<SchedulingProgress> progress, TextWriter output, Func<string> at)
{
    public k8s.Kubernetes Client { get; } = client;

    public TextWriter Output { get; } = output;

    public string At() => at();

    /// <summary>Runs <paramref name="step"/> within <paramref name="limit"/>; false when it failed or ran out of time (said on the output).</summary>
    public async Task<bool> RunStepAsync(Func<DemoStory, CancellationToken, Task<bool>> step, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(limit);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            return await step(this, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Output.WriteLine($"  {At()}  stopped after {limit.TotalSeconds:0}s: the step did not finish.");
            return false;
        }
    }

    /// <summary>Prints the scheduler's progress until an event matches <paramref name="done"/>, and returns it.</summary>
    public async Task<SchedulingProgress> WaitForAsync(Func<SchedulingProgress, bool> done, CancellationToken cancellationToken)
    {
        await foreach (var item in progress.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            Print(item);
            if (done(item)) return item;
        }
        throw new InvalidOperationException("the scheduler stopped before the demo step finished");
    }

    /// <summary>Prints the scheduler's progress until every pod of <paramref name="pods"/> (NAMESPACE/NAME) is bound.</summary>
    public async Task<IReadOnlyDictionary<string, PodBound>> WaitForBoundAsync(IReadOnlyCollection<string> pods, CancellationToken cancellationToken)
    {
        var bound = new Dictionary<string, PodBound>(StringComparer.Ordinal);
        while (bound.Count < pods.Count)
        {
            var b = (PodBound)await WaitForAsync(p => p is PodBound b && pods.Contains(b.Pod.ToString()), cancellationToken).ConfigureAwait(false);
            bound[b.Pod.ToString()] = b;
        }
        return bound;
    }

    private void Print(SchedulingProgress item)
    {
        switch (item)
        {
            case PodBound b:
                var claims = string.Join(", ", b.Volumes.StaticBindings.Select(s => $"{s.Claim.Key.Name} → {s.Volume.Name}")
                    .Concat(b.Volumes.DynamicProvisions.Select(c => $"{c.Key.Name} → provisioned")));
                var cure = b.Cure is { } c ? $"  (after {b.Attempts} attempts; requeued by {c.Event.Kind} {c.Event.Action})" : "";
                Output.WriteLine($"  {At()}  {b.Pod,-18} → {b.Node,-8} {(claims.Length > 0 ? claims : "no claims")}{cure}");
                break;
            case PodUnschedulable u:
                Output.WriteLine($"  {At()}  {u.Pod,-18} pending: {u.Message}");
                break;
            case PodGated g:
                Output.WriteLine($"  {At()}  {g.Pod,-18} gated: {g.Message}");
                break;
            case BindingFailed f:
                Output.WriteLine($"  {At()}  {f.Pod,-18} binding to {f.Node} failed, retrying: {f.Error}");
                break;
        }
    }
}
