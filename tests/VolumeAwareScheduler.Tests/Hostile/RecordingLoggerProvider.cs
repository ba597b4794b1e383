using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace VolumeAwareScheduler.Tests.Hostile;

/// <summary>Keeps every log entry, at every level, with its exception: what a host wrote, for assertions.</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message, Exception? Exception)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>Every entry as text, exceptions included.</summary>
    public string Text => string.Join('\n', Entries.Select(e => $"{e.Level} {e.Category}: {e.Message} {e.Exception}"));

    private sealed class Recorder(RecordingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((logLevel, category, formatter(state, exception), exception));
    }
}
