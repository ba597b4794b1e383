using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using VolumeAwareScheduler.ApiEmulator.OpenApi;
using VolumeAwareScheduler.ApiEmulator.Patching;
using VolumeAwareScheduler.ApiEmulator.Resources;
using VolumeAwareScheduler.ApiEmulator.Selectors;
using VolumeAwareScheduler.ApiEmulator.Storage;

namespace VolumeAwareScheduler.ApiEmulator.Http;

/// <summary>
/// The verbs on resources. Each handler is a thin translation between HTTP and <see cref="ObjectStore"/>;
/// the semantics live in the store. Verb resolution follows requestinfo.go.
/// </summary>
internal static class ResourceHandlers
{
    private const int MaxBodyBytes = 16 * 1024 * 1024;

    // A repeated field would make JsonObject throw when read; refuse it as malformed input instead.
    private static readonly JsonDocumentOptions NoDuplicates = new() { AllowDuplicateProperties = false };

    public static async Task<IResult> HandleAsync(HttpContext http, EmulatorContext emulator, ResourcePath path)
    {
        var kind = path.Kind!;
        var verb = ResolveVerb(http.Request, path);
        if (verb is null)
        {
            return ApiResults.Error(ApiError.MethodNotAllowed($"the server does not allow this method on the requested resource"));
        }

        emulator.Options.RequestObserver?.Invoke(new ApiEmulatorRequest(verb, kind.Group, path.Resource, path.Namespace, path.Name,
            http.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization ? authorization : null));

        if (emulator.Faults.Latency is { Ticks: > 0 } latency)
        {
            await Task.Delay(latency, emulator.Time, http.RequestAborted);
        }

        if (emulator.Faults.TakeFault(verb, path.Resource, kind, path.Name) is { } fault)
        {
            Log.FaultInjected(emulator.Logger, fault.Code, verb, path.Resource);
            return ApiResults.Error(fault);
        }

        if (emulator.Faults.TakeInterrupt(verb, path.Resource, afterCommit: false) is { } before)
        {
            Log.Interrupted(emulator.Logger, "before", verb, path.Resource);
            before();
            return ApiResults.Error(ApiError.Injected(503));
        }

        var result = await HandleVerbAsync(http, emulator, path, kind, verb);
        if (result is JsonBytesResult { StatusCode: >= 200 and < 300 } && emulator.Faults.TakeInterrupt(verb, path.Resource, afterCommit: true) is { } after)
        {
            Log.Interrupted(emulator.Logger, "after", verb, path.Resource);
            after();
        }

        return result;
    }

    private static async Task<IResult> HandleVerbAsync(HttpContext http, EmulatorContext emulator, ResourcePath path, ResourceKind kind, string verb)
    {
        if (http.Request.Query.ContainsKey("dryRun") && verb is "create" or "update" or "patch" or "delete" or "deletecollection")
        {
            return ApiResults.Error(ApiError.BadRequest("dryRun is not supported by the API emulator"));
        }

        FieldValidation? validation = null;
        if (verb is "create" or "update" or "patch")
        {
            (validation, var invalid) = FieldValidation.FromQuery(http.Request, emulator, verb);
            if (invalid is not null)
            {
                return ApiResults.Error(invalid);
            }
        }

        return verb switch
        {
            "list" => List(http.Request, emulator, kind, path.Namespace),
            "watch" => Watch(http.Request, emulator, kind, path.Namespace),
            "get" => Get(http.Request, emulator, kind, path.Namespace, path.Name!),
            "create" when path.Subresource == "binding" => await BindAsync(http, emulator, validation!, kind, path.Namespace, path.Name!),
            "create" when path.Subresource == "eviction" => await EvictAsync(http, emulator, validation!, kind, path.Namespace, path.Name!),
            "create" => await CreateAsync(http, emulator, validation!, kind, path.Namespace),
            "update" => await UpdateAsync(http, emulator, validation!, kind, path.Namespace, path.Name!, ScopeOf(path)),
            "patch" => await PatchAsync(http, emulator, validation!, kind, path.Namespace, path.Name!, ScopeOf(path)),
            "delete" => await DeleteAsync(http, emulator, kind, path.Namespace, path.Name!),
            "deletecollection" => await DeleteCollectionAsync(http, emulator, kind, path.Namespace),
            _ => ApiResults.Error(ApiError.MethodNotAllowed("the server does not allow this method on the requested resource")),
        };
    }

