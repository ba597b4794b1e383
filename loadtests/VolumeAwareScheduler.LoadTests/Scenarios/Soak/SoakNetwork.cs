namespace VolumeAwareScheduler.LoadTests.Scenarios.Soak;

/// <summary>
/// The network of a scheduler process run in-process. After <see cref="Kill"/> nothing the process sends reaches the API
/// and no answer reaches the process, as after a SIGKILL (a request the API already applied stays applied).
/// </summary>
internal sealed class SoakNetwork : DelegatingHandler
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
