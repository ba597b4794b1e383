using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using VolumeAwareScheduler.ApiEmulator.OpenApi;
using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Http;

/// <summary>
/// The <c>fieldValidation</c> query parameter of create, update and patch (k8s.io/apiserver handlers/create.go,
/// update.go, patch.go). <c>Strict</c> refuses a body with fields the kind's schema does not know; <c>Warn</c>
/// answers with one <c>Warning</c> header per unknown field. Unlike the API server, which drops unknown fields,
/// the emulator keeps them (it stores JSON); without the parameter it neither checks nor warns, so clients that
/// never ask (KubernetesClient) pay nothing for it.
/// </summary>
internal sealed class FieldValidation
{
    private readonly string _directive;
    private readonly ModelCatalog? _catalog;

    private FieldValidation(string directive, ModelCatalog? catalog)
    {
        _directive = directive;
        _catalog = catalog;
    }

    public bool IsStrict => _directive == "Strict";

    /// <summary>Whether unknown fields are looked for at all (<c>Warn</c> or <c>Strict</c>).</summary>
    public bool IsChecking => _catalog is not null;

    /// <summary>Reads the parameter; an unsupported value is a 422 as ValidateFieldValidation reports it.</summary>
    public static (FieldValidation? Validation, ApiError? Error) FromQuery(HttpRequest request, EmulatorContext emulator, string verb)
    {
        var directive = request.Query["fieldValidation"].ToString();
        if (directive is not ("" or "Ignore" or "Warn" or "Strict"))
        {
            var options = verb switch { "update" => "UpdateOptions", "patch" => "PatchOptions", _ => "CreateOptions" };
            var detail = $"Unsupported value: \"{directive}\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"";
            return (null, new ApiError(422, "Invalid", $"{options}.meta.k8s.io \"\" is invalid: fieldValidation: {detail}")
            {
                DetailsName = "",
                DetailsGroup = "meta.k8s.io",
                DetailsKind = options,
                CauseField = "fieldValidation",
                CauseReason = "FieldValueNotSupported",
                CauseMessage = detail,
            });
        }

        return (new FieldValidation(directive, directive is "Warn" or "Strict" ? emulator.OpenApi.Catalog : null), null);
    }

    /// <summary>Unknown fields of a request body of <paramref name="bodyKind"/>; empty when not checking or the kind has no schema.</summary>
    public List<string> UnknownFields(GroupVersionKind bodyKind, JsonObject body) =>
        _catalog?.Find(bodyKind) is { } definition ? FieldValidator.UnknownFields(_catalog, definition, body) : [];

    /// <summary>
    /// For a create or update body: the 400 of <c>transformDecodeError</c> when strict, otherwise null after adding
    /// the warnings. <paramref name="bodyKind"/> is the kind the endpoint decodes into.
    /// </summary>
    public ApiError? CheckBody(HttpResponse response, GroupVersionKind bodyKind, JsonObject body)
    {
        var unknown = UnknownFields(bodyKind, body);
        if (unknown.Count == 0)
        {
            return null;
        }

        if (IsStrict)
        {
            var sentKind = Json.GetString(body, "kind") is { Length: > 0 } k ? k : bodyKind.Kind;
            var sentVersion = Json.GetString(body, "apiVersion") is { Length: > 0 } apiVersion ? apiVersion[(apiVersion.IndexOf('/') + 1)..] : bodyKind.Version;
            return ApiError.BadRequest($"{sentKind} in version \"{sentVersion}\" cannot be handled as a {bodyKind.Kind}: {StrictDecodingError(unknown)}");
        }

        AddWarnings(response, unknown);
        return null;
    }

    /// <summary>
    /// For a patch: unknown fields of the patched object that the stored one did not already have (the emulator
    /// keeps unknown fields that non-strict writes stored). Strict: the 422 of applyPatchToObject.
    /// </summary>
    public ApiError? CheckPatched(HttpResponse response, GroupVersionKind kind, JsonObject current, JsonObject patched, string patch)
    {
        if (_catalog is null)
        {
            return null;
        }

        var before = UnknownFields(kind, current).ToHashSet(StringComparer.Ordinal);
        var unknown = UnknownFields(kind, patched).Where(f => !before.Contains(f)).ToList();
        if (unknown.Count == 0)
        {
            return null;
        }

        if (IsStrict)
        {
            var detail = $"Invalid value: \"{patch}\": {StrictDecodingError(unknown)}";
            return new ApiError(422, "Invalid", $" \"\" is invalid: patch: {detail}")
            {
                DetailsName = "",
                CauseField = "patch",
                CauseReason = "FieldValueInvalid",
                CauseMessage = detail,
            };
        }

        AddWarnings(response, unknown);
        return null;
    }

    private static string StrictDecodingError(IEnumerable<string> unknown) =>
        "strict decoding error: " + string.Join(", ", unknown.Select(f => $"unknown field \"{f}\""));

    private static void AddWarnings(HttpResponse response, IEnumerable<string> unknown)
    {
        foreach (var field in unknown)
        {
            // RFC 7234 warning: 299, no agent, a quoted text (warning.AddWarning in k8s.io/apiserver).
            response.Headers.Append("Warning", $"299 - \"unknown field \\\"{field}\\\"\"");
        }
    }
}
