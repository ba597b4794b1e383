using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Admission;

/// <summary>
/// The Namespace registry strategy (pkg/registry/core/namespace/strategy.go): a new namespace is Active with the
/// <c>kubernetes</c> finalizer (PrepareForCreate), and every write sets the <c>kubernetes.io/metadata.name</c>
/// label to the namespace's name (Canonicalize), so namespace selectors can pick a namespace by name.
/// </summary>
internal sealed class NamespaceStrategy : IAdmissionPlugin
{
    public const string LabelMetadataName = "kubernetes.io/metadata.name";

    public ApiError? Admit(AdmissionAttributes attributes)
    {
        if (attributes.Kind.Plural != "namespaces")
        {
            return null;
        }

        var ns = attributes.Object;
        if (attributes.Operation == AdmissionOperation.Create)
        {
            ns["status"] = new JsonObject { ["phase"] = "Active" };
            var spec = Json.Ensure(ns, "spec");
            if (spec["finalizers"] is not JsonArray finalizers)
            {
                finalizers = [];
                spec["finalizers"] = finalizers;
            }

            if (!Json.Strings(finalizers).Contains("kubernetes"))
            {
                finalizers.Add("kubernetes");
            }
        }

        Json.Ensure(Json.Ensure(ns, "metadata"), "labels")[LabelMetadataName] = Json.GetString(ns, "metadata.name");
        return null;
    }
}
