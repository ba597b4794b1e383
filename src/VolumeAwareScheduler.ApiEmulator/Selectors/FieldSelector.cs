using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Selectors;

internal sealed record FieldRequirement(string Field, bool Equal, string Value);

/// <summary>
/// A field selector (k8s.io/apimachinery/pkg/fields/selector.go): <c>field=value</c>, <c>==</c>, <c>!=</c>,
/// comma-separated, backslash escapes. Only labels the kind supports are accepted, as upstream.
/// Note <c>spec.nodeName=</c> (empty value) selects unscheduled pods.
/// </summary>
internal sealed class FieldSelector
{
    public static readonly FieldSelector Everything = new([]);

    private FieldSelector(IReadOnlyList<FieldRequirement> requirements) => Requirements = requirements;

    public IReadOnlyList<FieldRequirement> Requirements { get; }

    public bool Matches(IReadOnlyDictionary<string, string> fields)
    {
        foreach (var requirement in Requirements)
        {
            var value = fields.GetValueOrDefault(requirement.Field, "");
            if (string.Equals(value, requirement.Value, StringComparison.Ordinal) != requirement.Equal)
            {
                return false;
            }
        }

        return true;
    }

    public static bool TryParse(string? text, ResourceKind kind, out FieldSelector selector, out string error)
    {
        selector = Everything;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var requirements = new List<FieldRequirement>();
        foreach (var term in SplitUnescaped(text, ','))
        {
            if (term.Length == 0)
            {
                continue;
            }

            var (field, equal, value) = SplitTerm(term);
            if (field is null)
            {
                error = $"invalid selector: '{text}'; can't understand '{term}'";
                return false;
            }

            if (!IsSupported(kind, field))
            {
                error = $"field label not supported: {field}";
                return false;
            }

            requirements.Add(new FieldRequirement(field, equal, value));
        }

        selector = new FieldSelector(requirements);
        return true;
    }

    public static bool IsSupported(ResourceKind kind, string field) =>
        field is "metadata.name" or "metadata.namespace" || kind.ExtraFields.Any(f => f.Label == field);

    private static (string? Field, bool Equal, string Value) SplitTerm(string term)
    {
        for (var i = 0; i < term.Length; i++)
        {
            if (term[i] == '\\')
            {
                i++;
                continue;
            }

            if (term[i] == '!' && i + 1 < term.Length && term[i + 1] == '=')
            {
                return (Unescape(term[..i]).Trim(), false, Unescape(term[(i + 2)..]));
            }

            if (term[i] == '=')
            {
                var valueStart = i + 1 < term.Length && term[i + 1] == '=' ? i + 2 : i + 1;
                return (Unescape(term[..i]).Trim(), true, Unescape(term[valueStart..]));
            }
        }

        return (null, false, "");
    }

    private static IEnumerable<string> SplitUnescaped(string text, char separator)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == separator)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }

    private static string Unescape(string text)
    {
        if (!text.Contains('\\', StringComparison.Ordinal))
        {
            return text;
        }

        var builder = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
            }

            builder.Append(text[i]);
        }

        return builder.ToString();
    }
}
