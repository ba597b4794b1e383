using System.Text.Json.Nodes;

namespace VolumeAwareScheduler.ApiEmulator.Selectors;

internal enum LabelOperator
{
    Equals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}

internal sealed record LabelRequirement(string Key, LabelOperator Operator, IReadOnlyList<string> Values)
{
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            LabelOperator.Equals or LabelOperator.In => has && Values.Contains(value!),
            LabelOperator.NotEquals or LabelOperator.NotIn => !has || !Values.Contains(value!),
            LabelOperator.Exists => has,
            LabelOperator.DoesNotExist => !has,
            LabelOperator.GreaterThan => has && Values.Count == 1 && long.TryParse(value, out var gt) && long.TryParse(Values[0], out var gtBound) && gt > gtBound,
            LabelOperator.LessThan => has && Values.Count == 1 && long.TryParse(value, out var lt) && long.TryParse(Values[0], out var ltBound) && lt < ltBound,
            _ => false,
        };
    }
}

/// <summary>
/// A label selector: all requirements must hold. Parses the string form of
/// k8s.io/apimachinery/pkg/labels/selector.go (=, ==, !=, in, notin, key, !key, &gt;, &lt;) and the
/// structured <c>LabelSelector</c> (matchLabels + matchExpressions) of metav1.
/// </summary>
internal sealed class LabelSelector
{
    public static readonly LabelSelector Everything = new([]);

    /// <summary>A selector that matches nothing (metav1 <c>null</c> selector semantics where relevant).</summary>
    public static readonly LabelSelector Nothing = new([new LabelRequirement("", LabelOperator.In, [])]);

    private LabelSelector(IReadOnlyList<LabelRequirement> requirements) => Requirements = requirements;

    public IReadOnlyList<LabelRequirement> Requirements { get; }

    public bool IsEmpty => Requirements.Count == 0;

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var requirement in Requirements)
        {
            if (!requirement.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    public static bool TryParse(string? text, out LabelSelector selector, out string error)
    {
        selector = Everything;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var requirements = new List<LabelRequirement>();
        foreach (var part in SplitTopLevel(text))
        {
            if (!TryParseRequirement(part.Trim(), out var requirement, out error))
            {
                return false;
            }

            requirements.Add(requirement);
        }

        selector = new LabelSelector(requirements);
        return true;
    }

    /// <summary>Converts a metav1.LabelSelector JSON object; a null object means "everything" here (callers decide otherwise).</summary>
    public static bool TryFromJson(JsonObject? selectorObject, out LabelSelector selector, out string error)
    {
        selector = Everything;
        error = "";
        if (selectorObject is null)
        {
            return true;
        }

        var requirements = new List<LabelRequirement>();
        foreach (var (key, value) in Json.StringMap(selectorObject["matchLabels"] as JsonObject))
        {
            requirements.Add(new LabelRequirement(key, LabelOperator.Equals, [value]));
        }

        if (selectorObject["matchExpressions"] is JsonArray expressions)
        {
            foreach (var expression in expressions.OfType<JsonObject>())
            {
                var key = Json.GetString(expression, "key") ?? "";
                var values = Json.Strings(expression["values"] as JsonArray).ToList();
                LabelOperator? op = Json.GetString(expression, "operator") switch
                {
                    "In" => LabelOperator.In,
                    "NotIn" => LabelOperator.NotIn,
                    "Exists" => LabelOperator.Exists,
                    "DoesNotExist" => LabelOperator.DoesNotExist,
                    "Gt" => LabelOperator.GreaterThan,
                    "Lt" => LabelOperator.LessThan,
                    _ => null,
                };
                if (op is null || key.Length == 0)
                {
                    error = $"invalid label selector expression for key \"{key}\"";
                    return false;
                }

                requirements.Add(new LabelRequirement(key, op.Value, values));
            }
        }

        selector = new LabelSelector(requirements);
        return true;
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }

    private static bool TryParseRequirement(string part, out LabelRequirement requirement, out string error)
    {
        requirement = null!;
        error = "";
        if (part.Length == 0)
        {
            error = "unable to parse requirement: found '', expected: identifier";
            return false;
        }

        if (part[0] == '!')
        {
            var key = part[1..].Trim();
            return Build(key, LabelOperator.DoesNotExist, [], out requirement, out error);
        }

        foreach (var (token, op) in new[] { ("!=", LabelOperator.NotEquals), ("==", LabelOperator.Equals), ("=", LabelOperator.Equals), (">", LabelOperator.GreaterThan), ("<", LabelOperator.LessThan) })
        {
            var index = part.IndexOf(token, StringComparison.Ordinal);
            if (index > 0)
            {
                var value = part[(index + token.Length)..].Trim();
                if (op is LabelOperator.GreaterThan or LabelOperator.LessThan && !long.TryParse(value, out _))
                {
                    error = $"unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer: {value}";
                    return false;
                }

                return Build(part[..index].Trim(), op, [value], out requirement, out error);
            }
        }

        var words = part.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 2)
        {
            var rest = words[1];
            LabelOperator? setOp = rest.StartsWith("notin", StringComparison.Ordinal) ? LabelOperator.NotIn
                : rest.StartsWith("in", StringComparison.Ordinal) ? LabelOperator.In
                : null;
            if (setOp is not null)
            {
                var list = rest[(setOp == LabelOperator.NotIn ? 5 : 2)..].Trim();
                if (list.Length < 2 || list[0] != '(' || list[^1] != ')')
                {
                    error = $"unable to parse requirement: found '{list}', expected: '('";
                    return false;
                }

                var values = list[1..^1].Split(',', StringSplitOptions.TrimEntries).Where(v => v.Length > 0).ToList();
                return Build(words[0], setOp.Value, values, out requirement, out error);
            }

            error = $"unable to parse requirement: found '{rest}', expected: in, notin, =, ==, !=, gt, lt";
            return false;
        }

        return Build(part, LabelOperator.Exists, [], out requirement, out error);
    }

    private static bool Build(string key, LabelOperator op, IReadOnlyList<string> values, out LabelRequirement requirement, out string error)
    {
        requirement = null!;
        error = "";
        if (key.Length == 0 || key.Any(c => char.IsWhiteSpace(c) || c is '(' or ')' or '!' or '=' or ','))
        {
            error = $"unable to parse requirement: invalid label key \"{key}\"";
            return false;
        }

        requirement = new LabelRequirement(key, op, values);
        return true;
    }
}
