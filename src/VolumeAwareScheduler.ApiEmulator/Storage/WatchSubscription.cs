using System.Threading.Channels;
using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Storage;

/// <summary>
/// A subscriber to the store's change feed: one channel, written by the store under its lock, read by one
/// consumer (an HTTP watch or the controller loop). Disposing unsubscribes.
/// </summary>
internal sealed class WatchSubscription : IDisposable
{
    // SingleReader stays false only because the single-reader channel cannot report Count (needed for the backlog check).
    private readonly Channel<StoreEvent> _channel =
        Channel.CreateUnbounded<StoreEvent>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = true });

    private readonly Action<WatchSubscription> _unsubscribe;

    internal WatchSubscription(ResourceKind? kind, string? ns, bool droppable, int maxBacklog, Action<WatchSubscription> unsubscribe)
    {
        Kind = kind;
        Namespace = ns;
        Droppable = droppable;
        MaxBacklog = maxBacklog;
        _unsubscribe = unsubscribe;
    }

    /// <summary>Kind filter, or null for every kind (the controllers' feed).</summary>
    public ResourceKind? Kind { get; }

    /// <summary>Namespace filter, or null for all namespaces.</summary>
    public string? Namespace { get; }

    /// <summary>Whether fault injection and slow-consumer protection may end this subscription.</summary>
    public bool Droppable { get; }

    public int MaxBacklog { get; }

    public ChannelReader<StoreEvent> Events => _channel.Reader;

    public bool Accepts(StoreEvent storeEvent) =>
        (Kind is null || ReferenceEquals(Kind, storeEvent.Object.Kind))
        && (Namespace is null || Namespace == storeEvent.Object.Namespace);

    /// <summary>Called under the store lock. Returns false when the subscription had to be closed (slow consumer).</summary>
    internal bool Offer(StoreEvent storeEvent)
    {
        if (Droppable && _channel.Reader.Count >= MaxBacklog)
        {
            _channel.Writer.TryComplete();
            return false;
        }

        return _channel.Writer.TryWrite(storeEvent);
    }

    internal void Close() => _channel.Writer.TryComplete();

    public void Dispose()
    {
        _channel.Writer.TryComplete();
        _unsubscribe(this);
    }
}
