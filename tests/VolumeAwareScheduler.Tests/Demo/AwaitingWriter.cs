using System.Text;
using System.Text.RegularExpressions;

namespace VolumeAwareScheduler.Tests.Demo;

/// <summary>
/// Collects what a command writes (from any thread) and completes <see cref="Match"/> with the first match of the
/// pattern in the text written so far: lets a test wait for a line of a command that keeps running.
/// </summary>
internal sealed class AwaitingWriter(Regex pattern) : TextWriter
{
    private readonly Lock _lock = new();
    private readonly StringBuilder _text = new();
    private readonly TaskCompletionSource<Match> _match = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Encoding Encoding => Encoding.UTF8;

    public Task<Match> Match => _match.Task;

    public override void Write(char value) => Append(value.ToString());

    public override void Write(string? value) => Append(value ?? "");

    public override string ToString()
    {
        lock (_lock) return _text.ToString();
    }

    private void Append(string value)
    {
        lock (_lock)
        {
            _text.Append(value);
            if (!_match.Task.IsCompleted && pattern.Match(_text.ToString()) is { Success: true } match) _match.TrySetResult(match);
        }
    }
}
