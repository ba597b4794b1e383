using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Resources;
using VolumeAwareScheduler.ApiEmulator.Selectors;
using VolumeAwareScheduler.ApiEmulator.Storage;
using static VolumeAwareScheduler.ApiEmulator.Controllers.VolumeHelpers;

namespace VolumeAwareScheduler.ApiEmulator.Controllers;

/// <summary>
/// A simulated external provisioner (sigs.k8s.io/sig-storage-lib-external-provisioner controller.go with
/// kubernetes-csi/external-provisioner's topology and capacity behaviour), provisioning for every class whose
/// provisioner is not <c>kubernetes.io/no-provisioner</c>. Also mirrors pv_controller.go provisionClaimOperation.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>WaitForFirstConsumer claims are provisioned once the scheduler sets <c>volume.kubernetes.io/selected-node</c>;
/// the PV is pinned with <c>kubernetes.io/hostname In [node]</c>. Immediate claims are provisioned without topology.</item>
/// <item>The PV is <c>pvc-&lt;claim uid&gt;</c>, pre-bound to the claim (claimRef with uid); the PV controller completes the bind.</item>
/// <item>When the CSIDriver named like the provisioner has <c>storageCapacity: true</c>, provisioning on a node needs a
/// CSIStorageCapacity of the class whose nodeTopology matches the node and whose maximumVolumeSize (else capacity) covers
/// the request; the request is subtracted from its capacity. Otherwise a Warning ProvisioningFailed event is recorded.</item>
/// <item>With a provisioning delay, a claim ready to provision is provisioned that long after it was first seen ready
/// (on the emulator's clock), as a real driver takes time to create the volume.</item>
/// </list>
/// </remarks>
internal sealed class DynamicProvisioner(ControllerStore api, TimeProvider time, TimeSpan delay) : ITimedController
{
    // Claims ready to provision, by namespace/name, and when they are due (only with a delay).
    private readonly Dictionary<(string Namespace, string Name), DateTimeOffset> _due = [];

    public const string ControllerName = "emulated-external-provisioner";

    public string Name => ControllerName;

    public DateTimeOffset? NextDue => _due.Count == 0 ? null : _due.Values.Min();

    public void Tick(DateTimeOffset now)
    {
        foreach (var (key, due) in _due.Where(d => d.Value <= now).ToList())
        {
            _due.Remove(key);
            if (api.Get("persistentvolumeclaims", key.Namespace, key.Name) is { } claim)
            {
                Provision(claim, reportFailure: true, now: true);
            }
        }
    }

    public void Handle(StoreEvent change)
    {
        if (change.Type == StoreEventType.Deleted)
        {
            return;
        }

        switch (change.Object.Kind.Plural)
        {
            case "persistentvolumeclaims":
                Provision(change.Object.ToJsonObject(), reportFailure: true);
                break;
            case "storageclasses" or "csidrivers" or "csistoragecapacities" or "nodes":
                // Something that could unblock a waiting claim changed: try the waiting ones again, quietly.
                foreach (var claim in api.List("persistentvolumeclaims").Where(c => string.IsNullOrEmpty(Json.GetString(c, "spec.volumeName"))))
                {
                    Provision(claim, reportFailure: false);
                }

                break;
        }
    }

    private void Provision(JsonObject claim, bool reportFailure, bool now = false)
    {
        if (IsDeleting(claim) || !string.IsNullOrEmpty(Json.GetString(claim, "spec.volumeName")))
        {
            return;
        }

        var className = ClassOf(claim);
        var storageClass = className.Length == 0 ? null : api.Get("storageclasses", null, className);
        var provisioner = storageClass is null ? null : Json.GetString(storageClass, "provisioner");
        if (string.IsNullOrEmpty(provisioner) || provisioner == NoProvisioner)
        {
            return;
        }

        var selectedNode = Annotation(claim, AnnSelectedNode);
        var delayed = Json.GetString(storageClass, "volumeBindingMode") == "WaitForFirstConsumer";
        if (delayed && string.IsNullOrEmpty(selectedNode))
        {
            return;
        }

        var volumeName = "pvc-" + Uid(claim);
        if (api.Get("persistentvolumes", null, volumeName) is not null)
        {
            return;
        }

        if (delay > TimeSpan.Zero && !now)
        {
            _due.TryAdd((Namespace(claim), Name(claim)), time.GetUtcNow() + delay);
            return;
        }

        if (!Quantity.TryParse(Json.GetString(claim, "spec.resources.requests.storage"), out var requested))
        {
            Fail(claim, className, "claim has no valid spec.resources.requests.storage", reportFailure);
            return;
        }

        var node = string.IsNullOrEmpty(selectedNode) ? null : api.Get("nodes", null, selectedNode);
        var nodeLabels = Json.StringMap(Json.GetObject(node, "metadata.labels"));
        var driver = api.Get("csidrivers", null, provisioner);
        if (!string.IsNullOrEmpty(selectedNode) && Json.GetString(driver, "spec.storageCapacity") == "true")
        {
            var capacity = api.List("csistoragecapacities")
                .FirstOrDefault(c => Json.GetString(c, "storageClassName") == className && Covers(c, nodeLabels, requested));
            if (capacity is null)
            {
                Fail(claim, className, $"no CSIStorageCapacity of StorageClass \"{className}\" for node \"{selectedNode}\" has room for {Json.GetString(claim, "spec.resources.requests.storage")}", reportFailure);
                return;
            }

            if (Quantity.TryParse(Json.GetString(capacity, "capacity"), out var available))
            {
                capacity["capacity"] = Quantity.FormatBinary(Math.Max(0, available - requested));
                if (api.Update("csistoragecapacities", capacity) is null)
                {
                    // Someone else changed it first; its event brings us back here.
                    return;
                }
            }
        }

        var volume = BuildVolume(claim, storageClass!, provisioner, volumeName, selectedNode, nodeLabels,
            isCsi: driver is not null || !provisioner.StartsWith("kubernetes.io/", StringComparison.Ordinal));
        if (api.Create("persistentvolumes", volume) is not null)
        {
            api.RecordEvent(claim, "persistentvolumeclaims", "Normal", "ProvisioningSucceeded",
                $"Successfully provisioned volume {volumeName}");
        }
    }

