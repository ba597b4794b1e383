using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Hosting;
using VolumeAwareScheduler.Telemetry;

namespace VolumeAwareScheduler.Extender;

/// <summary>
/// The HTTP surface kube-scheduler calls (urlPrefix http://127.0.0.1:8888/scheduler; verbs filter, prioritize, bind),
/// plus explain for people. Handlers only read, delegate and write: 200 for every domain outcome, 400/413
/// ProblemDetails for malformed input only.
/// </summary>
public static class ExtenderEndpoints
{
    public const string Prefix = "/scheduler";

    /// <param name="opsPorts">Local ports that serve only health and metrics: the verbs answer 404 there.</param>
    public static IEndpointRouteBuilder MapExtender(this IEndpointRouteBuilder endpoints, IReadOnlySet<int>? opsPorts = null)
    {
        var group = endpoints.MapGroup(Prefix);
        if (opsPorts is { Count: > 0 })
        {
            group.AddEndpointFilter(async (context, next) =>
                opsPorts.Contains(context.HttpContext.Connection.LocalPort) ? TypedResults.NotFound() : await next(context).ConfigureAwait(false));
        }
        group.MapPost("/filter", Filter);
        group.MapPost("/prioritize", Prioritize);
        group.MapPost("/bind", Bind);
        group.MapGet("/explain", ExplainByName);
        group.MapPost("/explain", ExplainPod);
        return endpoints;
    }

    /// <summary>
    /// The NodeNames form (what kube-scheduler sends with nodeCacheCapable) goes the slim way (<see cref="ArgsReader"/>,
    /// <see cref="FilterReply"/>); any other body is decoded as <see cref="ExtenderArgs"/> from the same buffer.
    /// </summary>
    internal static async Task<Results<PooledJson, GoJsonResult<ExtenderFilterResult>, ProblemHttpResult>> Filter(
        HttpRequest request, ExtenderService service, ILogger<ExtenderService> logger, CancellationToken cancellationToken)
    {
        var (reader, problem) = await ArgsReader.ReadAsync(request, service.MaxRequestBytes, service.NodeNames, cancellationToken).ConfigureAwait(false);
        if (problem is not null) return Bad(logger, "filter", problem);
        using (reader)
        {
            string? invalid;
            if (reader!.IsFastForm)
            {
                var reply = service.FilterNames(reader.Pod, reader.Names, out invalid);
                if (invalid is not null) return Bad(logger, "filter", RequestReader.BadRequest(invalid));
                return reply!;
            }
            var (args, malformed) = reader.Deserialize();
            if (malformed is not null) return Bad(logger, "filter", malformed);
            var result = service.Filter(args!, out invalid);
            if (invalid is not null) return Bad(logger, "filter", RequestReader.BadRequest(invalid));
            return new GoJsonResult<ExtenderFilterResult>(result, ExtenderJsonContext.Wire.ExtenderFilterResult);
        }
    }

    internal static async Task<Results<PooledJson, GoJsonResult<List<HostPriority>>, ProblemHttpResult>> Prioritize(
        HttpRequest request, ExtenderService service, ILogger<ExtenderService> logger, CancellationToken cancellationToken)
    {
        var (reader, problem) = await ArgsReader.ReadAsync(request, service.MaxRequestBytes, service.NodeNames, cancellationToken).ConfigureAwait(false);
        if (problem is not null) return Bad(logger, "prioritize", problem);
        using (reader)
        {
            string? invalid;
            if (reader!.IsFastForm)
            {
                var reply = service.PrioritizeNames(reader.Pod, reader.Names, out invalid);
                if (invalid is not null) return Bad(logger, "prioritize", RequestReader.BadRequest(invalid));
                return reply!;
            }
            var (args, malformed) = reader.Deserialize();
            if (malformed is not null) return Bad(logger, "prioritize", malformed);
            var result = service.Prioritize(args!, out invalid);
            if (invalid is not null) return Bad(logger, "prioritize", RequestReader.BadRequest(invalid));
            return new GoJsonResult<List<HostPriority>>(result, ExtenderJsonContext.Wire.ListHostPriority);
        }
    }

