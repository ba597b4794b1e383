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
    public static WebApplication Build(ServeOptions options, TextWriter? warnings = null, Action<WebApplicationBuilder>? configure = null) =>
        Build(options, options.ClusterFile is null ? null : SnapshotClusterSource.Load(options.ClusterFile, warnings, options.ExtenderProfile(), options.ExplainProfile()), configure);

    /// <summary>The same app over a snapshot already loaded (<see cref="ServeOptions.ClusterFile"/> is not read).</summary>
    public static WebApplication Build(ServeOptions options, SnapshotClusterSource? snapshot, Action<WebApplicationBuilder>? configure = null)
    {
        k8s.Kubernetes? client = null;
        LiveClusterSource? live = null;
        if (snapshot is null && options.IsLive)
        {
            var config = options.Server is { } server ? new k8s.KubernetesClientConfiguration { Host = server }
                : options.Kubeconfig is { } path ? k8s.KubernetesClientConfiguration.BuildConfigFromConfigFile(path)
                : k8s.KubernetesClientConfiguration.InClusterConfig();
            client = new k8s.Kubernetes(config);
            live = new LiveClusterSource(client, TimeProvider.System, options.ExtenderProfile(), options.ExplainProfile());
        }
        IClusterStateSource source = snapshot ?? (IClusterStateSource?)live ?? new NotLoadedClusterSource();
        IBindingWriter writer = snapshot is not null ? new InMemoryBindingWriter(snapshot)
            : live is not null ? new ApiBindingWriter(live.Writer, options.EffectiveBindTimeout)
            : new UnavailableBindingWriter();
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
        builder.Services.AddSingleton(services => new UnusablePodEvents(live?.Writer, services.GetRequiredService<ILogger<UnusablePodEvents>>()));
        builder.Services.AddSingleton<ExtenderService>();
        builder.AddVasTelemetry();
        builder.AddRequestLimits(options);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseRequestLimits();
        app.MapHealth();
        app.MapExtender(options.OpsPorts);
        app.MapVasMetrics();

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ExtenderHost).FullName!);
        if (snapshot is not null) Log.StateLoaded(logger, snapshot.Path, snapshot.Store!.NodeCount, snapshot.Store.VolumeCount, snapshot.PendingPods.Count);
        else Log.ServingWithoutState(logger);
        if (snapshot is not null) app.Lifetime.ApplicationStopped.Register(snapshot.Dispose);
        if (live is not null)
        {
            app.Lifetime.ApplicationStopped.Register(() =>
            {
                live.DisposeAsync().AsTask().GetAwaiter().GetResult();
                client!.Dispose();
            });
        }
        return app;
    }
}
