using System.Buffers;
using VolumeAwareScheduler.Core.Scheduling;

namespace VolumeAwareScheduler.Extender;

/// <summary>
/// The extender's filter answer: pass-through (nothing to filter for this pod), or a verdict per node, in a pooled
/// array that <see cref="Dispose"/> returns.
/// </summary>
public sealed class FilterDecision : IDisposable
{
    private NodeVerdict[]? _verdicts;

    public FilterDecision(bool passThrough, NodeVerdict[] verdicts, int count, bool pooled, string? error = null)
    {
        PassThrough = passThrough;
        _verdicts = verdicts;
        Count = count;
        Pooled = pooled;
        Error = error;
    }

    public bool PassThrough { get; }

    public int Count { get; }

    private bool Pooled { get; }

    /// <summary>The verdicts, in the order of the names asked about.</summary>
    public ReadOnlySpan<NodeVerdict> Verdicts => _verdicts.AsSpan(0, Count);

    public IReadOnlyList<NodeVerdict> Nodes => new ArraySegment<NodeVerdict>(_verdicts ?? [], 0, Count);

    /// <summary>The cycle's error (a plugin's Error status), which makes the whole call a scheduling error.</summary>
    public string? Error { get; }

    public void Dispose()
    {
        if (Pooled && _verdicts is { } verdicts) ArrayPool<NodeVerdict>.Shared.Return(verdicts, clearArray: true);
        _verdicts = null;
    }
}