    internal static async Task<Results<GoJsonResult<ExtenderBindingResult>, ProblemHttpResult>> Bind(
        HttpRequest request, ExtenderService service, BindCoordinator binder, ExtenderMetrics metrics, ILogger<ExtenderService> logger, CancellationToken cancellationToken)
    {
        using var activity = ExtenderMetrics.ActivitySource.StartActivity("extender bind");
        var started = Stopwatch.GetTimestamp();
        var outcome = "bad_request";
        try
        {
            var (args, problem) = await RequestReader.ReadAsync(request, ExtenderJsonContext.Wire.ExtenderBindingArgs, service.MaxRequestBytes, cancellationToken).ConfigureAwait(false);
            if (problem is not null) return Bad(logger, "bind", problem);
            if (ExtenderService.ValidateBinding(args!) is { } invalid) return Bad(logger, "bind", RequestReader.BadRequest(invalid));
            activity?.SetTag("k8s.namespace.name", args!.PodNamespace);
            activity?.SetTag("k8s.pod.name", args!.PodName);
            activity?.SetTag("k8s.node.name", args!.Node);
            var error = await binder.BindPodAsync(args!, cancellationToken).ConfigureAwait(false);
            outcome = error.Length == 0 ? "ok" : "error";
            return new GoJsonResult<ExtenderBindingResult>(new ExtenderBindingResult { Error = GoJson.SafeErrorText(error) }, ExtenderJsonContext.Wire.ExtenderBindingResult);
        }
        finally
        {
            metrics.RequestDone("bind", outcome, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>GET /scheduler/explain?pod=NS/NAME: a pod known from the snapshot or a filter request.</summary>
    internal static Results<Ok<PodExplanation>, ProblemHttpResult> ExplainByName(string? pod, ExtenderService service, ClusterSource source)
    {
        if (string.IsNullOrWhiteSpace(pod)) return RequestReader.BadRequest("the query parameter pod=NAMESPACE/NAME is required");
        if (source.Cache is null) return NotReady();
        var key = ParsePodKey(pod);
        if (service.FindPod(key) is not { } info)
        {
            return TypedResults.Problem($"pod {key} is not known: it is neither in the cluster snapshot nor seen in a filter request; POST the pod to /scheduler/explain instead",
                statusCode: StatusCodes.Status404NotFound, title: "Unknown pod");
        }
        return TypedResults.Ok(service.Explain(info)!);
    }

    /// <summary>POST /scheduler/explain with a v1.Pod body.</summary>
    internal static async Task<Results<Ok<PodExplanation>, ProblemHttpResult>> ExplainPod(HttpRequest request, ExtenderService service, ClusterSource source, CancellationToken cancellationToken)
    {
        var (json, problem) = await RequestReader.ReadAsync(request, ExplainJsonContext.Default.JsonElement, service.MaxRequestBytes, cancellationToken).ConfigureAwait(false);
        if (problem is not null) return problem;
        if (!ExtenderService.TryConvertPod(json, out var pod, out var invalid)) return RequestReader.BadRequest(invalid!);
        if (source.Cache is null) return NotReady();
        return TypedResults.Ok(service.Explain(pod!)!);
    }

    /// <summary>"ns/name", or "name" in the default namespace.</summary>
    public static ObjectKey ParsePodKey(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? new ObjectKey("default", value.Trim()) : new ObjectKey(value[..slash].Trim(), value[(slash + 1)..].Trim());
    }

    private static ProblemHttpResult NotReady() =>
        TypedResults.Problem(ClusterSource.NotLoadedReason, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready");

    private static ProblemHttpResult Bad(ILogger logger, string verb, ProblemHttpResult problem)
    {
        Log.BadRequest(logger, verb, problem.ProblemDetails.Detail ?? "");
        return problem;
    }
}

/// <summary>Explain's JSON (our own API, camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PodExplanation))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class ExplainJsonContext : JsonSerializerContext;
