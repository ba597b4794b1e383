using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Http;

/// <summary>
/// Legacy (unaggregated) discovery documents: APIVersions, APIGroupList, APIGroup, APIResourceList, as in
/// k8s.io/apiserver/pkg/endpoints/discovery. Served as plain <c>application/json</c>, which makes client-go
/// fall back from aggregated discovery.
/// </summary>
internal static class DiscoveryDocuments
{
    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "37",
        ["gitVersion"] = "v1.37.1",
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-09-15T00:00:00Z",
        ["goVersion"] = "go1.23.0",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public static JsonObject ApiVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject
        {
            ["clientCIDR"] = "0.0.0.0/0",
            ["serverAddress"] = serverAddress,
        }),
    };

    public static JsonObject GroupList(ResourceRegistry registry)
    {
        var groups = new JsonArray();
        foreach (var group in registry.Kinds.Where(k => k.Group.Length > 0).Select(k => k.Group).Distinct(StringComparer.Ordinal))
        {
            groups.Add(Group(registry, group, withTypeMeta: false));
        }

        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    public static JsonObject Group(ResourceRegistry registry, string group, bool withTypeMeta = true)
    {
        var versions = new JsonArray();
        foreach (var version in registry.Kinds.Where(k => k.Group == group).Select(k => k.Version).Distinct(StringComparer.Ordinal))
        {
            versions.Add(new JsonObject { ["groupVersion"] = $"{group}/{version}", ["version"] = version });
        }

        var document = new JsonObject();
        if (withTypeMeta)
        {
            document["kind"] = "APIGroup";
            document["apiVersion"] = "v1";
        }

        document["name"] = group;
        document["versions"] = versions;
        document["preferredVersion"] = versions[0]!.DeepClone();
        return document;
    }

    public static JsonObject ResourceList(ResourceRegistry registry, string groupVersion)
    {
        var resources = new JsonArray();
        foreach (var kind in registry.Kinds.Where(k => k.GroupVersion == groupVersion))
        {
            var resource = new JsonObject
            {
                ["name"] = kind.Plural,
                ["singularName"] = kind.Singular,
                ["namespaced"] = kind.Namespaced,
                ["kind"] = kind.Kind,
                ["verbs"] = new JsonArray(ResourceKind.AllVerbs.Select(v => (JsonNode?)v).ToArray()),
            };
            if (kind.ShortNames.Count > 0)
            {
                resource["shortNames"] = new JsonArray(kind.ShortNames.Select(n => (JsonNode?)n).ToArray());
            }

            // The "all" category of kubectl get all (pkg/registry/*/rest storage ShortNames/Categories).
            if (kind.Plural is "pods" or "statefulsets" or "services" or "replicationcontrollers" or "replicasets")
            {
                resource["categories"] = new JsonArray("all");
            }

            resources.Add(resource);
            foreach (var subresource in kind.Subresources)
            {
                var (subKind, verbs) = subresource switch
                {
                    "binding" => ("Binding", new[] { "create" }),
                    "eviction" => ("Eviction", new[] { "create" }),
                    "finalize" => (kind.Kind, new[] { "update" }),
                    _ => (kind.Kind, new[] { "get", "patch", "update" }),
                };
                var entry = new JsonObject
                {
                    ["name"] = $"{kind.Plural}/{subresource}",
                    ["singularName"] = "",
                    ["namespaced"] = kind.Namespaced,
                };
                if (subresource == "eviction")
                {
                    // pods/eviction takes a policy/v1 Eviction (EvictionREST.GroupVersionKind).
                    entry["group"] = "policy";
                    entry["version"] = "v1";
                }

                entry["kind"] = subKind;
                entry["verbs"] = new JsonArray(verbs.Select(v => (JsonNode?)v).ToArray());
                resources.Add(entry);
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = groupVersion,
            ["resources"] = resources,
        };
    }
}
