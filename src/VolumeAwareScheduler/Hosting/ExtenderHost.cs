using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Extender;
using VolumeAwareScheduler.Telemetry;

namespace VolumeAwareScheduler.Hosting;

/// <summary>The serve host: composition only. The state source is chosen from the options; everything else is wiring.</summary>
public static class ExtenderHost
{
    /// <summary>
    /// Builds the app. Loads the snapshot when <see cref="ServeOptions.ClusterFile"/> is set (throws
    /// <see cref="Kubernetes.Manifests.ManifestException"/> for an unusable file). <paramref name="configure"/> lets tests
    /// swap the server (TestServer) or add services.
    /// </summary>
    public static WebApplication Build(ServeOptions options, TextWriter? warnings = null, Action<WebApplicationBuilder>? configure = null)
    {
        var snapshot = options.ClusterFile is null ? null : SnapshotClusterSource.Load(options.ClusterFile, warnings);
        IClusterStateSource source = snapshot is null ? new NotLoadedClusterSource() : snapshot;
        IBindingWriter writer = snapshot is null ? new UnavailableBindingWriter() : new InMemoryBindingWriter(snapshot);
        var pods = new PodRegistry();
        snapshot?.Seed(pods);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(ExtenderHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls([.. options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), .. options.OpsUrlList]);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
            Tls.Configure(kestrel, options);
        });
        builder.Services.AddProblemDetails();
        builder.Services.Configure<JsonOptions>(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ExplainJsonContext.Default));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(source);
        builder.Services.AddSingleton(writer);
        builder.Services.AddSingleton(pods);
        builder.Services.AddSingleton<ExtenderMetrics>();
        builder.Services.AddSingleton<BindCoordinator>();
        builder.Services.AddSingleton<ExtenderService>();
        builder.AddVasTelemetry();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.MapHealth();
        app.MapExtender(options.OpsPorts);
        app.MapVasMetrics();

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ExtenderHost).FullName!);
        if (snapshot is not null) Log.StateLoaded(logger, snapshot.Path, snapshot.Store!.NodeCount, snapshot.Store.VolumeCount, snapshot.PendingPods.Count);
        else Log.ServingWithoutState(logger);
        if (snapshot is not null) app.Lifetime.ApplicationStopped.Register(snapshot.Dispose);
        return app;
    }
}
