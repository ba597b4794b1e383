using System.Globalization;
using System.Text;

namespace VolumeAwareScheduler.Core.Configuration;

/// <summary>
/// Validation messages worded as k8s.io/apimachinery/pkg/util/validation/field (errors.go, Error.Error and
/// ErrorBody) words them, so a message reads as kube-scheduler's would: <c>shape[1].utilization: Invalid value: 1:
/// values must be sorted in increasing order</c>.
/// </summary>
public static class FieldError
{
    public static string Invalid(string path, object value, string detail) => ConfigPath.Describe(path, $"Invalid value: {Format(value)}: {detail}");

    public static string Required(string path, string detail = "") =>
        ConfigPath.Describe(path, detail.Length == 0 ? "Required value" : $"Required value: {detail}");

    public static string Duplicate(string path, object value) => ConfigPath.Describe(path, $"Duplicate value: {Format(value)}");

    public static string Forbidden(string path, string detail) => ConfigPath.Describe(path, $"Forbidden: {detail}");

    public static string NotSupported(string path, object value, IEnumerable<string> supported) =>
        ConfigPath.Describe(path, $"Unsupported value: {Format(value)}: supported values: {string.Join(", ", supported.Select(Quote))}");

    /// <summary>Go's %q of a string, %v of a number or boolean.</summary>
    public static string Format(object value) => value switch
    {
        string s => Quote(s),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };

    public static string Quote(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return quoted.Append('"').ToString();
    }
}
