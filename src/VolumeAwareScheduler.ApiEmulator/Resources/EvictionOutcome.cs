using System.Text.Json.Nodes;

namespace VolumeAwareScheduler.ApiEmulator.Resources;

/// <summary>What the eviction subresource answers: a Status with its HTTP code, or an API error.</summary>
internal sealed record EvictionOutcome(int Code, JsonObject? Status, ApiError? Error)
{
    public static EvictionOutcome Success() => new(201, new JsonObject
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["code"] = 201,
    }, null);

    /// <summary>A Status returned as an object rather than as an error (EvictionREST's rtStatus).</summary>
    public static EvictionOutcome Failure(int code, string message) => new(code, new JsonObject
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["code"] = code,
    }, null);

    public static implicit operator EvictionOutcome(ApiError error) => new(error.Code, null, error);
}
