using System.Globalization;
using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Admission;

/// <summary>
/// The part of Service defaulting and IP allocation that clients observe (pkg/apis/core/v1/defaults.go
/// SetDefaults_Service, pkg/registry/core/service/storage/alloc.go): type ClusterIP, session affinity None,
/// ports defaulting to TCP and to their own port as target, and a cluster IP from 10.96.0.0/12 for services
/// that are neither headless nor ExternalName (the lowest free address, where the allocator picks at random).
/// An update without a cluster IP keeps the allocated one. Node ports are not allocated.
/// </summary>
internal sealed class ServiceStrategy : IAdmissionPlugin
{
    private const int ServiceRangeSize = 1 << 20;

    public ApiError? Admit(AdmissionAttributes attributes)
    {
        if (attributes.Kind.Plural != "services")
        {
            return null;
        }

        var spec = Json.Ensure(attributes.Object, "spec");
        spec["type"] ??= "ClusterIP";
        spec["sessionAffinity"] ??= "None";
        foreach (var port in (spec["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            port["protocol"] ??= "TCP";
            if (Json.GetString(port, "targetPort") is null or "" or "0")
            {
                port["targetPort"] = port["port"]?.DeepClone();
            }
        }

        if (Json.GetString(spec, "type") == "ExternalName" || !string.IsNullOrEmpty(Json.GetString(spec, "clusterIP")))
        {
            if (Json.GetString(spec, "clusterIP") is { Length: > 0 } given && spec["clusterIPs"] is null)
            {
                spec["clusterIPs"] = new JsonArray(given);
            }

            return null;
        }

        var clusterIp = Json.GetString(attributes.OldObject, "spec.clusterIP") is { Length: > 0 } kept ? kept : FreeAddress(attributes);
        if (clusterIp is null)
        {
            return new ApiError(500, "InternalError", "Internal error occurred: failed to allocate a serviceIP: range is full");
        }

        spec["clusterIP"] = clusterIp;
        spec["clusterIPs"] = new JsonArray(clusterIp);
        spec["ipFamilies"] ??= new JsonArray("IPv4");
        spec["ipFamilyPolicy"] ??= "SingleStack";
        return null;
    }

    private static string? FreeAddress(AdmissionAttributes attributes)
    {
        var used = attributes.List("services")
            .Select(s => Json.GetString(s, "spec.clusterIP"))
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        for (var offset = 1; offset < ServiceRangeSize - 1; offset++)
        {
            var candidate = string.Create(CultureInfo.InvariantCulture, $"10.{96 + (offset >> 16)}.{(offset >> 8) & 0xFF}.{offset & 0xFF}");
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
