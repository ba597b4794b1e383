using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VolumeAwareScheduler.ApiEmulator.Storage;

namespace VolumeAwareScheduler.ApiEmulator.Controllers;

/// <summary>
/// Runs the simulated controllers on one loop fed by the store's change feed (a channel with one reader):
/// event-driven, one change at a time, in resourceVersion order, so runs are deterministic. The first events
/// are synthetic ADDED events for everything already stored, like an informer's initial list. A controller
/// that throws is logged and the loop goes on. Timed controllers (the kubelet) are woken on the same loop by one
/// timer of the emulator's <see cref="TimeProvider"/>, armed for the earliest <see cref="ITimedController.NextDue"/>.
/// </summary>
internal sealed class ControllerHost
{
    private readonly ObjectStore _store;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IController[] _controllers;
    private readonly ITimedController[] _timed;

    // The timer's callback only signals; the work runs on the loop. One pending signal is enough.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public ControllerHost(ObjectStore store, ApiEmulatorOptions options, ILogger logger)
    {
        _store = store;
        _logger = logger;
        _time = options.TimeProvider;
        var kubelet = options.EnableKubelet
            ? new SimulatedKubelet(new ControllerStore(store, logger, SimulatedKubelet.ControllerName), _time, KubeletSettings.From(options))
            : null;
        _controllers =
        [
            new PersistentVolumeController(new ControllerStore(store, logger, PersistentVolumeController.ControllerName)),
            new DynamicProvisioner(new ControllerStore(store, logger, DynamicProvisioner.ControllerName), _time, options.ProvisioningDelay),
            new StatefulSetController(new ControllerStore(store, logger, StatefulSetController.ControllerName), podsBecomeReady: kubelet is not null),
            new DisruptionController(new ControllerStore(store, logger, DisruptionController.ControllerName)),
            new PodGarbageCollector(new ControllerStore(store, logger, PodGarbageCollector.ControllerName), options.OrphanedPodQuarantine),
            .. kubelet is null ? Array.Empty<IController>() : [kubelet],
        ];
        _timed = _controllers.OfType<ITimedController>().ToArray();
    }

    /// <summary>Subscribes synchronously (before the first await), then processes changes until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var feed = _store.Subscribe(kind: null, ns: null, fromResourceVersion: null, droppable: false, out _);
        using var timer = _time.CreateTimer(static wake => ((ChannelWriter<bool>)wake!).TryWrite(true), _wake.Writer,
            Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        DateTimeOffset? armedFor = null;
        Task<bool>? changed = null;
        Task<bool>? woken = null;
        try
        {
            await Task.Yield();
            while (true)
            {
                while (feed.Events.TryRead(out var change))
                {
                    Dispatch(change);
                }

                if (_wake.Reader.TryRead(out _))
                {
                    // The timer fired: re-arm whatever comes next, even if it is the time it was armed for.
                    armedFor = null;
                }

                armedFor = RunDue(timer, armedFor);
                if (_timed.Length == 0)
                {
                    if (!await feed.Events.WaitToReadAsync(cancellationToken))
                    {
                        break;
                    }

                    continue;
                }

                // Both waits are kept across iterations, so an idle one is not abandoned and re-created each time.
                changed ??= feed.Events.WaitToReadAsync(cancellationToken).AsTask();
                woken ??= _wake.Reader.WaitToReadAsync(cancellationToken).AsTask();
                if (await Task.WhenAny(changed, woken) == changed)
                {
                    if (!await changed)
                    {
                        break;
                    }

                    changed = null;
                }
                else
                {
                    await woken;
                    woken = null;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    private void Dispatch(StoreEvent change)
    {
        foreach (var controller in _controllers)
        {
            try
            {
                controller.Handle(change);
            }
            catch (Exception exception)
            {
                Log.ControllerFailed(_logger, exception, controller.Name, change.Object.Kind.Kind);
            }
        }
    }

    /// <summary>Runs every timed controller whose work is due, then arms the timer for the earliest next due time.</summary>
    private DateTimeOffset? RunDue(ITimer timer, DateTimeOffset? armedFor)
    {
        var now = _time.GetUtcNow();
        DateTimeOffset? next = null;
        foreach (var controller in _timed)
        {
            try
            {
                // Work a tick schedules for "now" runs in the same pass.
                while (controller.NextDue is { } due && due <= now)
                {
                    controller.Tick(now);
                }
            }
            catch (Exception exception)
            {
                Log.ControllerTickFailed(_logger, exception, controller.Name);
            }

            if (controller.NextDue is { } after && (next is null || after < next))
            {
                next = after;
            }
        }

        if (next != armedFor)
        {
            timer.Change(next is { } at ? Max(at - now, TimeSpan.FromTicks(1)) : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        return next;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
