using Microsoft.Extensions.Logging;
using VolumeAwareScheduler.ApiEmulator.Storage;

namespace VolumeAwareScheduler.ApiEmulator.Controllers;

/// <summary>
/// Runs the simulated controllers on one loop fed by the store's change feed (a channel with one reader):
/// event-driven, one change at a time, in resourceVersion order, so runs are deterministic. The first events
/// are synthetic ADDED events for everything already stored, like an informer's initial list. A controller
/// that throws is logged and the loop goes on.
/// </summary>
internal sealed class ControllerHost
{
    private readonly ObjectStore _store;
    private readonly ILogger _logger;
    private readonly IController[] _controllers;

    public ControllerHost(ObjectStore store, ILogger logger)
    {
        _store = store;
        _logger = logger;
        _controllers =
        [
            new PersistentVolumeController(new ControllerStore(store, logger, PersistentVolumeController.ControllerName)),
            new DynamicProvisioner(new ControllerStore(store, logger, DynamicProvisioner.ControllerName)),
            new StatefulSetController(new ControllerStore(store, logger, StatefulSetController.ControllerName)),
            new DisruptionController(new ControllerStore(store, logger, DisruptionController.ControllerName)),
        ];
    }

    /// <summary>Subscribes synchronously (before the first await), then processes changes until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var feed = _store.Subscribe(kind: null, ns: null, fromResourceVersion: null, droppable: false, out _);
        try
        {
            await Task.Yield();
            await foreach (var change in feed.Events.ReadAllAsync(cancellationToken))
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
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }
}
