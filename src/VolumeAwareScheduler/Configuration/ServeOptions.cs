using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;

namespace VolumeAwareScheduler.Configuration;

/// <summary>serve's options, validated at start: every problem collected, each saying how to fix it.</summary>
public sealed class ServeOptions
{
    public const string DefaultUrls = "http://127.0.0.1:8888";

    /// <summary>64 MiB: room for 5,000 full Node objects (about 10 KiB each with images and managedFields) in one filter request.</summary>
    public const long DefaultMaxRequestBytes = 64L * 1024 * 1024;

    public string? ClusterFile { get; init; }

    /// <summary>Live mode: the API server URL (no credentials), e.g. the emulator's.</summary>
    public string? Server { get; init; }

    /// <summary>Live mode: a kubeconfig file.</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>How long bind waits for the PV controller to complete volume bindings (live mode), without --config.</summary>
    public TimeSpan BindTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// --config: the verbs run <see cref="Profiles.Extender"/> (VolumeBinding alone) with the first profile's VolumeBinding
    /// args, whose bindTimeoutSeconds replaces <see cref="BindTimeout"/>; explain runs the first profile.
    /// </summary>
    public SchedulerConfiguration? Scheduler { get; init; }

    /// <summary>How long bind waits: the configuration's VolumeBinding bindTimeoutSeconds, else <see cref="BindTimeout"/>.</summary>
    public TimeSpan EffectiveBindTimeout => Scheduler is null ? BindTimeout : TimeSpan.FromSeconds(Scheduler.VolumeBindingArgs().BindTimeoutSeconds);

    /// <summary>The profile filter, prioritize and bind decide with.</summary>
    public Profile ExtenderProfile() => Profiles.Extender(volumeBinding: Scheduler?.VolumeBindingArgs()
        ?? new VolumeBindingArgs { BindTimeoutSeconds = (long)Math.Ceiling(BindTimeout.TotalSeconds) });

    /// <summary>The profile explain runs over every node: the first configured profile, or the default one.</summary>
    public Profile ExplainProfile() => Scheduler is null
        ? Profiles.Default(percentageOfNodesToScore: 100)
        : Scheduler.Registry.Build(Scheduler.Profiles[0] with { PercentageOfNodesToScore = 100 });

    /// <summary>True when the state comes from an API server rather than a file.</summary>
    public bool IsLive => ClusterFile is null && (Server is not null || Kubeconfig is not null || k8s.KubernetesClientConfiguration.IsInCluster());

    public string Urls { get; init; } = DefaultUrls;

    public long MaxRequestBytes { get; init; } = DefaultMaxRequestBytes;

    /// <summary>Verb requests (/scheduler/*) decided at once; more wait in the queue.</summary>
    public const int DefaultMaxConcurrentRequests = 64;

    /// <summary>Verb requests waiting for a slot, oldest first; beyond it: 429 with Retry-After.</summary>
    public const int DefaultRequestQueue = 1024;

    /// <summary>What the default per-request deadline adds to the bind timeout, so that a bind waiting for the PV controller finishes first.</summary>
    public static readonly TimeSpan RequestTimeoutMargin = TimeSpan.FromSeconds(30);

    public int MaxConcurrentRequests { get; init; } = DefaultMaxConcurrentRequests;

    public int RequestQueue { get; init; } = DefaultRequestQueue;

    /// <summary>Per-request deadline (--request-timeout-seconds); null: <see cref="EffectiveRequestTimeout"/>'s default.</summary>
    public TimeSpan? RequestTimeout { get; init; }

    /// <summary>
    /// The whole exchange of one request, body included: past it the request's token is cancelled and the answer is 503
    /// with Retry-After. Default: the bind timeout plus <see cref="RequestTimeoutMargin"/> (60 s without --config).
    /// </summary>
    public TimeSpan EffectiveRequestTimeout => RequestTimeout ?? EffectiveBindTimeout + RequestTimeoutMargin;

