using System.Net;
using System.Text;

namespace VolumeAwareScheduler.Tests.Hostile;

/// <summary>A request body that sends its first part at once and the rest only when <see cref="Release"/> is called.</summary>
internal sealed class GatedContent(string first, string rest) : HttpContent
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the first part has been written.</summary>
    public Task Started => _started.Task;

    public void Release() => _gate.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(first));
        await stream.FlushAsync();
        _started.TrySetResult();
        await _gate.Task;
        await stream.WriteAsync(Encoding.UTF8.GetBytes(rest));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
