using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using VolumeAwareScheduler.Configuration;
using VolumeAwareScheduler.Extender;

namespace VolumeAwareScheduler.Hosting;

/// <summary>
/// Per-request limits of serve, besides the body size (Kestrel's MaxRequestBodySize and the readers' own count, 413):
/// <list type="bullet">
/// <item>Concurrency: at most <see cref="ServeOptions.MaxConcurrentRequests"/> verb requests (/scheduler/*) run at once,
/// <see cref="ServeOptions.RequestQueue"/> more wait oldest first, and the next gets 429 with <c>Retry-After: 1</c>.
/// kube-scheduler treats any non-200 as a failed call (filter: the cycle fails and the pod backs off; prioritize: the
/// scores are skipped; bind: Unreserve and requeue) and never reads Retry-After, so the limits are set far above what it
/// sends: filter and prioritize one pod at a time, binds in parallel. Health and metrics are never limited, so that
/// probes and scrapes see an overloaded host as alive.</item>
/// <item>Deadline: each request's token is cancelled after <see cref="ServeOptions.EffectiveRequestTimeout"/> (reading the
/// body, bind's wait); the answer is then 503 with <c>Retry-After: 1</c>, never a 500.</item>
/// </list>
/// </summary>
public static class RequestLimits
{
    public const string RetryAfterSeconds = "1";

    public static void AddRequestLimits(this WebApplicationBuilder builder, ServeOptions options)
    {
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Request.Path.StartsWithSegments(ExtenderEndpoints.Prefix, StringComparison.Ordinal)
                    ? RateLimitPartition.GetConcurrencyLimiter("verbs", _ => new ConcurrencyLimiterOptions
                    {
                        PermitLimit = options.MaxConcurrentRequests,
                        QueueLimit = options.RequestQueue,
                        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                    })
                    : RateLimitPartition.GetNoLimiter("ops"));
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, cancellationToken) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
                return new ValueTask(TypedResults.Problem(
                    $"more than {options.MaxConcurrentRequests} requests are being decided and {options.RequestQueue} are waiting; retry later (raise --max-concurrent-requests or --request-queue)",
                    statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests").ExecuteAsync(context.HttpContext));
            };
        });
        builder.Services.AddRequestTimeouts(timeouts => timeouts.DefaultPolicy = new RequestTimeoutPolicy
        {
            Timeout = options.EffectiveRequestTimeout,
            TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
            WriteTimeoutResponse = context =>
            {
                context.Response.Headers.RetryAfter = RetryAfterSeconds;
                return TypedResults.Problem(
                    $"the request did not complete within {options.EffectiveRequestTimeout.TotalSeconds:0.###} s (--request-timeout-seconds)",
                    statusCode: StatusCodes.Status503ServiceUnavailable, title: "Request deadline exceeded").ExecuteAsync(context);
            },
        });
    }

    /// <summary>After the exception handler: the limiter first (a rejected request costs nothing), then the deadline.</summary>
    public static void UseRequestLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        app.UseRequestTimeouts();
    }
}
