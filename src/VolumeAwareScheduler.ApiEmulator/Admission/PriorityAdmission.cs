using System.Globalization;
using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Admission;

/// <summary>
/// The Priority admission plugin (plugin/pkg/admission/priority/admission.go): on pod create, resolves
/// <c>spec.priorityClassName</c> (or the global default class) into <c>spec.priority</c> and
/// <c>spec.preemptionPolicy</c>, refusing an unknown class or a contradicting value with 403 Forbidden; on pod
/// update keeps what create set; on PriorityClass writes refuses a second global default.
/// </summary>
internal sealed class PriorityAdmission : IAdmissionPlugin
{
    /// <summary>scheduling.DefaultPriorityWhenNoDefaultClassExists.</summary>
    public const int DefaultPriorityWhenNoDefaultClassExists = 0;

    public const string PreemptLowerPriority = "PreemptLowerPriority";

    public ApiError? Admit(AdmissionAttributes attributes) => attributes.Kind.Plural switch
    {
        "pods" => AdmitPod(attributes),
        "priorityclasses" => ValidatePriorityClass(attributes),
        _ => null,
    };

    private static ApiError? AdmitPod(AdmissionAttributes attributes)
    {
        var spec = Json.Ensure(attributes.Object, "spec");
        if (attributes.Operation == AdmissionOperation.Update)
        {
            // Create set these; validation keeps them immutable, so an update that omits them keeps the old values.
            var oldSpec = Json.GetObject(attributes.OldObject, "spec");
            foreach (var field in new[] { "priority", "preemptionPolicy" })
            {
                if (spec[field] is null && oldSpec?[field] is { } old)
                {
                    spec[field] = old.DeepClone();
                }
            }

            return null;
        }

        int priority;
        string? preemptionPolicy;
        var className = Json.GetString(spec, "priorityClassName") ?? "";
        if (className.Length == 0)
        {
            if (DefaultClass(attributes) is { } defaultClass)
            {
                spec["priorityClassName"] = Json.GetString(defaultClass, "metadata.name");
                (priority, preemptionPolicy) = (ValueOf(defaultClass), Json.GetString(defaultClass, "preemptionPolicy"));
            }
            else
            {
                (priority, preemptionPolicy) = (DefaultPriorityWhenNoDefaultClassExists, PreemptLowerPriority);
            }
        }
        else if (attributes.Get("priorityclasses", null, className) is { } priorityClass)
        {
            (priority, preemptionPolicy) = (ValueOf(priorityClass), Json.GetString(priorityClass, "preemptionPolicy"));
        }
        else
        {
            return attributes.Forbidden($"no PriorityClass with name {className} was found");
        }

        if (Json.GetString(spec, "priority") is { } given && given != priority.ToString(CultureInfo.InvariantCulture))
        {
            return attributes.Forbidden($"the integer value of priority ({given}) must not be provided in pod spec; priority admission controller computed {priority} from the given PriorityClass name");
        }

        spec["priority"] = priority;
        if (preemptionPolicy is not null)
        {
            if (Json.GetString(spec, "preemptionPolicy") is { } givenPolicy && givenPolicy != preemptionPolicy)
            {
                return attributes.Forbidden($"the string value of PreemptionPolicy ({givenPolicy}) must not be provided in pod spec; priority admission controller computed {preemptionPolicy} from the given PriorityClass name");
            }

            spec["preemptionPolicy"] = preemptionPolicy;
        }

        return null;
    }

    private static ApiError? ValidatePriorityClass(AdmissionAttributes attributes)
    {
        if (Json.GetString(attributes.Object, "globalDefault") != "true" || DefaultClass(attributes) is not { } existing)
        {
            return null;
        }

        var existingName = Json.GetString(existing, "metadata.name");
        return attributes.Operation == AdmissionOperation.Create || existingName != Json.GetString(attributes.Object, "metadata.name")
            ? attributes.Forbidden($"PriorityClass {existingName} is already marked as default. Only one default can exist")
            : null;
    }

    /// <summary>getDefaultPriorityClass: of the classes marked globalDefault, the one with the lowest value.</summary>
    private static JsonObject? DefaultClass(AdmissionAttributes attributes) =>
        attributes.List("priorityclasses")
            .Where(c => Json.GetString(c, "globalDefault") == "true")
            .OrderBy(ValueOf)
            .FirstOrDefault();

    private static int ValueOf(JsonObject priorityClass) => PriorityClassStrategy.ValueOf(priorityClass);
}
