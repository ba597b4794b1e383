using System.Collections;
using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;
using VolumeAwareScheduler.Kubernetes.Conversion;
using YamlDotNet.RepresentationModel;

namespace VolumeAwareScheduler.Kubernetes.Manifests;

/// <summary>
/// The quantities of one manifest object, taken out of its YAML before KubernetesClient's YAML reader sees them and
/// put back into the typed object afterwards as <see cref="WireQuantity"/>. That reader builds a
/// <see cref="ResourceQuantity"/> for each scalar, with unbounded arithmetic ("1e1000000000" never finishes), and has
/// no way to be given another converter. The walk follows the models' JSON property names, as that reader does.
/// </summary>
internal sealed class ManifestQuantities
{
    /// <summary>Every KubernetesClient model type that can hold a quantity, with the members that lead to one. Built once.</summary>
    private static readonly Lazy<FrozenDictionary<Type, Shape>> Shapes = new(BuildShapes);

    // The text of each quantity scalar taken out; null for a YAML null (a zero quantity, as Go reads it).
    private readonly Dictionary<YamlScalarNode, string?> _texts = new(ReferenceEqualityComparer.Instance);

    private ManifestQuantities()
    {
    }

    /// <summary>Replaces each quantity scalar under <paramref name="node"/> (an object of <paramref name="type"/>) with "0", keeping its text.</summary>
    public static ManifestQuantities Detach(YamlNode node, Type type)
    {
        var quantities = new ManifestQuantities();
        quantities.Detach(node, type, Shapes.Value);
        return quantities;
    }

    /// <summary>Sets the kept texts into <paramref name="model"/>, read from the same YAML, as <see cref="WireQuantity"/>.</summary>
    public void Attach(YamlNode node, object model)
    {
        if (_texts.Count > 0) Attach(node, model.GetType(), model, Shapes.Value);
    }

    private void Detach(YamlNode node, Type type, FrozenDictionary<Type, Shape> shapes)
    {
        if (type == typeof(ResourceQuantity))
        {
            if (node is YamlScalarNode scalar)
            {
                _texts[scalar] = IsNull(scalar) ? null : scalar.Value;
                scalar.Value = "0";
                scalar.Style = YamlDotNet.Core.ScalarStyle.Plain;
            }
            return;
        }
        if (!shapes.TryGetValue(type, out var shape)) return;
        switch (node)
        {
            case YamlMappingNode mapping when shape.Element is { } value:
                foreach (var (_, child) in mapping.Children) Detach(child, value, shapes);
                break;
            case YamlSequenceNode sequence when shape.Element is { } element:
                foreach (var child in sequence.Children) Detach(child, element, shapes);
                break;
            case YamlMappingNode mapping:
                foreach (var (key, child) in mapping.Children)
                {
                    if (key is YamlScalarNode { Value: { } name } && shape.Members.TryGetValue(name, out var member)) Detach(child, member.PropertyType, shapes);
                }
                break;
        }
    }

    private void Attach(YamlNode node, Type type, object instance, FrozenDictionary<Type, Shape> shapes)
    {
        if (!shapes.TryGetValue(type, out var shape)) return;
        switch (node)
        {
            case YamlMappingNode mapping when shape.Element is { } value && instance is IDictionary dictionary:
                foreach (var (key, child) in mapping.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name } || !dictionary.Contains(name)) continue;
                    if (IsQuantity(child, out var quantity)) dictionary[name] = quantity;
                    else if (dictionary[name] is { } item) Attach(child, value, item, shapes);
                }
                break;
            case YamlSequenceNode sequence when shape.Element is { } element && instance is IList list:
                for (var i = 0; i < sequence.Children.Count && i < list.Count; i++)
                {
                    if (IsQuantity(sequence.Children[i], out var quantity)) list[i] = quantity;
                    else if (list[i] is { } item) Attach(sequence.Children[i], element, item, shapes);
                }
                break;
            case YamlMappingNode mapping when shape.Element is null:
                foreach (var (key, child) in mapping.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name } || !shape.Members.TryGetValue(name, out var member)) continue;
                    if (IsQuantity(child, out var quantity)) member.SetValue(instance, quantity);
                    else if (member.GetValue(instance) is { } item) Attach(child, member.PropertyType, item, shapes);
                }
                break;
        }
    }

    /// <summary>Whether the node is a quantity taken out by <see cref="Detach(YamlNode, Type)"/>, and what to put back.</summary>
    private bool IsQuantity(YamlNode node, out WireQuantity? quantity)
    {
        quantity = null;
        if (node is not YamlScalarNode scalar || !_texts.TryGetValue(scalar, out var text)) return false;
        if (text is not null) quantity = new WireQuantity(text);
        return true;
    }

    /// <summary>A plain scalar that YAML reads as null.</summary>
    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style is YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any && scalar.Value is "" or "~" or "null" or "Null" or "NULL";

    /// <summary>
    /// How to walk a type: <see cref="Element"/> for a dictionary's values or a list's items, else <see cref="Members"/>
    /// by JSON name (only those that lead to a quantity).
    /// </summary>
    private sealed record Shape(Type? Element, FrozenDictionary<string, PropertyInfo> Members);

    /// <summary>
    /// The types that lead to a quantity: a fixpoint over "a property or element of this type leads to one" from
    /// <see cref="ResourceQuantity"/>, which cycles between models cannot fool.
    /// </summary>
    private static FrozenDictionary<Type, Shape> BuildShapes()
    {
        var edges = new Dictionary<Type, Type[]>();
        var pending = new Queue<Type>(typeof(ResourceQuantity).Assembly.GetExportedTypes().Where(IsModel));
        while (pending.TryDequeue(out var type))
        {
            if (edges.ContainsKey(type)) continue;
            var targets = ElementOf(type) is { } element ? [element] : Properties(type).Select(p => p.PropertyType).Distinct().ToArray();
            edges[type] = targets;
            foreach (var target in targets)
            {
                if (IsModel(target) || ElementOf(target) is not null) pending.Enqueue(target);
            }
        }
        var holds = new HashSet<Type> { typeof(ResourceQuantity) };
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var (type, targets) in edges)
            {
                if (!holds.Contains(type) && targets.Any(holds.Contains)) changed |= holds.Add(type);
            }
        }
        var shapes = new Dictionary<Type, Shape>();
        foreach (var type in edges.Keys.Where(holds.Contains))
        {
            shapes[type] = ElementOf(type) is { } element
                ? new Shape(element, FrozenDictionary<string, PropertyInfo>.Empty)
                : new Shape(null, Properties(type).Where(p => holds.Contains(p.PropertyType))
                    .ToFrozenDictionary(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name), StringComparer.Ordinal));
        }
        return shapes.ToFrozenDictionary();
    }

    private static bool IsModel(Type type) =>
        type.IsClass && !type.IsAbstract && type != typeof(ResourceQuantity)
        && type.Assembly == typeof(ResourceQuantity).Assembly && type.Namespace == typeof(ResourceQuantity).Namespace;

    private static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0);

    private static Type? ElementOf(Type type)
    {
        if (!type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        var arguments = type.GetGenericArguments();
        if ((definition == typeof(IDictionary<,>) || definition == typeof(Dictionary<,>)) && arguments[0] == typeof(string)) return arguments[1];
        if (definition == typeof(IList<>) || definition == typeof(List<>)) return arguments[0];
        return null;
    }
}
