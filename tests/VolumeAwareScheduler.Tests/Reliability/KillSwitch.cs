namespace VolumeAwareScheduler.Tests.Reliability;

/// <summary>
/// The network of a scheduler process, for killing it in-process: once <see cref="Kill"/> is called nothing the process
/// sends reaches the API and no answer reaches the process, as after a SIGKILL. A request already applied by the API
/// stays applied; its answer is lost.
/// </summary>
internal sealed class KillSwitch : DelegatingHandler
{
    private int _killed;

    public bool IsKilled => Volatile.Read(ref _killed) == 1;

    public void Kill() => Interlocked.Exchange(ref _killed, 1);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (IsKilled) throw new HttpRequestException("killed: the request never left the process");
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!IsKilled) return response;
        response.Dispose();
        throw new HttpRequestException("killed: the answer never reached the process");
    }
}
