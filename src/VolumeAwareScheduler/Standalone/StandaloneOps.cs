using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using VolumeAwareScheduler.Hosting;
using VolumeAwareScheduler.Telemetry;

namespace VolumeAwareScheduler.Standalone;

/// <summary>
/// The operators' listener of `run`: /healthz, /readyz and /metrics (the same OpenTelemetry Prometheus exporter as
/// `serve`), plain HTTP on <c>--metrics-address</c>. Build it first, create the runner with its meter factory
/// (<c>app.Services</c>), then map the runner's health with <see cref="MapStandaloneOps"/> and start it.
/// </summary>
public static class StandaloneOps
{
    /// <summary>The port kube-scheduler served plain-HTTP health and metrics on before it went HTTPS-only (10259).</summary>
    public const string DefaultAddress = "0.0.0.0:10251";

    /// <summary>Values of <c>--metrics-address</c> that turn the listener off.</summary>
    public static bool IsDisabled(string? address) => string.IsNullOrWhiteSpace(address) || address.Trim() is "off" or "none" or "0";

    /// <summary>Null for a usable HOST:PORT; otherwise what is wrong and how to fix it.</summary>
    public static string? Validate(string address)
    {
        var trimmed = address.Trim();
        var colon = trimmed.LastIndexOf(':');
        return colon > 0 && int.TryParse(trimmed.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535
            && Uri.TryCreate($"http://{trimmed}", UriKind.Absolute, out var uri) && uri.PathAndQuery == "/"
            ? null
            : $"--metrics-address: \"{address}\" is not HOST:PORT (e.g. {DefaultAddress}, 127.0.0.1:10251, [::]:10251); give \"off\" to disable the listener.";
    }

    public static WebApplication Build(string address, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = CreateBuilder(address);
        configure?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>The listener's builder, for a host that adds its own services (<see cref="StandaloneHost"/>).</summary>
    public static WebApplicationBuilder CreateBuilder(string address)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(StandaloneOps).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls($"http://{address.Trim()}");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.AddVasTelemetry();
        return builder;
    }

    public static WebApplication MapStandaloneOps(this WebApplication app, StandaloneRunner runner, TimeSpan? livenessTimeout = null) =>
        app.MapStandaloneOps(() => runner, livenessTimeout);

    /// <summary>As above, with the runner found when a probe first asks (the host creates it at start).</summary>
    public static WebApplication MapStandaloneOps(this WebApplication app, Func<StandaloneRunner> runner, TimeSpan? livenessTimeout = null)
    {
        app.MapHealth(new StandaloneHealth(runner, livenessTimeout ?? TimeSpan.FromSeconds(3)));
        app.MapVasMetrics();
        return app;
    }
}

/// <summary>
/// Liveness: the informers and the cache loop run, and the cache applies what they deliver (a wedged cache or a dead
/// informer gets the container restarted). Readiness: every informer's first list is applied; a standby replica with
/// warm caches is ready too, so that a rolling update waits for caches, not for the lease.
/// </summary>
public sealed class StandaloneHealth(Func<StandaloneRunner> runner, TimeSpan livenessTimeout) : IHealthProbe
{
    public Task<string?> LivenessProblemAsync(CancellationToken cancellationToken) => runner().Cluster.ProbeAsync(livenessTimeout, cancellationToken);

    public string? ReadinessProblem => runner().Cluster.Synced.IsCompletedSuccessfully
        ? null
        : "caches not synced (waiting for the first list of every informer)";
}
