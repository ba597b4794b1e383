namespace VolumeAwareScheduler.ApiEmulator.OpenApi;

/// <summary>
/// One named schema of the catalog, e.g. <c>io.k8s.api.core.v1.PodSpec</c>: an object with properties, or a named
/// scalar (<see cref="Scalar"/>) such as Quantity, IntOrString or Time.
/// </summary>
internal sealed class ModelDefinition
{
    public required string Name { get; init; }

    /// <summary>The Go type name, the last segment of <see cref="Name"/>.</summary>
    public required string GoType { get; init; }

    /// <summary>The model type it was read from, for its description; null for the named scalars.</summary>
    public Type? ClrType { get; init; }

    /// <summary>A fixed description (named scalars); object definitions take theirs from <see cref="ModelDescriptions"/>.</summary>
    public string? Description { get; init; }

    /// <summary>Set for named scalars; null for objects.</summary>
    public SchemaType? Scalar { get; init; }

    private readonly IReadOnlyList<ModelProperty> _properties = [];
    private readonly Dictionary<string, ModelProperty> _byName = new(StringComparer.Ordinal);

    /// <summary>Properties in ordinal order of their JSON names.</summary>
    public IReadOnlyList<ModelProperty> Properties
    {
        get => _properties;
        init
        {
            _properties = value;
            _byName = value.ToDictionary(p => p.Name, StringComparer.Ordinal);
        }
    }

    /// <summary>The kinds this schema is the object of (top-level kinds and their lists).</summary>
    public IReadOnlyList<GroupVersionKind> Kinds { get; init; } = [];

    public ModelProperty? Property(string name) => _byName.GetValueOrDefault(name);
}
