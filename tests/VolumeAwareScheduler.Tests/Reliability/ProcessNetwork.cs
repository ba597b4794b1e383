namespace VolumeAwareScheduler.Tests.Reliability;

/// <summary>
/// The network of a scheduler process run in-process. <see cref="Kill"/>: from that instant nothing the process sends
/// reaches the API and no answer reaches the process, as after a SIGKILL (a request the API already applied stays
/// applied; its answer is lost). <see cref="Partition"/>: the requests a predicate picks fail as if the API were
/// unreachable, until <see cref="Heal"/>.
/// </summary>
internal sealed class ProcessNetwork : DelegatingHandler
{
    private int _killed;
    private Func<HttpRequestMessage, bool>? _partitioned;

    public bool IsKilled => Volatile.Read(ref _killed) == 1;

    public void Kill() => Interlocked.Exchange(ref _killed, 1);

    public void Partition(Func<HttpRequestMessage, bool> unreachable) => Volatile.Write(ref _partitioned, unreachable);

    public void Heal() => Volatile.Write(ref _partitioned, null);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (IsKilled) throw new HttpRequestException("killed: the request never left the process");
        if (Volatile.Read(ref _partitioned) is { } unreachable && unreachable(request)) throw new HttpRequestException("partitioned: the API is unreachable");
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!IsKilled) return response;
        response.Dispose();
        throw new HttpRequestException("killed: the answer never reached the process");
    }
}
