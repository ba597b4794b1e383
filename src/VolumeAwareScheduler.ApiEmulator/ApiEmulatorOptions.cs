using Microsoft.Extensions.Logging;

namespace VolumeAwareScheduler.ApiEmulator;

/// <summary>Settings for <see cref="ApiEmulator.StartAsync"/>. Validated at start; every problem is reported at once.</summary>
public sealed class ApiEmulatorOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 (the default) picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Run the simulated PV controller, dynamic provisioner, StatefulSet controller, disruption controller and pod garbage collector (default true).</summary>
    public bool EnableControllers { get; set; } = true;

    /// <summary>
    /// Run the simulated kubelet beside the controllers (default true; nothing without <see cref="EnableControllers"/>):
    /// nodes report Ready with heartbeats and node Leases, pods bound to a node go Running after
    /// <see cref="PodStartupDelay"/>, and deleting a pod on a node is graceful (it stays Terminating for its grace period).
    /// Turn it off when pods must stay Pending; pod deletes are then immediate.
    /// </summary>
    public bool EnableKubelet { get; set; } = true;

    /// <summary>
    /// How long the simulated external provisioner takes from a claim asking for a volume to the PV's creation (default
    /// zero: at once). Real CSI drivers take seconds; a delay lets a test see a claim with its selected node and no PV yet.
    /// </summary>
    public TimeSpan ProvisioningDelay { get; set; }

    /// <summary>How long the kubelet keeps a pod it was given in ContainerCreating before it runs (default 500 ms).</summary>
    public TimeSpan PodStartupDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often the kubelet renews each node's Lease in <c>kube-node-lease</c> (upstream: a quarter of the 40 s lease, 10 s).</summary>
    public TimeSpan NodeLeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the kubelet posts node conditions with fresh heartbeat times when nothing changed (upstream nodeStatusReportFrequency, 5 min).</summary>
    public TimeSpan NodeStatusReportInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long the pod garbage collector waits after a node is deleted before it deletes the pods still bound to it, if
    /// the node has not come back (upstream's quarantine, 40 s).
    /// </summary>
    public TimeSpan OrphanedPodQuarantine { get; set; } = TimeSpan.FromSeconds(40);

    /// <summary>Clock for timestamps, watch timeouts, bookmarks and injected latency.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Told of every request on a resource (discovery and OpenAPI documents aside) before it is handled, on the request's
    /// thread: for tests that record what a client calls (RBAC). Must be thread-safe and quick. None when null.
    /// </summary>
    public Action<ApiEmulatorRequest>? RequestObserver { get; set; }

    /// <summary>Where logs go; none when null.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>How many recent events are retained for watches resuming from a resourceVersion (the watch cache size).</summary>
    public int EventWindow { get; set; } = 10_000;

    /// <summary>How often a watch with <c>allowWatchBookmarks=true</c> gets a BOOKMARK (the apiserver uses about a minute).</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Events a watch client may fall behind by before its watch is closed, as the apiserver closes slow watchers.</summary>
    public int MaxWatchBacklog { get; set; } = 100_000;

    /// <summary>Create the namespaces a cluster starts with (<c>default</c>, <c>kube-system</c>, <c>kube-public</c>, <c>kube-node-lease</c>) at start (default true).</summary>
    public bool CreateDefaultNamespaces { get; set; } = true;

    internal void Validate()
    {
        var errors = new List<string>();
        if (Port is < 0 or > 65535)
        {
            errors.Add($"{nameof(Port)} must be between 0 and 65535 (0 picks a free port); got {Port}.");
        }

        if (ProvisioningDelay < TimeSpan.Zero)
        {
            errors.Add($"{nameof(ProvisioningDelay)} must not be negative; got {ProvisioningDelay}.");
        }

        if (TimeProvider is null)
        {
            errors.Add($"{nameof(TimeProvider)} must not be null; use TimeProvider.System.");
        }

        if (EventWindow <= 0)
        {
            errors.Add($"{nameof(EventWindow)} must be positive; got {EventWindow}.");
        }

        if (BookmarkInterval <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(BookmarkInterval)} must be positive; got {BookmarkInterval}.");
        }

        if (PodStartupDelay < TimeSpan.Zero)
        {
            errors.Add($"{nameof(PodStartupDelay)} must not be negative; got {PodStartupDelay}.");
        }

        if (OrphanedPodQuarantine < TimeSpan.Zero)
        {
            errors.Add($"{nameof(OrphanedPodQuarantine)} must not be negative; got {OrphanedPodQuarantine}.");
        }

        if (NodeLeaseRenewInterval <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(NodeLeaseRenewInterval)} must be positive; got {NodeLeaseRenewInterval}.");
        }

        if (NodeStatusReportInterval <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(NodeStatusReportInterval)} must be positive; got {NodeStatusReportInterval}.");
        }

        if (MaxWatchBacklog <= 0)
        {
            errors.Add($"{nameof(MaxWatchBacklog)} must be positive; got {MaxWatchBacklog}.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid ApiEmulatorOptions: " + string.Join(" ", errors));
        }
    }
}
