using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VolumeAwareScheduler.ApiEmulator.Admission;
using VolumeAwareScheduler.ApiEmulator.Controllers;
using VolumeAwareScheduler.ApiEmulator.Faults;
using VolumeAwareScheduler.ApiEmulator.Http;
using VolumeAwareScheduler.ApiEmulator.Resources;
using VolumeAwareScheduler.ApiEmulator.Storage;

namespace VolumeAwareScheduler.ApiEmulator;

/// <summary>
/// An in-memory stand-in for kube-apiserver (plus the few kube-controller-manager loops the scheduler depends
/// on, and a simulated kubelet for every node), served over plain HTTP on 127.0.0.1 without authentication. Objects are kept as JSON so unknown fields
/// round-trip unchanged. Use it from tests through a real Kubernetes client, or point kubectl at
/// <see cref="BaseAddress"/>.
/// </summary>
/// <example>
/// <code>
/// await using var emulator = await ApiEmulator.StartAsync(new ApiEmulatorOptions(), ct);
/// var client = new Kubernetes(new KubernetesClientConfiguration { Host = emulator.BaseAddress.ToString() });
/// </code>
/// </example>
public sealed class ApiEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ObjectStore _store;
    private readonly ControllerHost? _controllers;
    private readonly Task _controllersRun;
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    private ApiEmulator(WebApplication app, ObjectStore store, ApiEmulatorFaults faults, ControllerHost? controllers, Uri baseAddress)
    {
        _app = app;
        _store = store;
        Faults = faults;
        _controllers = controllers;
        BaseAddress = baseAddress;
        _controllersRun = controllers?.RunAsync(_stopping.Token) ?? Task.CompletedTask;
    }

    /// <summary>Where the API is served, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Fault injection for HTTP requests.</summary>
    public ApiEmulatorFaults Faults { get; }

    /// <summary>The newest resourceVersion handed out.</summary>
    public string CurrentResourceVersion => _store.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Starts Kestrel on 127.0.0.1 and, unless disabled, the simulated controllers.</summary>
    public static async Task<ApiEmulator> StartAsync(ApiEmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("VolumeAwareScheduler.ApiEmulator");

        var kubelet = options.EnableControllers && options.EnableKubelet;
        var store = new ObjectStore(ResourceRegistry.CreateDefault(), options.TimeProvider, options.EventWindow, options.MaxWatchBacklog,
            AdmissionChain.Default(), gracefulPodDeletion: kubelet);
        var faults = new ApiEmulatorFaults(store);
        if (options.CreateDefaultNamespaces)
        {
            SeedNamespaces(store);
        }

        SeedSystemPriorityClasses(store);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseSetting(WebHostDefaults.PreventHostingStartupKey, "true");
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.AddServerHeader = false;
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddSingleton(new EmulatorContext(store, faults, options, logger));
        var app = builder.Build();
        app.UseRouting();
        app.MapKubernetesApi();
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var baseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        Log.Started(logger, baseAddress);

        var controllers = options.EnableControllers ? new ControllerHost(store, options, logger) : null;
        return new ApiEmulator(app, store, faults, controllers, baseAddress);
    }

    /// <summary>
    /// Creates an object in-process (no faults, no HTTP). The kind comes from <c>apiVersion</c> and <c>kind</c>;
    /// namespaced objects without a namespace go to <c>default</c>. Returns the stored object.
    /// </summary>
    /// <exception cref="ApiEmulatorException">The API would have refused it (e.g. 409 AlreadyExists).</exception>
    public Task<JsonObject> CreateAsync(JsonObject obj, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        cancellationToken.ThrowIfCancellationRequested();
        var kind = KindOf(obj);
        var copy = (JsonObject)obj.DeepClone();
        return Task.FromResult(Unwrap(_store.Create(kind, Json.GetString(copy, "metadata.namespace"), copy)).ToJsonObject());
    }

    /// <summary>Creates many objects in order (e.g. parsed from a fixture); stops at the first refusal.</summary>
    public async Task LoadAsync(IEnumerable<JsonObject> objects, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objects);
        foreach (var obj in objects)
        {
            await CreateAsync(obj, cancellationToken);
        }
    }

    /// <summary>
    /// Replaces an object in-process, spec and status together (what a controller with both rights would do).
    /// A non-empty <c>metadata.resourceVersion</c> is a precondition.
    /// </summary>
    public Task<JsonObject> UpdateAsync(JsonObject obj, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        cancellationToken.ThrowIfCancellationRequested();
        var kind = KindOf(obj);
        var copy = (JsonObject)obj.DeepClone();
        var name = Json.GetString(copy, "metadata.name") ?? throw new ArgumentException("metadata.name is required", nameof(obj));
        return Task.FromResult(Unwrap(_store.Update(kind, Json.GetString(copy, "metadata.namespace"), name, copy, WriteScope.All)).ToJsonObject());
    }

    /// <summary>
    /// Deletes in-process, at once like a delete with grace period 0 (finalizers honoured; a client's delete of a pod on
    /// a node is graceful instead). Returns false when the object did not exist.
    /// </summary>
    public Task<bool> DeleteAsync(string resource, string? @namespace, string name, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var result = _store.Delete(Resolve(resource), @namespace, name);
        if (result.Error is { Code: 404 })
        {
            return Task.FromResult(false);
        }

        Unwrap(result);
        return Task.FromResult(true);
    }

    /// <summary>
    /// Reads one object. <paramref name="resource"/> is a plural, singular, kind or short name
    /// (<c>pods</c>, <c>Pod</c>, <c>po</c>); <paramref name="namespace"/> is ignored for cluster-scoped kinds.
    /// </summary>
    public JsonObject? Get(string resource, string? @namespace, string name) =>
        _store.Get(Resolve(resource), @namespace, name)?.ToJsonObject();

    /// <summary>Lists objects of a kind in key order, in one namespace or (null) all.</summary>
    public IReadOnlyList<JsonObject> List(string resource, string? @namespace = null) =>
        _store.Snapshot(Resolve(resource), @namespace).Items.Select(o => o.ToJsonObject()).ToList();

    /// <summary>
    /// Waits, without polling, until the named object exists and satisfies <paramref name="condition"/>, and
    /// returns it. Cancel <paramref name="cancellationToken"/> to give up.
    /// </summary>
    public async Task<JsonObject> WaitForAsync(string resource, string? @namespace, string name, Func<JsonObject, bool> condition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var kind = Resolve(resource);
        var ns = kind.Namespaced ? @namespace ?? "default" : "";
        using var subscription = _store.Subscribe(kind, kind.Namespaced ? ns : null, fromResourceVersion: null, droppable: false, out _);
        await foreach (var change in subscription.Events.ReadAllAsync(cancellationToken))
        {
            if (change.Type != StoreEventType.Deleted && change.Object.Name == name && change.Object.Namespace == ns)
            {
                var obj = change.Object.ToJsonObject();
                if (condition(obj))
                {
                    return obj;
                }
            }
        }

        throw new ObjectDisposedException(nameof(ApiEmulator));
    }

    /// <summary>
    /// Every change of a kind (in one namespace, or all when null) from now on, in resourceVersion order, observed
    /// in-process at the moment the store commits it (no HTTP, no faults): for observers that time what happens,
    /// such as load tests. The object is parsed only when <see cref="ApiEmulatorChange.Object"/> is read. The feed
    /// is never dropped, so the reader must keep up; it ends when the token is cancelled or the emulator stops. The
    /// subscription is made synchronously by the first <c>MoveNextAsync</c>, before it waits.
    /// </summary>
    public async IAsyncEnumerable<ApiEmulatorChange> WatchAsync(string resource, string? @namespace,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var kind = Resolve(resource);
        var ns = kind.Namespaced ? @namespace : null;
        using var subscription = _store.Subscribe(kind, ns, fromResourceVersion: _store.CurrentResourceVersion, droppable: false, out _);
        var reader = subscription.Events;
        while (true)
        {
            try
            {
                if (!await reader.WaitToReadAsync(cancellationToken))
                {
                    yield break;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }

            while (reader.TryRead(out var change))
            {
                yield return new ApiEmulatorChange(StoreEvent.WireName(change.Type), change.Object);
            }
        }
    }

    /// <summary>Stops the controllers, ends open watches, and stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _controllersRun;
        _store.CloseAll();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private ResourceKind Resolve(string resource) =>
        _store.Registry.Find(resource) ?? throw new ArgumentException($"Unknown resource \"{resource}\". Use a plural, singular, kind or short name of a served kind.", nameof(resource));

    private ResourceKind KindOf(JsonObject obj)
    {
        var apiVersion = Json.GetString(obj, "apiVersion") ?? "";
        var kindName = Json.GetString(obj, "kind") ?? "";
        return _store.Registry.FindByKind(apiVersion, kindName)
            ?? throw new ArgumentException($"Unknown apiVersion/kind \"{apiVersion}\"/\"{kindName}\": set both to a served kind.", nameof(obj));
    }

    private static StoredObject Unwrap(StoreResult result) =>
        result.Error is { } error ? throw new ApiEmulatorException(error.Code, error.Reason, error.Message) : result.Object!;

    /// <summary>The two system priority classes kube-apiserver creates at start (scheduling's PostStartHook).</summary>
    private static void SeedSystemPriorityClasses(ObjectStore store)
    {
        var kind = store.Registry.Find("priorityclasses")!;
        foreach (var priorityClass in PriorityClassStrategy.SystemClassObjects())
        {
            store.Create(kind, null, priorityClass);
        }
    }

    private static void SeedNamespaces(ObjectStore store)
    {
        var kind = store.Registry.Find("namespaces")!;
        // The bootstrap controller's system namespaces (pkg/controlplane/controller/systemnamespaces), plus default.
        foreach (var name in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            store.Create(kind, null, new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Namespace",
                ["metadata"] = new JsonObject { ["name"] = name },
                ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
                ["status"] = new JsonObject { ["phase"] = "Active" },
            });
        }
    }
}
