using System.Diagnostics.Metrics;
using VolumeAwareScheduler.Kubernetes.Cache;

namespace VolumeAwareScheduler.Telemetry;

/// <summary>The store's instruments, the same in `serve` and `run`.</summary>
public static class CacheMetrics
{
    /// <summary>
    /// vas.cache.divergences: objects a periodic audit found different from the API server's list and repaired, by
    /// kind. Anything but zero means an event was lost or misapplied; the audit repaired it without a restart.
    /// </summary>
    public static void Register(Meter meter, Func<ClusterCache?> cache) =>
        meter.CreateObservableCounter("vas.cache.divergences", () =>
            cache()?.Divergences.Select(d => new Measurement<long>(d.Value, new KeyValuePair<string, object?>("kind", d.Key.ToString())))
                ?? [],
            unit: "{object}", description: "Objects the periodic audit found different from the API server's list and repaired, by kind.");
}
