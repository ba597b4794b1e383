using System.Text.Json.Nodes;
using JsonHelpers = VolumeAwareScheduler.ApiEmulator.Json;
using Microsoft.AspNetCore.Http;
using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Http;

/// <summary>A JSON body already in bytes (stored objects are served exactly as stored).</summary>
internal sealed class JsonBytesResult(int statusCode, byte[] body, int? retryAfterSeconds = null) : IResult
{
    public int StatusCode => statusCode;

    public byte[] Body => body;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = statusCode;
        if (retryAfterSeconds is > 0)
        {
            httpContext.Response.Headers.RetryAfter = retryAfterSeconds.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        httpContext.Response.ContentType = "application/json";
        httpContext.Response.ContentLength = body.Length;
        await httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted);
    }
}

internal static class ApiResults
{
    public static JsonBytesResult Object(int statusCode, byte[] json) => new(statusCode, json);

    public static JsonBytesResult Json(int statusCode, JsonNode node) => new(statusCode, JsonHelpers.ToBytes(node));

    public static JsonBytesResult Error(ApiError error) => new(error.Code, error.ToStatusBytes(), error.RetryAfterSeconds);

    /// <summary>A success Status, as returned by subresources like binding.</summary>
    public static JsonBytesResult Success(int code) => Json(code, new JsonObject
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["code"] = code,
    });
}
