
using System.Text.Json.Nodes;

namespace VolumeAwareScheduler.ApiEmulator.Resources;

/// <summary>
/// A failed API call as a value: becomes a <c>Status</c> body. Messages follow
/// k8s.io/apimachinery/pkg/api/errors/errors.go so clients that match on them behave as against the real API.
/// </summary>
internal sealed record ApiError(int Code, string Reason, string Message)
{
    public string? DetailsName { get; init; }

    public string? DetailsGroup { get; init; }

    public string? DetailsKind { get; init; }

    public string? CauseField { get; init; }

    public string? CauseReason { get; init; }

    public string? CauseMessage { get; init; }

    /// <summary>Seconds a client should wait before retrying; also sent as the <c>Retry-After</c> header.</summary>
    public int? RetryAfterSeconds { get; init; }

    public static ApiError NotFound(ResourceKind kind, string name) =>
        new(404, "NotFound", $"{kind.QualifiedResource} \"{name}\" not found") { DetailsName = name, DetailsGroup = kind.Group, DetailsKind = kind.Plural };

    public static ApiError AlreadyExists(ResourceKind kind, string name) =>
        new(409, "AlreadyExists", $"{kind.QualifiedResource} \"{name}\" already exists") { DetailsName = name, DetailsGroup = kind.Group, DetailsKind = kind.Plural };

    /// <summary>errors.NewConflict: "Operation cannot be fulfilled on {resource} "{name}": {detail}".</summary>
    public static ApiError Conflict(string qualifiedResource, string group, string name, string detail) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {qualifiedResource} \"{name}\": {detail}")
        {
            DetailsName = name,
            DetailsGroup = group,
            DetailsKind = qualifiedResource.Split('.')[0],
        };

    /// <summary>The optimistic-concurrency failure (storage.ErrConflict interpreted by the registry).</summary>
    public static ApiError StaleResourceVersion(ResourceKind kind, string name) =>
        Conflict(kind.QualifiedResource, kind.Group, name, OptimisticLockErrorMsg);

    public const string OptimisticLockErrorMsg =
        "the object has been modified; please apply your changes to the latest version and try again";

    /// <summary>errors.NewInvalid with one field error: "{Kind}.{group} "{name}" is invalid: {field}: {detail}".</summary>
    public static ApiError Invalid(ResourceKind kind, string name, string field, string causeReason, string detail) =>
        new(422, "Invalid", $"{(kind.Group.Length == 0 ? kind.Kind : $"{kind.Kind}.{kind.Group}")} \"{name}\" is invalid: {field}: {detail}")
        {
            DetailsName = name,
            DetailsGroup = kind.Group,
            DetailsKind = kind.Kind,
            CauseField = field,
            CauseReason = causeReason,
            CauseMessage = detail,
        };

    public static ApiError BadRequest(string message) => new(400, "BadRequest", message);

    /// <summary>errors.NewForbidden: "{resource} "{name}" is forbidden: {reason}".</summary>
    public static ApiError Forbidden(string qualifiedResource, string group, string name, string reason) =>
        new(403, "Forbidden", $"{qualifiedResource} \"{name}\" is forbidden: {reason}")
        {
            DetailsName = name,
            DetailsGroup = group,
            DetailsKind = qualifiedResource.Split('.')[0],
        };

    /// <summary>errors.NewTooManyRequests with one cause, as the eviction subresource reports a disruption budget.</summary>
    public static ApiError TooManyRequests(string message, int retryAfterSeconds, string causeReason, string causeMessage) =>
        new(429, "TooManyRequests", message)
        {
            CauseReason = causeReason,
            CauseMessage = causeMessage,
            RetryAfterSeconds = retryAfterSeconds,
        };

    public static ApiError Expired(string message) => new(410, "Expired", message);

    public static ApiError MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);

    public static ApiError UnsupportedMediaType(string contentType) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json; got {contentType}");

    public static ApiError PathNotFound() => new(404, "NotFound", "the server could not find the requested resource");

    /// <summary>A failure injected by <see cref="Faults.ApiEmulatorFaults"/>; reason follows the code like the real API would report it.</summary>
    public static ApiError Injected(int code) => new(code, ReasonForCode(code), $"injected fault: HTTP {code}");

    public static string ReasonForCode(int code) => code switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        410 => "Expired",
        422 => "Invalid",
        429 => "TooManyRequests",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "Unknown",
    };

    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (DetailsName is not null || DetailsKind is not null || CauseReason is not null || RetryAfterSeconds is not null)
        {
            var details = new JsonObject();
            if (DetailsName is not null)
            {
                details["name"] = DetailsName;
            }

            if (!string.IsNullOrEmpty(DetailsGroup))
            {
                details["group"] = DetailsGroup;
            }

            if (DetailsKind is not null)
            {
                details["kind"] = DetailsKind;
            }

            if (CauseField is not null || CauseReason is not null)
            {
                var cause = new JsonObject { ["reason"] = CauseReason, ["message"] = CauseMessage };
                if (CauseField is not null)
                {
                    cause["field"] = CauseField;
                }

                details["causes"] = new JsonArray(cause);
            }

            if (RetryAfterSeconds is > 0)
            {
                details["retryAfterSeconds"] = RetryAfterSeconds;
            }

            status["details"] = details;
        }

        status["code"] = Code;
        return status;
    }

    public byte[] ToStatusBytes() => Json.ToBytes(ToStatus());
}
