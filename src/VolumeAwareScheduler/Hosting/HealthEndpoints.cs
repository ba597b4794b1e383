using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace VolumeAwareScheduler.Hosting;

/// <summary>Liveness (the process answers) and readiness (the cluster state is loaded).</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", Healthz);
        endpoints.MapGet("/readyz", Readyz);
        return endpoints;
    }

    internal static Ok<string> Healthz() => TypedResults.Ok("ok");

    internal static Results<Ok<string>, ProblemHttpResult> Readyz(IClusterStateSource source) =>
        source.Store is null
            ? TypedResults.Problem(source.NotReadyReason, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready")
            : TypedResults.Ok("ready");
}