    private static bool Covers(JsonObject capacity, IReadOnlyDictionary<string, string> nodeLabels, decimal requested)
    {
        // A nil nodeTopology means the capacity is not accessible from any node (storage/v1 CSIStorageCapacity).
        if (Json.GetObject(capacity, "nodeTopology") is not { } topology
            || !LabelSelector.TryFromJson(topology, out var selector, out _)
            || !selector.Matches(nodeLabels))
        {
            return false;
        }

        var limit = Json.GetString(capacity, "maximumVolumeSize") ?? Json.GetString(capacity, "capacity");
        return Quantity.TryParse(limit, out var size) && size >= requested;
    }

    private void Fail(JsonObject claim, string className, string reason, bool report)
    {
        if (report)
        {
            api.RecordEvent(claim, "persistentvolumeclaims", "Warning", "ProvisioningFailed",
                $"failed to provision volume with StorageClass \"{className}\": {reason}");
        }
    }

    private static JsonObject BuildVolume(JsonObject claim, JsonObject storageClass, string provisioner, string volumeName,
        string? selectedNode, IReadOnlyDictionary<string, string> nodeLabels, bool isCsi)
    {
        var spec = new JsonObject
        {
            ["capacity"] = new JsonObject { ["storage"] = Json.GetString(claim, "spec.resources.requests.storage") },
            ["accessModes"] = Json.GetArray(claim, "spec.accessModes")?.DeepClone() ?? new JsonArray("ReadWriteOnce"),
            ["claimRef"] = new JsonObject
            {
                ["kind"] = "PersistentVolumeClaim",
                ["namespace"] = Namespace(claim),
                ["name"] = Name(claim),
                ["uid"] = Uid(claim),
                ["apiVersion"] = "v1",
                ["resourceVersion"] = Json.GetString(claim, "metadata.resourceVersion"),
            },
            ["persistentVolumeReclaimPolicy"] = Json.GetString(storageClass, "reclaimPolicy") ?? "Delete",
            ["storageClassName"] = Name(storageClass),
            ["volumeMode"] = VolumeModeOf(claim),
        };
        if (VolumeAttributesClassOf(claim) is { Length: > 0 } attributesClass)
        {
            // external-provisioner gives the volume the claim's VolumeAttributesClass, so that the two still match.
            spec["volumeAttributesClassName"] = attributesClass;
        }

        if (Json.GetArray(storageClass, "mountOptions") is { } mountOptions)
        {
            spec["mountOptions"] = mountOptions.DeepClone();
        }

        if (isCsi || string.IsNullOrEmpty(selectedNode))
        {
            spec["csi"] = new JsonObject
            {
                ["driver"] = provisioner,
                ["volumeHandle"] = volumeName,
                ["volumeAttributes"] = new JsonObject { ["storage.kubernetes.io/csiProvisionerIdentity"] = "vas-emulator" },
            };
        }
        else
        {
            spec["local"] = new JsonObject { ["path"] = "/mnt/vas-emulator/" + volumeName };
        }

        if (!string.IsNullOrEmpty(selectedNode))
        {
            var hostname = nodeLabels.GetValueOrDefault(LabelHostname, selectedNode);
            spec["nodeAffinity"] = new JsonObject
            {
                ["required"] = new JsonObject
                {
                    ["nodeSelectorTerms"] = new JsonArray(new JsonObject
                    {
                        ["matchExpressions"] = new JsonArray(new JsonObject
                        {
                            ["key"] = LabelHostname,
                            ["operator"] = "In",
                            ["values"] = new JsonArray(hostname),
                        }),
                    }),
                },
            };
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "PersistentVolume",
            ["metadata"] = new JsonObject
            {
                ["name"] = volumeName,
                ["annotations"] = new JsonObject { [AnnDynamicallyProvisioned] = provisioner },
            },
            ["spec"] = spec,
        };
    }
}
