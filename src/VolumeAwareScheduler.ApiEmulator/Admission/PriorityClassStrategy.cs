using System.Globalization;
using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Admission;

/// <summary>
/// PriorityClass defaulting and validation: SetDefaults_PriorityClass (pkg/apis/scheduling/v1/defaults.go),
/// ValidatePriorityClass and ValidatePriorityClassUpdate (pkg/apis/scheduling/validation/validation.go), and the
/// two system classes the API server creates at start (pkg/apis/scheduling/v1/helpers.go).
/// </summary>
internal sealed class PriorityClassStrategy : IAdmissionPlugin
{
    /// <summary>scheduling.HighestUserDefinablePriority.</summary>
    public const int HighestUserDefinablePriority = 1_000_000_000;

    public const string SystemPriorityClassPrefix = "system-";

    /// <summary>The system priority classes: name, value, description.</summary>
    public static readonly IReadOnlyList<(string Name, int Value, string Description)> SystemPriorityClasses =
    [
        ("system-node-critical", 2_000_001_000, "Used for system critical pods that must not be moved from their current node."),
        ("system-cluster-critical", 2_000_000_000, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."),
    ];

    public ApiError? Admit(AdmissionAttributes attributes)
    {
        if (attributes.Kind.Plural != "priorityclasses")
        {
            return null;
        }

        var priorityClass = attributes.Object;
        priorityClass["preemptionPolicy"] ??= PriorityAdmission.PreemptLowerPriority;
        var kind = attributes.Kind;
        var name = Json.GetString(priorityClass, "metadata.name") ?? "";
        var value = ValueOf(priorityClass);
        var globalDefault = Json.GetString(priorityClass, "globalDefault") == "true";
        if (name.StartsWith(SystemPriorityClassPrefix, StringComparison.Ordinal))
        {
            if (KnownSystemClassError(name, value, globalDefault) is { } error)
            {
                return ApiError.Invalid(kind, name, "metadata.name", "FieldValueForbidden",
                    $"Forbidden: priority class names with '{SystemPriorityClassPrefix}' prefix are reserved for system use only. error: {error}");
            }
        }
        else if (value > HighestUserDefinablePriority)
        {
            return ApiError.Invalid(kind, name, "value", "FieldValueForbidden",
                $"Forbidden: maximum allowed value of a user defined priority is {HighestUserDefinablePriority}");
        }

        var policy = Json.GetString(priorityClass, "preemptionPolicy");
        if (policy is not ("PreemptLowerPriority" or "Never"))
        {
            return ApiError.Invalid(kind, name, "preemptionPolicy", "FieldValueNotSupported",
                $"Unsupported value: \"{policy}\": supported values: \"Never\", \"PreemptLowerPriority\"");
        }

        if (attributes.OldObject is { } old)
        {
            if (value != ValueOf(old))
            {
                return ApiError.Invalid(kind, name, "value", "FieldValueForbidden", "Forbidden: may not be changed in an update.");
            }

            if (policy != Json.GetString(old, "preemptionPolicy"))
            {
                return ApiError.Invalid(kind, name, "preemptionPolicy", "FieldValueInvalid", $"Invalid value: \"{policy}\": field is immutable");
            }
        }

        return null;
    }

    /// <summary>The system classes as objects, to seed a new cluster with.</summary>
    public static IEnumerable<JsonObject> SystemClassObjects() => SystemPriorityClasses.Select(c => new JsonObject
    {
        ["apiVersion"] = "scheduling.k8s.io/v1",
        ["kind"] = "PriorityClass",
        ["metadata"] = new JsonObject { ["name"] = c.Name },
        ["value"] = c.Value,
        ["description"] = c.Description,
    });

    /// <summary>IsKnownSystemPriorityClass's error, or null for a known system class as declared.</summary>
    private static string? KnownSystemClassError(string name, int value, bool globalDefault)
    {
        foreach (var known in SystemPriorityClasses.Where(c => c.Name == name))
        {
            if (known.Value != value)
            {
                return $"value of {known.Name} PriorityClass must be {known.Value}";
            }

            return globalDefault ? $"globalDefault of {known.Name} PriorityClass must be false" : null;
        }

        return $"{name} is not a known system priority class";
    }

    /// <summary>A class's <c>value</c> (0 when absent, as the Go int32 decodes).</summary>
    public static int ValueOf(JsonObject priorityClass) =>
        int.TryParse(Json.GetString(priorityClass, "value"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