    /// <summary>The API verb of a request, or null when the method is not served at that path.</summary>
    internal static string? ResolveVerb(HttpRequest request, ResourcePath path)
    {
        var isCollection = path.Name is null;
        return request.Method switch
        {
            "GET" or "HEAD" when isCollection => IsTrue(request.Query["watch"]) ? "watch" : "list",
            "GET" or "HEAD" when path.Subresource is null or "status" => "get",
            "POST" when isCollection && (path.Kind!.Namespaced ? path.Namespace is not null : true) => "create",
            "POST" when path.Subresource is "binding" or "eviction" => "create",
            "PUT" when !isCollection && path.Subresource is null or "status" or "finalize" => "update",
            "PATCH" when !isCollection && path.Subresource is null or "status" => "patch",
            "DELETE" when isCollection => "deletecollection",
            "DELETE" when path.Subresource is null => "delete",
            _ => null,
        };
    }

    private static IResult List(HttpRequest request, EmulatorContext emulator, ResourceKind kind, string? ns)
    {
        if (ParseSelectors(request, kind) is not ({ } labels, { } fields))
        {
            return SelectorError(request, kind);
        }

        var limit = 0;
        if (request.Query["limit"].ToString() is { Length: > 0 } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit)))
        {
            return ApiResults.Error(ApiError.BadRequest($"invalid limit: {limitText}"));
        }

        ContinueToken? continueFrom = null;
        if (request.Query["continue"].ToString() is { Length: > 0 } continueText)
        {
            if (!ContinueToken.TryDecode(continueText, out var token))
            {
                return ApiResults.Error(ApiError.BadRequest("continue key is not valid: invalid continue token"));
            }

            continueFrom = token;
        }

        var page = emulator.Store.List(kind, ns, labels, fields, limit, continueFrom);
        if (page.Error is not null)
        {
            return ApiResults.Error(page.Error);
        }

        return TableWriter.IsRequested(request.Headers.Accept)
            ? ApiResults.Object(200, TableWriter.Write(kind, page, emulator.Time.GetUtcNow()))
            : ApiResults.Object(200, ListWriter.Write(kind, page));
    }

    private static IResult Watch(HttpRequest request, EmulatorContext emulator, ResourceKind kind, string? ns)
    {
        if (ParseSelectors(request, kind) is not ({ } labels, { } fields))
        {
            return SelectorError(request, kind);
        }

        long? from = null;
        var rvText = request.Query["resourceVersion"].ToString();
        if (rvText.Length > 0 && rvText != "0")
        {
            if (!long.TryParse(rvText, NumberStyles.None, CultureInfo.InvariantCulture, out var rv))
            {
                return ApiResults.Error(ApiError.BadRequest($"invalid resource version: {rvText}"));
            }

            from = rv;
        }

        TimeSpan? timeout = null;
        if (request.Query["timeoutSeconds"].ToString() is { Length: > 0 } timeoutText)
        {
            if (!int.TryParse(timeoutText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return ApiResults.Error(ApiError.BadRequest($"invalid timeoutSeconds: {timeoutText}"));
            }

            timeout = TimeSpan.FromSeconds(seconds);
        }

        var allowBookmarks = IsTrue(request.Query["allowWatchBookmarks"]);
        return new WatchStream(emulator, new WatchRequest(kind, ns, labels, fields, from, allowBookmarks, timeout));
    }

    private static IResult Get(HttpRequest request, EmulatorContext emulator, ResourceKind kind, string? ns, string name)
    {
        if (emulator.Store.Get(kind, ns, name) is not { } obj)
        {
            return ApiResults.Error(ApiError.NotFound(kind, name));
        }

        if (TableWriter.IsRequested(request.Headers.Accept))
        {
            var page = new ListPage([obj], obj.ResourceVersion, null, null, null);
            return ApiResults.Object(200, TableWriter.Write(kind, page, emulator.Time.GetUtcNow()));
        }

        return ApiResults.Object(200, obj.Json);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, EmulatorContext emulator, FieldValidation validation, ResourceKind kind, string? ns)
    {
        var (body, error) = await ReadObjectAsync(http.Request, http.RequestAborted);
        if ((error ?? validation.CheckBody(http.Response, ModelCatalog.BodyKind(kind, null), body!)) is { } refused)
        {
            return ApiResults.Error(refused);
        }

        return Respond(emulator.Store.Create(kind, ns, body!), successCode: 201);
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, EmulatorContext emulator, FieldValidation validation, ResourceKind kind, string? ns, string name, WriteScope scope)
    {
        var (body, error) = await ReadObjectAsync(http.Request, http.RequestAborted);
        if ((error ?? validation.CheckBody(http.Response, ModelCatalog.BodyKind(kind, null), body!)) is { } refused)
        {
            return ApiResults.Error(refused);
        }

        return Respond(emulator.Store.Update(kind, ns, name, body!, scope), successCode: 200);
    }

    private static async Task<IResult> PatchAsync(HttpContext http, EmulatorContext emulator, FieldValidation validation, ResourceKind kind, string? ns, string name, WriteScope scope)
    {
        var contentType = (http.Request.ContentType ?? "").Split(';')[0].Trim();
        Func<JsonObject, JsonNode?, MutationResult>? apply = contentType switch
        {
            "application/merge-patch+json" => static (current, patch) => AsObject(MergePatch.Apply(current, patch)),
            "application/strategic-merge-patch+json" => (current, patch) =>
                AsObject(MergePatch.ApplyStrategic(current, patch, PatchSchema.Of(emulator.OpenApi.Catalog, kind))),
            "application/json-patch+json" => static (current, patch) =>
                JsonPatch.TryApply(current, patch, out var patched, out var message)
                    ? AsObject(patched)
                    : new ApiError(422, "Invalid", message),
            _ => null,
        };
        if (apply is null)
        {
            return ApiResults.Error(ApiError.UnsupportedMediaType(contentType));
        }

        var (patchNode, error) = await ReadJsonAsync(http.Request, http.RequestAborted);
        if (error is not null)
        {
            return ApiResults.Error(error);
        }

        if (contentType != "application/json-patch+json" && patchNode is not JsonObject)
        {
            return ApiResults.Error(ApiError.BadRequest("the patch must be a JSON object"));
        }

        var bodyKind = ModelCatalog.BodyKind(kind, null);
        return Respond(emulator.Store.Mutate(kind, ns, name, scope, current =>
        {
            var original = validation.IsChecking ? (JsonObject)current.DeepClone() : null;
            var outcome = apply(current, patchNode);
            return outcome.Object is { } patched && original is not null
                && validation.CheckPatched(http.Response, bodyKind, original, patched, Json.ToText(patchNode!)) is { } refused
                ? refused
                : outcome;
        }), successCode: 200);
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, EmulatorContext emulator, ResourceKind kind, string? ns, string name)
    {
        var (options, error) = await ReadDeleteOptionsAsync(http.Request, http.RequestAborted);
        if (error is not null)
        {
            return ApiResults.Error(error);
        }

        var result = emulator.Store.Delete(kind, ns, name, Json.GetString(options, "preconditions.uid"), Json.GetString(options, "preconditions.resourceVersion"),
            graceful: true, gracePeriodSeconds: GracePeriodOf(options));

        // handlers/delete.go: 202 only when the object is still there and the client asked orphanDependents=false.
        return Respond(result, successCode: !result.Removed && Json.GetString(options, "orphanDependents") == "false" ? 202 : 200);
    }

    private static async Task<IResult> DeleteCollectionAsync(HttpContext http, EmulatorContext emulator, ResourceKind kind, string? ns)
    {
        if (ParseSelectors(http.Request, kind) is not ({ } labels, { } fields))
        {
            return SelectorError(http.Request, kind);
        }

        var (options, error) = await ReadDeleteOptionsAsync(http.Request, http.RequestAborted);
        if (error is not null)
        {
            return ApiResults.Error(error);
        }

        var gracePeriod = GracePeriodOf(options);
        var page = emulator.Store.List(kind, ns, labels, fields, limit: 0, continueFrom: null);
        var deleted = new List<StoredObject>();
        foreach (var item in page.Items)
        {
            if (emulator.Store.Delete(kind, item.Namespace, item.Name, graceful: true, gracePeriodSeconds: gracePeriod) is { Object: { } gone })
            {
                deleted.Add(gone);
            }
        }

        return ApiResults.Object(200, ListWriter.Write(kind, page with { Items = deleted, ResourceVersion = emulator.Store.CurrentResourceVersion }));
    }

    /// <summary>
    /// DeleteOptions from the body, with <c>gracePeriodSeconds</c> (and the other scalar options) also accepted as query
    /// parameters, which win, as the apiserver decodes the query over the body.
    /// </summary>
    private static async Task<(JsonObject Options, ApiError? Error)> ReadDeleteOptionsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var options = new JsonObject();
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var (body, error) = await ReadJsonAsync(request, cancellationToken, allowEmpty: true);
            if (error is not null)
            {
                return (options, error);
            }

            if (body is JsonObject bodyObject)
            {
                options = bodyObject;
            }
            else if (body is not null)
            {
                return (options, ApiError.BadRequest("the body of a delete must be a DeleteOptions object"));
            }
        }

        foreach (var name in (ReadOnlySpan<string>)["gracePeriodSeconds", "orphanDependents", "propagationPolicy"])
        {
            if (request.Query[name].ToString() is { Length: > 0 } value)
            {
                options[name] = value;
            }
        }

        if (Json.GetString(options, "gracePeriodSeconds") is { } grace
            && !long.TryParse(grace, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            return (options, ApiError.BadRequest($"invalid gracePeriodSeconds: {grace}"));
        }

        return (options, null);
    }

    private static long? GracePeriodOf(JsonObject options) =>
        long.TryParse(Json.GetString(options, "gracePeriodSeconds"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds)
            ? seconds
            : null;

    private static async Task<IResult> BindAsync(HttpContext http, EmulatorContext emulator, FieldValidation validation, ResourceKind kind, string? ns, string name)
    {
        var (binding, error) = await ReadObjectAsync(http.Request, http.RequestAborted);
        if ((error ?? validation.CheckBody(http.Response, ModelCatalog.BodyKind(kind, "binding"), binding!)) is { } refused)
        {
            return ApiResults.Error(refused);
        }

        var now = emulator.Store.Timestamp();
        var result = emulator.Store.Mutate(kind, ns, name, WriteScope.All, pod => PodBinding.Apply(pod, binding!, name, now));
        return result.Error is not null ? ApiResults.Error(result.Error) : ApiResults.Success(201);
    }

    private static async Task<IResult> EvictAsync(HttpContext http, EmulatorContext emulator, FieldValidation validation, ResourceKind kind, string? ns, string name)
    {
        var (eviction, error) = await ReadObjectAsync(http.Request, http.RequestAborted);
        if ((error ?? validation.CheckBody(http.Response, ModelCatalog.BodyKind(kind, "eviction"), eviction!)) is { } refused)
        {
            return ApiResults.Error(refused);
        }

        var outcome = new PodEviction(emulator.Store).Evict(ns ?? "default", name, eviction!);
        return outcome.Error is { } evictionError ? ApiResults.Error(evictionError) : ApiResults.Json(outcome.Code, outcome.Status!);
    }

    private static IResult Respond(StoreResult result, int successCode) =>
        result.Error is not null ? ApiResults.Error(result.Error) : ApiResults.Object(successCode, result.Object!.Json);

    private static WriteScope ScopeOf(ResourcePath path) => path.Subresource == "status" ? WriteScope.Status : WriteScope.Main;

    private static MutationResult AsObject(JsonNode? node) =>
        node is JsonObject obj ? obj : ApiError.BadRequest("the patch result is not a JSON object");

    private static (LabelSelector? Labels, FieldSelector? Fields) ParseSelectors(HttpRequest request, ResourceKind kind)
    {
        if (!LabelSelector.TryParse(request.Query["labelSelector"], out var labels, out _)
            || !FieldSelector.TryParse(request.Query["fieldSelector"], kind, out var fields, out _))
        {
            return (null, null);
        }

        return (labels, fields);
    }

    private static IResult SelectorError(HttpRequest request, ResourceKind kind)
    {
        if (!LabelSelector.TryParse(request.Query["labelSelector"], out _, out var labelError))
        {
            return ApiResults.Error(ApiError.BadRequest(labelError));
        }

        FieldSelector.TryParse(request.Query["fieldSelector"], kind, out _, out var fieldError);
        return ApiResults.Error(ApiError.BadRequest(fieldError));
    }

    private static bool IsTrue(Microsoft.Extensions.Primitives.StringValues value) =>
        value.ToString() is "true" or "1" or "True";

    private static async Task<(JsonObject? Object, ApiError? Error)> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (node, error) = await ReadJsonAsync(request, cancellationToken);
        if (error is not null)
        {
            return (null, error);
        }

        return node is JsonObject obj ? (obj, null) : (null, ApiError.BadRequest("the body of the request must be a JSON object"));
    }

    private static async Task<(JsonNode? Node, ApiError? Error)> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken, bool allowEmpty = false)
    {
        // One pooled buffer, sized from Content-Length when given and grown by doubling: a fresh 80 KiB chunk per
        // request was a third of all the bytes allocated in the e2e load test.
        var buffer = ArrayPool<byte>.Shared.Rent(request.ContentLength is > 0 and <= MaxBodyBytes ? (int)request.ContentLength.Value + 1 : 4096);
        try
        {
            var length = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
            {
                length += read;
                if (length > MaxBodyBytes)
                {
                    return (null, new ApiError(413, "RequestEntityTooLarge", "the request body is too large"));
                }

                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }

            if (allowEmpty && length == 0)
            {
                return (null, null);
            }

            try
            {
                return (JsonNode.Parse(buffer.AsSpan(0, length), documentOptions: NoDuplicates), null);
            }
            catch (JsonException exception)
            {
                return (null, ApiError.BadRequest($"the body of the request could not be decoded as JSON: {exception.Message}"));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
