using System.Globalization;
using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Storage;
using static VolumeAwareScheduler.ApiEmulator.Controllers.VolumeHelpers;

namespace VolumeAwareScheduler.ApiEmulator.Controllers;

/// <summary>
/// A minimal StatefulSet controller after pkg/controller/statefulset/stateful_set_control.go and
/// stateful_set_utils.go: per ordinal it creates the claims from <c>volumeClaimTemplates</c>
/// (<c>&lt;template&gt;-&lt;set&gt;-&lt;ordinal&gt;</c>, never replaced) and then the pod <c>&lt;set&gt;-&lt;ordinal&gt;</c>
/// owned by the set, with one volume per template pointing at its claim. A pending pod's missing claims are created
/// again. Scale-down deletes the highest ordinals.
/// </summary>
/// <remarks>
/// With <c>podManagementPolicy: OrderedReady</c> (the default) ordinal n+1 is created only when ordinal n is Running
/// and Ready (isRunningAndReady), which the simulated kubelet reports; with <c>Parallel</c> all ordinals are created at
/// once. When no kubelet runs (<paramref name="podsBecomeReady"/> false) nothing would ever be Ready, so a pod counts
/// as Running and Ready as soon as it is scheduled (<c>spec.nodeName</c> set). Scale-down deletes with grace period 0.
/// Revisions and rolling updates are not simulated.
/// </remarks>
internal sealed class StatefulSetController(ControllerStore api, bool podsBecomeReady) : IController
{
    public const string ControllerName = "statefulset-controller";
    private const string PodNameLabel = "statefulset.kubernetes.io/pod-name";
    private const string PodIndexLabel = "apps.kubernetes.io/pod-index";

    public string Name => ControllerName;

    public void Handle(StoreEvent change)
    {
        switch (change.Object.Kind.Plural)
        {
            case "statefulsets" when change.Type != StoreEventType.Deleted:
                Sync(change.Object.ToJsonObject());
                break;
            case "pods":
                var pod = change.Object.ToJsonObject();
                if (ControllerOwner(pod) is { } owner && api.Get("statefulsets", Namespace(pod), owner) is { } set)
                {
                    Sync(set);
                }

                break;
        }
    }

