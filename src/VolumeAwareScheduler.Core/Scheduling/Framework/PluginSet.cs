namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>The enabled and disabled plugins of one extension point (kubescheduler.config.k8s.io/v1 PluginSet).</summary>
public sealed class PluginSet : IEquatable<PluginSet>
{
    public PluginSet(IReadOnlyList<PluginSpec>? enabled = null, IReadOnlyList<PluginSpec>? disabled = null)
    {
        Enabled = enabled ?? [];
        Disabled = disabled ?? [];
    }

    public static PluginSet Empty { get; } = new();

    /// <summary>Run in this order, after the defaults they do not replace.</summary>
    public IReadOnlyList<PluginSpec> Enabled { get; }

    /// <summary>Default plugins not to run; <c>*</c> disables them all.</summary>
    public IReadOnlyList<PluginSpec> Disabled { get; }

    public bool IsEmpty => Enabled.Count == 0 && Disabled.Count == 0;

    public bool Equals(PluginSet? other) => other is not null && Enabled.SequenceEqual(other.Enabled) && Disabled.SequenceEqual(other.Disabled);

    public override bool Equals(object? obj) => Equals(obj as PluginSet);

    public override int GetHashCode() => HashCode.Combine(Enabled.Count, Disabled.Count, Enabled.FirstOrDefault());

    public override string ToString()
    {
        var parts = new List<string>();
        if (Enabled.Count > 0) parts.Add($"enabled [{string.Join(", ", Enabled)}]");
        if (Disabled.Count > 0) parts.Add($"disabled [{string.Join(", ", Disabled.Select(d => d.Name))}]");
        return string.Join(" ", parts);
    }
}
