using System.Diagnostics.Metrics;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VolumeAwareScheduler.Configuration;

namespace VolumeAwareScheduler.Standalone;

/// <summary>
/// `run` on the generic host, composed as `serve` is: the runner (informers, cache, queue, writer) is a singleton the
/// container creates at start and disposes at stop, the scheduling loop (with leader election) a hosted service, and
/// the operators' listener (/healthz, /readyz, /metrics) the host's web server when an address is given. The host's
/// console lifetime turns SIGTERM and Ctrl+C into a graceful stop that drains in-flight bindings.
/// </summary>
public static class StandaloneHost
{
    public static IHost Build(IKubernetes client, RunSettings settings, string? opsAddress, Action<ILoggingBuilder> logging)
    {
        var options = new StandaloneOptions { Profiles = settings.Profiles, NodeLoss = settings.NodeLoss };
        if (opsAddress is null)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true, ContentRootPath = AppContext.BaseDirectory });
            Configure(builder.Services, builder.Logging, client, settings, options, logging);
            return builder.Build();
        }
        var web = StandaloneOps.CreateBuilder(opsAddress);
        Configure(web.Services, web.Logging, client, settings, options, logging);
        var app = web.Build();
        app.MapStandaloneOps(() => app.Services.GetRequiredService<StandaloneRunner>());
        return app;
    }

    private static void Configure(IServiceCollection services, ILoggingBuilder loggingBuilder, IKubernetes client, RunSettings settings, StandaloneOptions options,
        Action<ILoggingBuilder> logging)
    {
        loggingBuilder.ClearProviders();
        logging(loggingBuilder);
        services.AddSingleton(client);
        services.AddSingleton(settings.LeaderElection);
        services.AddSingleton(services => new StandaloneRunner(client, options, TimeProvider.System, services.GetRequiredService<ILoggerFactory>(), settings.Queue,
            meterFactory: services.GetService<IMeterFactory>()));
        services.AddSingleton<SchedulingService>();
        services.AddHostedService(services => services.GetRequiredService<SchedulingService>());
        // A stop waits for in-flight bindings, each bounded by twice its profile's bind timeout.
        var drain = options.EffectiveProfiles().Max(p => new ProfileRunner(p).BindTimeout) * 2 + TimeSpan.FromSeconds(5);
        services.Configure<HostOptions>(host => host.ShutdownTimeout = drain);
    }
}
