using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Extender;
using VolumeAwareScheduler.Simulation;
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
        Build(options, options.ClusterFile is null ? null : ClusterSource.Load(options.ClusterFile, warnings), configure);

    /// <summary>The same app over a manifest already loaded (<see cref="ServeOptions.ClusterFile"/> is not read).</summary>
    public static WebApplication Build(ServeOptions options, ClusterSource? snapshot, Action<WebApplicationBuilder>? configure = null)
    {
        k8s.Kubernetes? client = null;
        ClusterSource source;
        if (snapshot is not null)
        {
            source = snapshot;
        }
        else if (options.IsLive)
        {
            var config = options.Server is { } server ? new k8s.KubernetesClientConfiguration { Host = server }
                : options.Kubeconfig is { } path ? k8s.KubernetesClientConfiguration.BuildConfigFromConfigFile(path)
                : k8s.KubernetesClientConfiguration.InClusterConfig();
            client = new k8s.Kubernetes(config);
            source = ClusterSource.Connect(client, TimeProvider.System);
        }
        else
        {
            source = ClusterSource.NotLoaded();
        }
        // What the bind verb's PreBind and Bind write through: the file's in-memory cluster, or the API server.
        IBindingClient? bindingClient = snapshot?.Cache is { } loaded ? InMemoryBindingClient.Over(loaded) : source.Writer;
        var pods = new PodRegistry();
        source.Seed(pods);
        var extender = new ExtenderCycle(new SchedulingFramework(options.ExtenderProfile(), bindingClient), new SchedulingFramework(options.ExplainProfile()));

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
        builder.Services.AddSingleton(extender);
        builder.Services.AddHostedService(_ => new ClusterSourceLifetime(source, client));
        builder.Services.AddSingleton(pods);
        builder.Services.AddSingleton<ExtenderMetrics>();
        builder.Services.AddSingleton<BindCoordinator>();
        builder.Services.AddSingleton(services => new UnusablePodEvents(source.Writer, services.GetRequiredService<ILogger<UnusablePodEvents>>()));
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
        if (snapshot?.Cache is { } cache)
        {
            var (nodes, volumes) = cache.Read(static s => (s.Nodes.Count, s.Volumes.Count));
            Log.StateLoaded(logger, snapshot.Path, nodes, volumes, snapshot.PendingPods.Count);
        }
        else
        {
            Log.ServingWithoutState(logger);
        }
        return app;
    }
}
