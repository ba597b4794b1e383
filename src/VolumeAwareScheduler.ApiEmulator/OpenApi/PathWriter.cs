using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.OpenApi;

/// <summary>
/// Writes the operations of one served kind the way kube-apiserver's OpenAPI lists them (paths, operation ids,
/// <c>x-kubernetes-action</c>, <c>x-kubernetes-group-version-kind</c>, the query parameters the emulator honours).
/// kubectl reads two things here: the PATCH operation of a kind naming <c>fieldValidation</c> (then it validates on
/// the server, cli-runtime query_param_verifier_v3.go) and accepting <c>application/strategic-merge-patch+json</c>
/// (then it computes apply patches from the schemas, kubectl apply/patcher.go); and <c>kubectl explain</c> finds a
/// resource's kind from the operations on its path.
/// </summary>
internal static class PathWriter
{
    private static readonly string[] PatchTypes =
        ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"];

    /// <summary>Adds every path of <paramref name="kind"/> to <paramref name="paths"/>.</summary>
    public static void Write(JsonObject paths, ResourceKind kind, ModelCatalog catalog, OpenApiVersion version)
    {
        if (catalog.Find(kind) is not { } model)
        {
            return;
        }

        var list = catalog.Find(new GroupVersionKind(kind.Group, kind.Version, kind.ListKind));
        var gvk = new GroupVersionKind(kind.Group, kind.Version, kind.Kind);
        var prefix = kind.Group.Length == 0 ? $"/api/{kind.Version}" : $"/apis/{kind.Group}/{kind.Version}";
        var scope = kind.Namespaced ? "Namespaced" : "";
        var collection = kind.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{kind.Plural}" : $"{prefix}/{kind.Plural}";
        var item = collection + "/{name}";
        var id = OperationIdPart(kind);
        var tag = kind.Group.Length == 0 ? $"core_{kind.Version}" : $"{kind.Group.Split('.')[0]}_{kind.Version}";
        var status = catalog.Find(new GroupVersionKind("", "v1", "Status"));
        var context = new Context(version, tag, kind);

        var collectionPath = Path(context, kind.Namespaced, named: false);
        if (list is not null)
        {
            collectionPath["get"] = context.Operation($"list{id}{scope}{kind.Kind}", $"list or watch objects of kind {kind.Kind}",
                "list", gvk, ListParameters(version), null, list.Name, 200);
        }

        collectionPath["post"] = context.Operation($"create{id}{scope}{kind.Kind}", $"create a {kind.Kind}",
            "post", gvk, WriteParameters(version), ["application/json"], model.Name, 201, bodyDefinition: model.Name);
        if (status is not null)
        {
            collectionPath["delete"] = context.Operation($"delete{id}Collection{scope}{kind.Kind}", $"delete collection of {kind.Kind}",
                "deletecollection", gvk, ListParameters(version), null, status.Name, 200);
        }

        paths[collection] = collectionPath;

        if (kind.Namespaced && list is not null)
        {
            var all = new JsonObject
            {
                ["get"] = context.Operation($"list{id}{kind.Kind}ForAllNamespaces", $"list or watch objects of kind {kind.Kind}",
                    "list", gvk, ListParameters(version), null, list.Name, 200),
            };
            paths[$"{prefix}/{kind.Plural}"] = all;
        }

        var itemPath = Path(context, kind.Namespaced, named: true);
        itemPath["get"] = context.Operation($"read{id}{scope}{kind.Kind}", $"read the specified {kind.Kind}", "get", gvk, [], null, model.Name, 200);
        itemPath["put"] = context.Operation($"replace{id}{scope}{kind.Kind}", $"replace the specified {kind.Kind}", "put", gvk,
            WriteParameters(version), ["application/json"], model.Name, 200, bodyDefinition: model.Name);
        itemPath["patch"] = context.Operation($"patch{id}{scope}{kind.Kind}", $"partially update the specified {kind.Kind}", "patch", gvk,
            WriteParameters(version), PatchTypes, model.Name, 200, bodyDefinition: ModelCatalog.PatchDefinition);
        if (status is not null)
        {
            itemPath["delete"] = context.Operation($"delete{id}{scope}{kind.Kind}", $"delete a {kind.Kind}", "delete", gvk, [], null, status.Name, 200);
        }

        paths[item] = itemPath;

        foreach (var subresource in kind.Subresources)
        {
            var bodyKind = ModelCatalog.BodyKind(kind, subresource);
            if (catalog.Find(bodyKind) is not { } body)
            {
                continue;
            }

            var suffix = char.ToUpperInvariant(subresource[0]) + subresource[1..];
            var subPath = Path(context, kind.Namespaced, named: true);
            switch (subresource)
            {
                case "status":
                    subPath["get"] = context.Operation($"read{id}{scope}{kind.Kind}Status", $"read status of the specified {kind.Kind}",
                        "get", gvk, [], null, model.Name, 200);
                    subPath["put"] = context.Operation($"replace{id}{scope}{kind.Kind}Status", $"replace status of the specified {kind.Kind}",
                        "put", gvk, WriteParameters(version), ["application/json"], model.Name, 200, bodyDefinition: model.Name);
                    subPath["patch"] = context.Operation($"patch{id}{scope}{kind.Kind}Status", $"partially update status of the specified {kind.Kind}",
                        "patch", gvk, WriteParameters(version), PatchTypes, model.Name, 200, bodyDefinition: ModelCatalog.PatchDefinition);
                    break;
                case "finalize":
                    subPath["put"] = context.Operation($"replace{id}{scope}{kind.Kind}Finalize", $"replace finalize of the specified {kind.Kind}",
                        "put", gvk, WriteParameters(version), ["application/json"], model.Name, 200, bodyDefinition: model.Name);
                    break;
                default:
                    subPath["post"] = context.Operation($"create{id}{scope}{kind.Kind}{suffix}", $"create {subresource} of a {kind.Kind}",
                        "post", bodyKind, WriteParameters(version), ["application/json"], body.Name, 201, bodyDefinition: body.Name);
                    break;
            }

            paths[$"{item}/{subresource}"] = subPath;
        }
    }

