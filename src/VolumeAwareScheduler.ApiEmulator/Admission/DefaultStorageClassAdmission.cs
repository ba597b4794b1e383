using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Admission;

/// <summary>
/// The DefaultStorageClass admission plugin (plugin/pkg/admission/storage/storageclass/setdefault/admission.go):
/// a claim created without a class (no <c>spec.storageClassName</c>, not even <c>""</c>, and no beta class
/// annotation) gets the default class, chosen as pkg/volume/util GetDefaultClass chooses it.
/// </summary>
internal sealed class DefaultStorageClassAdmission : IAdmissionPlugin
{
    public const string IsDefaultAnnotation = "storageclass.kubernetes.io/is-default-class";
    public const string BetaIsDefaultAnnotation = "storageclass.beta.kubernetes.io/is-default-class";
    public const string BetaStorageClassAnnotation = "volume.beta.kubernetes.io/storage-class";

    public ApiError? Admit(AdmissionAttributes attributes)
    {
        if (attributes.Kind.Plural != "persistentvolumeclaims" || attributes.Operation != AdmissionOperation.Create)
        {
            return null;
        }

        var claim = attributes.Object;
        var hasClass = Json.GetObject(claim, "metadata.annotations")?.ContainsKey(BetaStorageClassAnnotation) == true
            || Json.GetObject(claim, "spec")?.TryGetPropertyValue("storageClassName", out var className) == true && className is not null;
        if (hasClass || DefaultClass(attributes.List("storageclasses")) is not { } defaultClass)
        {
            return null;
        }

        Json.Ensure(claim, "spec")["storageClassName"] = defaultClass;
        return null;
    }

    /// <summary>
    /// GetDefaultClass: of the classes annotated as default, the newest (creation timestamp), then the first by
    /// name; null when none is.
    /// </summary>
    public static string? DefaultClass(IEnumerable<JsonObject> storageClasses) =>
        storageClasses
            .Where(IsDefault)
            .OrderByDescending(c => DateTimeOffset.TryParse(Json.GetString(c, "metadata.creationTimestamp"), System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var created) ? created : DateTimeOffset.MinValue)
            .ThenBy(c => Json.GetString(c, "metadata.name"), StringComparer.Ordinal)
            .Select(c => Json.GetString(c, "metadata.name"))
            .FirstOrDefault();

    private static bool IsDefault(JsonObject storageClass)
    {
        var annotations = Json.GetObject(storageClass, "metadata.annotations");
        return Json.ScalarText(annotations?[IsDefaultAnnotation]) == "true" || Json.ScalarText(annotations?[BetaIsDefaultAnnotation]) == "true";
    }
}
