using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace VolumeAwareScheduler.Hosting;

/// <summary>What /healthz and /readyz ask a host that has its own notion of both.</summary>
public interface IHealthProbe
{
    /// <summary>Null when alive; otherwise why not (kubelet restarts the container).</summary>
    Task<string?> LivenessProblemAsync(CancellationToken cancellationToken);

    /// <summary>Null when ready; otherwise why not.</summary>
    string? ReadinessProblem { get; }
}

/// <summary>Liveness (the process answers) and readiness (the cluster state is loaded).</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", Healthz);
        endpoints.MapGet("/readyz", Readyz);
        return endpoints;
    }

    /// <summary>For hosts without an extender state (`run`): liveness and readiness are the probe's.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints, IHealthProbe probe)
    {
        endpoints.MapGet("/healthz", (CancellationToken cancellationToken) => ProbeHealthz(probe, cancellationToken));
        endpoints.MapGet("/readyz", () => ProbeReadyz(probe));
        return endpoints;
    }

    internal static Ok<string> Healthz() => TypedResults.Ok("ok");

    internal static async Task<Results<Ok<string>, ProblemHttpResult>> ProbeHealthz(IHealthProbe probe, CancellationToken cancellationToken) =>
        await probe.LivenessProblemAsync(cancellationToken).ConfigureAwait(false) is { } problem
            ? TypedResults.Problem(problem, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not alive")
            : TypedResults.Ok("ok");

    internal static Results<Ok<string>, ProblemHttpResult> ProbeReadyz(IHealthProbe probe) =>
        probe.ReadinessProblem is { } problem
            ? TypedResults.Problem(problem, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready")
            : TypedResults.Ok("ready");

    internal static Results<Ok<string>, ProblemHttpResult> Readyz(ClusterSource source) =>
        source.Cache is null
            ? TypedResults.Problem(source.NotReadyReason, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready")
            : TypedResults.Ok("ready");
}