    private void Sync(JsonObject set)
    {
        if (IsDeleting(set))
        {
            return;
        }

        var setName = Name(set);
        var ns = Namespace(set);
        var replicas = int.TryParse(Json.GetString(set, "spec.replicas"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) ? r : 1;
        var parallel = Json.GetString(set, "spec.podManagementPolicy") == "Parallel";
        var pods = api.List("pods", ns).Where(p => ControllerOwner(p) == setName).ToList();

        for (var ordinal = 0; ordinal < replicas; ordinal++)
        {
            var podName = string.Create(CultureInfo.InvariantCulture, $"{setName}-{ordinal}");
            var existing = pods.Find(p => Name(p) == podName);
            if (existing is null)
            {
                CreateClaims(set, ordinal);
                api.Create("pods", BuildPod(set, ordinal, podName));
                if (!parallel)
                {
                    break;
                }

                continue;
            }

            if (Json.GetString(existing, "status.phase") == "Pending")
            {
                // processReplica: a pending replica gets its missing claims created again (createMissingPersistentVolumeClaims),
                // e.g. after its claim was deleted because the node of its local volume is gone.
                CreateClaims(set, ordinal);
            }

            if (!parallel && (!IsRunningAndReady(existing) || IsDeleting(existing)))
            {
                // OrderedReady: wait for this ordinal before creating the next.
                break;
            }
        }

        foreach (var extra in pods.Where(p => OrdinalOf(p, setName) >= replicas).OrderByDescending(p => OrdinalOf(p, setName)))
        {
            if (!IsDeleting(extra))
            {
                api.Delete("pods", extra);
            }
        }

        UpdateStatus(set);
    }

    private void CreateClaims(JsonObject set, int ordinal)
    {
        foreach (var template in (Json.GetArray(set, "spec.volumeClaimTemplates") ?? []).OfType<JsonObject>())
        {
            var claimName = ClaimName(template, set, ordinal);
            if (api.Get("persistentvolumeclaims", Namespace(set), claimName) is not null)
            {
                continue;
            }

            var claim = (JsonObject)template.DeepClone();
            var metadata = Json.Ensure(claim, "metadata");
            metadata["name"] = claimName;
            metadata["namespace"] = Namespace(set);
            var labels = Json.Ensure(metadata, "labels");
            foreach (var (key, value) in Json.StringMap(Json.GetObject(set, "spec.selector.matchLabels")))
            {
                labels[key] = value;
            }

            claim["apiVersion"] = "v1";
            claim["kind"] = "PersistentVolumeClaim";
            claim.Remove("status");
            api.Create("persistentvolumeclaims", claim);
        }
    }

    private static JsonObject BuildPod(JsonObject set, int ordinal, string podName)
    {
        var template = Json.GetObject(set, "spec.template")?.DeepClone() as JsonObject ?? new JsonObject();
        var metadata = Json.Ensure(template, "metadata");
        metadata["name"] = podName;
        metadata["namespace"] = Namespace(set);
        var labels = Json.Ensure(metadata, "labels");
        labels[PodNameLabel] = podName;
        labels[PodIndexLabel] = ordinal.ToString(CultureInfo.InvariantCulture);
        metadata["ownerReferences"] = new JsonArray(new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "StatefulSet",
            ["name"] = Name(set),
            ["uid"] = Uid(set),
            ["controller"] = true,
            ["blockOwnerDeletion"] = true,
        });

        var spec = Json.Ensure(template, "spec");
        spec["hostname"] = podName;
        if (Json.GetString(set, "spec.serviceName") is { Length: > 0 } serviceName)
        {
            spec["subdomain"] = serviceName;
        }

        if (spec["volumes"] is not JsonArray volumes)
        {
            volumes = [];
            spec["volumes"] = volumes;
        }

        foreach (var claimTemplate in (Json.GetArray(set, "spec.volumeClaimTemplates") ?? []).OfType<JsonObject>())
        {
            var volumeName = Json.GetString(claimTemplate, "metadata.name") ?? "";
            var existingVolume = volumes.OfType<JsonObject>().FirstOrDefault(v => Json.GetString(v, "name") == volumeName);
            if (existingVolume is not null)
            {
                volumes.Remove(existingVolume);
            }

            volumes.Add(new JsonObject
            {
                ["name"] = volumeName,
                ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = ClaimName(claimTemplate, set, ordinal) },
            });
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata.DeepClone(),
            ["spec"] = spec.DeepClone(),
            ["status"] = new JsonObject { ["phase"] = "Pending" },
        };
    }

    private void UpdateStatus(JsonObject set)
    {
        var setName = Name(set);
        var pods = api.List("pods", Namespace(set)).Where(p => ControllerOwner(p) == setName && !IsDeleting(p)).ToList();
        var ready = pods.Count(IsRunningAndReady);
        var status = Json.Ensure(set, "status");
        var desired = new JsonObject
        {
            ["observedGeneration"] = Json.GetObject(set, "metadata")?["generation"]?.DeepClone() ?? 1,
            ["replicas"] = pods.Count,
            ["readyReplicas"] = ready,
            ["currentReplicas"] = pods.Count,
            ["updatedReplicas"] = pods.Count,
            ["availableReplicas"] = ready,
        };
        if (JsonNode.DeepEquals(status, desired))
        {
            return;
        }

        set["status"] = desired;
        api.Update("statefulsets", set);
    }

    private bool IsRunningAndReady(JsonObject pod) =>
        podsBecomeReady
            ? Json.GetString(pod, "status.phase") == "Running" && KubeletPodStatus.IsReady(pod)
            : !string.IsNullOrEmpty(Json.GetString(pod, "spec.nodeName"));

    private static string ClaimName(JsonObject template, JsonObject set, int ordinal) =>
        string.Create(CultureInfo.InvariantCulture, $"{Json.GetString(template, "metadata.name")}-{Name(set)}-{ordinal}");

    private static int OrdinalOf(JsonObject pod, string setName)
    {
        var name = Name(pod);
        return name.StartsWith(setName + "-", StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(setName.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal)
            ? ordinal
            : -1;
    }

    private static string? ControllerOwner(JsonObject pod) =>
        (Json.GetArray(pod, "metadata.ownerReferences") ?? [])
            .OfType<JsonObject>()
            .Where(o => Json.GetString(o, "kind") == "StatefulSet" && Json.GetString(o, "controller") == "true")
            .Select(o => Json.GetString(o, "name"))
            .FirstOrDefault();
}
