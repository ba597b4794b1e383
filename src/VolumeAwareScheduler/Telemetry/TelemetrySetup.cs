using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace VolumeAwareScheduler.Telemetry;

/// <summary>
/// OpenTelemetry: our meter and ASP.NET Core's, exposed for Prometheus at /metrics; traces from our ActivitySource and
/// ASP.NET Core. OTLP export (metrics and traces) only when OTEL_EXPORTER_OTLP_ENDPOINT is set; the exporter reads the
/// standard OTEL_* variables itself.
/// </summary>
public static class TelemetrySetup
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static WebApplicationBuilder AddVasTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("volume-aware-scheduler"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ExtenderMetrics.MeterName).AddAspNetCoreInstrumentation().AddPrometheusExporter();
                if (otlp) metrics.AddOtlpExporter();
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(ExtenderMetrics.MeterName).AddAspNetCoreInstrumentation();
                if (otlp) tracing.AddOtlpExporter();
            });
        return builder;
    }

    public static WebApplication MapVasMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
