using VolumeAwareScheduler.Core.Configuration;

namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// The plugins a profile can name (upstream's runtime.Registry), each with its args decoder and factory. Immutable:
/// <see cref="Add(string, Func{IPlugin})"/> returns a registry with one more plugin. The in-tree plugins are
/// registered in <see cref="Plugins.InTreeRegistry"/>; <see cref="Build"/> turns a profile's configuration into a
/// <see cref="Profile"/>.
/// </summary>
public sealed class PluginRegistry
{
    private readonly Dictionary<string, PluginRegistration> _registrations;

    public PluginRegistry()
        : this(new Dictionary<string, PluginRegistration>(StringComparer.Ordinal))
    {
    }

    private PluginRegistry(Dictionary<string, PluginRegistration> registrations) => _registrations = registrations;

    public IEnumerable<string> Names => _registrations.Keys;

    public PluginRegistration this[string name] => _registrations[name];

    public bool Contains(string name) => _registrations.ContainsKey(name);

    /// <summary>A plugin without args (upstream has no args type for it).</summary>
    public PluginRegistry Add(string name, Func<IPlugin> create) =>
        With(new PluginRegistration(name, args => NoArgs(name, args), _ => create(), takesArgs: false));

    /// <summary>A plugin with args: <paramref name="decodeArgs"/> gets null for the defaults.</summary>
    public PluginRegistry Add<TArgs>(string name, Func<ConfigNode?, TArgs> decodeArgs, Func<TArgs, IPlugin> create) where TArgs : class =>
        With(new PluginRegistration(name, args => decodeArgs(args), args => create((TArgs)args!), takesArgs: true));

    /// <summary>
    /// NewFramework (framework/runtime/framework.go): the profile's plugins per extension point, MultiPoint expanded;
    /// throws <see cref="ConfigException"/> with upstream's message for a profile upstream would refuse.
    /// </summary>
    public Profile Build(ProfileConfig config) => ProfileBuilder.Build(this, config);

    private PluginRegistry With(PluginRegistration registration)
    {
        if (_registrations.ContainsKey(registration.Name)) throw new ArgumentException($"a plugin named {registration.Name} already exists", nameof(registration));
        return new PluginRegistry(new Dictionary<string, PluginRegistration>(_registrations, StringComparer.Ordinal) { [registration.Name] = registration });
    }

    private static object? NoArgs(string name, ConfigNode? args)
    {
        if (args is null || (args.Kind == ConfigNodeKind.Map && args.Entries.All(e => e.Key is "apiVersion" or "kind"))) return null;
        throw new ConfigException(args.Path, $"plugin {FieldError.Quote(name)} takes no args");
    }
}
