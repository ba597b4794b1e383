using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace VolumeAwareScheduler.Extender;

/// <summary>Reads a JSON body asynchronously, turning every way it can be wrong into a 400/413 ProblemDetails.</summary>
internal static class RequestReader
{
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return (default, TooLarge(request.ContentLength.Value, maxBytes));
        }
        try
        {
            var value = await JsonSerializer.DeserializeAsync(request.Body, typeInfo, cancellationToken).ConfigureAwait(false);
            return value is null ? (default, BadRequest("the body is the JSON literal null; a JSON object is required")) : (value, null);
        }
        catch (JsonException e)
        {
            return (default, BadRequest($"malformed JSON: {e.Message}"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (default, TooLarge(null, maxBytes));
        }
        catch (BadHttpRequestException e)
        {
            return (default, TypedResults.Problem(e.Message, statusCode: e.StatusCode, title: "Bad request"));
        }
    }

    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");

    internal static ProblemHttpResult TooLarge(long? size, long maxBytes) => TypedResults.Problem(
        $"the body{(size is { } s ? $" ({s} bytes)" : "")} is larger than the limit of {maxBytes} bytes; raise it with --max-request-bytes",
        statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large");
}

/// <summary>A 200 reply written exactly as Go's encoding/json would write it (see <see cref="GoJson"/>).</summary>
public sealed class GoJsonResult<T>(T value, JsonTypeInfo<T> typeInfo) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>
{
    public T Value => value;

    object? IValueHttpResult.Value => value;

    public int? StatusCode => StatusCodes.Status200OK;

    public Task ExecuteAsync(HttpContext httpContext) => FilterReply.Serialize(value, typeInfo).ExecuteAsync(httpContext);
}
