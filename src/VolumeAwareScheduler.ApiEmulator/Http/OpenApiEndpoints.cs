using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using VolumeAwareScheduler.ApiEmulator.OpenApi;

namespace VolumeAwareScheduler.ApiEmulator.Http;

/// <summary>
/// <c>/openapi/v2</c> and <c>/openapi/v3</c> as k8s.io/kube-openapi's handler and handler3 serve them, in JSON
/// only. A request that accepts nothing but protobuf gets 406 Not Acceptable, as the real handler answers an
/// unservable Accept header. kubectl 1.32 asks for v2 only as protobuf, and only when v3 fails; with v3 served
/// it validates on the server and computes apply patches and explain output from v3.
/// </summary>
internal static class OpenApiEndpoints
{
    public static IEndpointRouteBuilder MapOpenApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/openapi/v2", static http => ServeV2Async(http));
        endpoints.MapGet("/openapi/v3", static http => ServeV3IndexAsync(http));
        endpoints.MapGet("/openapi/v3/{**path}", static http => ServeV3Async(http));
        return endpoints;
    }

    private static Task ServeV2Async(HttpContext http)
    {
        var documents = http.RequestServices.GetRequiredService<EmulatorContext>().OpenApi;
        return AcceptsJson(http.Request.Headers.Accept) ? WriteAsync(http, documents.V2) : NotAcceptableAsync(http);
    }

    private static Task ServeV3IndexAsync(HttpContext http)
    {
        var documents = http.RequestServices.GetRequiredService<EmulatorContext>().OpenApi;
        return WriteAsync(http, documents.V3Index);
    }

    private static Task ServeV3Async(HttpContext http)
    {
        var documents = http.RequestServices.GetRequiredService<EmulatorContext>().OpenApi;
        var path = (http.Request.RouteValues["path"] as string ?? "").Trim('/');
        if (documents.V3(path) is not { } document)
        {
            return ApiResults.Error(Resources.ApiError.PathNotFound()).ExecuteAsync(http);
        }

        if (!AcceptsJson(http.Request.Headers.Accept))
        {
            return NotAcceptableAsync(http);
        }

        if (http.Request.Query["hash"].ToString() is { Length: > 0 } hash)
        {
            if (hash != document.Hash)
            {
                // handler3.go: a stale hash is redirected to the current one.
                http.Response.Redirect(OpenApiDocuments.ServerRelativeUrl(path, document.Hash), permanent: true);
                return Task.CompletedTask;
            }

            http.Response.Headers.CacheControl = "public, immutable";
            http.Response.Headers.Expires = DateTimeOffset.UtcNow.AddYears(1).ToString("R", CultureInfo.InvariantCulture);
        }

        var etag = $"\"{document.Hash}\"";
        http.Response.Headers.ETag = etag;
        http.Response.Headers.Vary = "Accept";
        if (http.Request.Headers.IfNoneMatch.ToString() == etag)
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        return WriteAsync(http, document.Json);
    }

    /// <summary>Whether the Accept header admits JSON (absent, <c>*/*</c>, <c>application/*</c> or <c>application/json</c>, with q above 0).</summary>
    internal static bool AcceptsJson(StringValues accept)
    {
        var text = accept.ToString();
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        foreach (var range in text.Split(','))
        {
            var parts = range.Split(';');
            var mediaType = parts[0].Trim();
            var refused = parts.Skip(1).Select(p => p.Trim()).Any(p => p.StartsWith("q=", StringComparison.Ordinal)
                && double.TryParse(p[2..], NumberStyles.Float, CultureInfo.InvariantCulture, out var q) && q <= 0);
            if (!refused && mediaType is "*/*" or "application/*" or "application/json")
            {
                return true;
            }
        }

        return false;
    }

    private static async Task WriteAsync(HttpContext http, byte[] json)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = json.Length;
        await http.Response.Body.WriteAsync(json, http.RequestAborted);
    }

    private static Task NotAcceptableAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status406NotAcceptable;
        return Task.CompletedTask;
    }
}
