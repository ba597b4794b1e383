using Microsoft.Extensions.Logging;
using VolumeAwareScheduler.ApiEmulator.Faults;
using VolumeAwareScheduler.ApiEmulator.OpenApi;
using VolumeAwareScheduler.ApiEmulator.Resources;
using VolumeAwareScheduler.ApiEmulator.Storage;

namespace VolumeAwareScheduler.ApiEmulator;

/// <summary>What the HTTP handlers need, registered once as a singleton.</summary>
internal sealed class EmulatorContext(ObjectStore store, ApiEmulatorFaults faults, ApiEmulatorOptions options, ILogger logger)
{
    public ObjectStore Store => store;

    public ResourceRegistry Registry => store.Registry;

    public ApiEmulatorFaults Faults => faults;

    public ApiEmulatorOptions Options => options;

    public TimeProvider Time => options.TimeProvider;

    public ILogger Logger => logger;

    /// <summary>The OpenAPI documents and the model catalog behind them and behind strict field validation; built on first use.</summary>
    public OpenApiDocuments OpenApi { get; } = new(store.Registry);
}
