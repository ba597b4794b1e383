using k8s.Models;

namespace VolumeAwareScheduler.Kubernetes.Conversion;

/// <summary>
/// A quantity as it arrived (a JSON string, a JSON number's text, a YAML scalar), kept as text and read only by
/// <see cref="Quantities"/> in bounded time. KubernetesClient's own <see cref="ResourceQuantity"/> computes with
/// unbounded precision when it is built ("1e1000000000" never finishes) and when it is printed (a negative
/// exponent-form amount loops forever), so nothing of ours builds or prints one from input.
/// <para>
/// The base class's amount is left at zero: its arithmetic (ToDecimal, CanonicalizeString, Equals(ResourceQuantity))
/// does not describe this quantity. Read it with <see cref="Quantities.Value"/> and <see cref="Quantities.MilliValue"/>;
/// <see cref="ToString"/> and JSON give the text back unchanged.
/// </para>
/// </summary>
public sealed class WireQuantity(string text) : ResourceQuantity(0m, 0, SuffixFormat.DecimalSI)
{
    public string Text { get; } = text;

    public override string ToString() => Text;

    public override bool Equals(object? obj) => obj is WireQuantity other && string.Equals(Text, other.Text, StringComparison.Ordinal);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);
}
