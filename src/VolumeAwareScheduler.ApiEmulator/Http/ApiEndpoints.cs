using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Http;

/// <summary>The emulator's HTTP surface: discovery, health, and every resource under <c>/api</c> and <c>/apis</c>.</summary>
internal static class ApiEndpoints
{
    public static IEndpointRouteBuilder MapKubernetesApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/version", static () => ApiResults.Json(200, DiscoveryDocuments.Version()));
        endpoints.MapGet("/healthz", static () => Results.Text("ok"));
        endpoints.MapGet("/livez", static () => Results.Text("ok"));
        endpoints.MapGet("/readyz", static () => Results.Text("ok"));
        endpoints.MapOpenApi();
        endpoints.Map("/api/{**path}", static http => HandleAsync(http, legacy: true));
        endpoints.Map("/apis/{**path}", static http => HandleAsync(http, legacy: false));
        endpoints.MapFallback(static () => ApiResults.Error(ApiError.PathNotFound()));
        return endpoints;
    }

    private static async Task HandleAsync(HttpContext http, bool legacy)
    {
        var emulator = http.RequestServices.GetRequiredService<EmulatorContext>();
        IResult result;
        try
        {
            result = await DispatchAsync(http, emulator, legacy);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception exception)
        {
            Log.RequestFailed(emulator.Logger, exception, http.Request.Method, http.Request.Path);
            result = ApiResults.Error(new ApiError(500, "InternalError", $"Internal error occurred: {exception.Message}"));
        }

        try
        {
            await result.ExecuteAsync(http);
        }
        catch (Exception exception) when (!http.RequestAborted.IsCancellationRequested)
        {
            Log.RequestFailed(emulator.Logger, exception, http.Request.Method, http.Request.Path);
            if (!http.Response.HasStarted)
            {
                await ApiResults.Error(new ApiError(500, "InternalError", $"Internal error occurred: {exception.Message}")).ExecuteAsync(http);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
    }

    private static async Task<IResult> DispatchAsync(HttpContext http, EmulatorContext emulator, bool legacy)
    {
        var rawPath = http.Request.RouteValues["path"] as string;
        if (string.IsNullOrEmpty(rawPath))
        {
            return !HttpMethods.IsGet(http.Request.Method)
                ? ApiResults.Error(ApiError.MethodNotAllowed("the server does not allow this method on the requested resource"))
                : legacy
                    ? ApiResults.Json(200, DiscoveryDocuments.ApiVersions(http.Request.Host.Value ?? "127.0.0.1"))
                    : ApiResults.Json(200, DiscoveryDocuments.GroupList(emulator.Registry));
        }

        var path = ResourcePath.Parse(emulator.Registry, legacy, rawPath);
        return path.Target switch
        {
            PathTarget.GroupDiscovery => ApiResults.Json(200, DiscoveryDocuments.Group(emulator.Registry, path.GroupVersion)),
            PathTarget.ResourceDiscovery => ApiResults.Json(200, DiscoveryDocuments.ResourceList(emulator.Registry, path.GroupVersion)),
            PathTarget.Resource => await ResourceHandlers.HandleAsync(http, emulator, path),
            _ => ApiResults.Error(ApiError.PathNotFound()),
        };
    }
}