    /// <summary>The group and version part of upstream's operation ids: <c>CoreV1</c>, <c>StorageV1</c>.</summary>
    private static string OperationIdPart(ResourceKind kind)
    {
        var group = kind.Group.Length == 0 ? "core" : kind.Group.Split('.')[0];
        return char.ToUpperInvariant(group[0]) + group[1..] + char.ToUpperInvariant(kind.Version[0]) + kind.Version[1..];
    }

    private static JsonObject Path(Context context, bool namespaced, bool named)
    {
        var parameters = new JsonArray();
        if (named)
        {
            parameters.Add(Parameter(context.Version, "name", "path", "string", $"name of the {context.Kind.Kind}", required: true));
        }

        if (namespaced)
        {
            parameters.Add(Parameter(context.Version, "namespace", "path", "string", "object name and auth scope, such as for teams and projects", required: true));
        }

        return new JsonObject { ["parameters"] = parameters };
    }

    private static JsonObject[] ListParameters(OpenApiVersion version) =>
    [
        Parameter(version, "allowWatchBookmarks", "query", "boolean", "allowWatchBookmarks requests watch events with type \"BOOKMARK\"."),
        Parameter(version, "continue", "query", "string", "The continue option should be set when retrieving more results from the server."),
        Parameter(version, "fieldSelector", "query", "string", "A selector to restrict the list of returned objects by their fields. Defaults to everything."),
        Parameter(version, "labelSelector", "query", "string", "A selector to restrict the list of returned objects by their labels. Defaults to everything."),
        Parameter(version, "limit", "query", "integer", "limit is a maximum number of responses to return for a list call."),
        Parameter(version, "resourceVersion", "query", "string", "resourceVersion sets a constraint on what resource versions a request may be served from."),
        Parameter(version, "timeoutSeconds", "query", "integer", "Timeout for the list/watch call."),
        Parameter(version, "watch", "query", "boolean", "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications."),
    ];

    private static JsonObject[] WriteParameters(OpenApiVersion version) =>
    [
        Parameter(version, "fieldManager", "query", "string", "fieldManager is a name associated with the actor or entity that is making these changes."),
        Parameter(version, "fieldValidation", "query", "string", "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: - Ignore - Warn (the default) - Strict: fail the request with a BadRequest error if any unknown fields would be dropped from the object."),
    ];

    private static JsonObject Parameter(OpenApiVersion version, string name, string location, string type, string description, bool required = false)
    {
        var parameter = new JsonObject { ["name"] = name, ["in"] = location, ["description"] = description };
        if (required)
        {
            parameter["required"] = true;
        }

        if (version == OpenApiVersion.V3)
        {
            parameter["schema"] = new JsonObject { ["type"] = type, ["uniqueItems"] = true };
        }
        else
        {
            parameter["type"] = type;
            parameter["uniqueItems"] = true;
        }

        return parameter;
    }

    private sealed record Context(OpenApiVersion Version, string Tag, ResourceKind Kind)
    {
        public JsonObject Operation(
            string operationId, string description, string action, GroupVersionKind gvk, JsonObject[] parameters,
            string[]? consumes, string responseDefinition, int successCode, string? bodyDefinition = null)
        {
            var operation = new JsonObject
            {
                ["tags"] = new JsonArray(Tag),
                ["description"] = description,
                ["operationId"] = operationId,
            };
            var allParameters = new JsonArray(parameters.ToArray<JsonNode?>());
            var code = successCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (Version == OpenApiVersion.V3)
            {
                if (bodyDefinition is not null)
                {
                    var content = new JsonObject();
                    foreach (var type in consumes ?? ["application/json"])
                    {
                        content[type] = new JsonObject { ["schema"] = SchemaWriter.Ref(bodyDefinition, Version) };
                    }

                    operation["requestBody"] = new JsonObject { ["content"] = content, ["required"] = true };
                }

                operation["responses"] = new JsonObject
                {
                    [code] = new JsonObject
                    {
                        ["description"] = code == "201" ? "Created" : "OK",
                        ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = SchemaWriter.Ref(responseDefinition, Version) } },
                    },
                    ["401"] = new JsonObject { ["description"] = "Unauthorized" },
                };
            }
            else
            {
                if (bodyDefinition is not null)
                {
                    allParameters.Insert(0, new JsonObject
                    {
                        ["name"] = "body",
                        ["in"] = "body",
                        ["required"] = true,
                        ["schema"] = SchemaWriter.Ref(bodyDefinition, Version),
                    });
                    operation["consumes"] = new JsonArray((consumes ?? ["application/json"]).Select(c => (JsonNode?)c).ToArray());
                }

                operation["produces"] = new JsonArray("application/json");
                operation["schemes"] = new JsonArray("https");
                operation["responses"] = new JsonObject
                {
                    [code] = new JsonObject { ["description"] = code == "201" ? "Created" : "OK", ["schema"] = SchemaWriter.Ref(responseDefinition, Version) },
                    ["401"] = new JsonObject { ["description"] = "Unauthorized" },
                };
            }

            if (allParameters.Count > 0)
            {
                operation["parameters"] = allParameters;
            }

            operation["x-kubernetes-action"] = action;
            operation["x-kubernetes-group-version-kind"] = SchemaWriter.Gvk(gvk);
            return operation;
        }
    }
}