    /// <summary>
    /// Extra listeners for /healthz, /readyz and /metrics only (the verbs answer 404 there): lets kubelet probe and
    /// Prometheus scrape on the pod IP while the verbs stay on loopback, reachable only by the kube-scheduler sidecar.
    /// </summary>
    public string? OpsUrls { get; init; }

    public string? TlsCertFile { get; init; }

    public string? TlsKeyFile { get; init; }

    public string? ClientCaFile { get; init; }

    public bool UsesTls => TlsCertFile is not null;

    public IReadOnlyList<string> OpsUrlList => OpsUrls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// <summary>The ports of <see cref="OpsUrls"/>.</summary>
    public IReadOnlySet<int> OpsPorts => OpsUrlList
        .Select(u => Uri.TryCreate(u.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) ? uri.Port : -1)
        .Where(p => p > 0).ToHashSet();

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxRequestBytes <= 0) errors.Add($"--max-request-bytes must be positive (got {MaxRequestBytes}); the default is {DefaultMaxRequestBytes}.");
        if (MaxConcurrentRequests <= 0) errors.Add($"--max-concurrent-requests must be positive (got {MaxConcurrentRequests}); the default is {DefaultMaxConcurrentRequests}.");
        if (RequestQueue < 0) errors.Add($"--request-queue must be 0 or more (got {RequestQueue}); the default is {DefaultRequestQueue}.");
        if (RequestTimeout is { } timeout && timeout <= TimeSpan.Zero) errors.Add($"--request-timeout-seconds must be positive (got {timeout.TotalSeconds:0.###}); the default is the bind timeout plus {RequestTimeoutMargin.TotalSeconds:0}.");
        else if (RequestTimeout is { } deadline && deadline <= EffectiveBindTimeout)
            errors.Add($"--request-timeout-seconds ({deadline.TotalSeconds:0.###}) must exceed the bind timeout ({EffectiveBindTimeout.TotalSeconds:0.###} s), or a bind still waiting for the PV controller would be cut short.");
        if (ClusterFile is not null && !File.Exists(ClusterFile)) errors.Add($"--cluster: file \"{ClusterFile}\" does not exist.");
        if (ClusterFile is not null && (Server is not null || Kubeconfig is not null)) errors.Add("--cluster reads a snapshot; --server and --kubeconfig read a live cluster: give one source.");
        if (Server is not null && Kubeconfig is not null) errors.Add("--server and --kubeconfig cannot be used together: give one.");
        if (Kubeconfig is not null && !File.Exists(Kubeconfig)) errors.Add($"--kubeconfig: file \"{Kubeconfig}\" does not exist.");
        if ((TlsCertFile is null) != (TlsKeyFile is null)) errors.Add("--tls-cert and --tls-key go together: give both PEM files, or neither.");
        if (ClientCaFile is not null && TlsCertFile is null) errors.Add("--client-ca requires --tls-cert and --tls-key: client certificates are only asked for over TLS.");
        foreach (var (option, file) in new[] { ("--tls-cert", TlsCertFile), ("--tls-key", TlsKeyFile), ("--client-ca", ClientCaFile) })
        {
            if (file is not null && !File.Exists(file)) errors.Add($"{option}: file \"{file}\" does not exist.");
        }
        var urls = Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0) errors.Add($"--urls is empty; for example {DefaultUrls}.");
        foreach (var url in urls.Concat(OpsUrlList))
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                errors.Add($"--urls: \"{url}\" is not an http:// or https:// URL.");
                continue;
            }
            if (uri.Scheme == "https" && !UsesTls) errors.Add($"--urls: \"{url}\" is https but no --tls-cert/--tls-key were given.");
            if (uri.Scheme == "http" && UsesTls && urls.Contains(url)) errors.Add($"--urls: \"{url}\" is plain http while TLS is configured; use https://.");
            if (OpsUrlList.Contains(url) && (uri.Port <= 0 || url.EndsWith(":0", StringComparison.Ordinal))) errors.Add($"--ops-urls: \"{url}\" needs an explicit port, so that the verbs can be kept off it.");
        }
        return errors;
    }
}
