using VolumeAwareScheduler.Core.Configuration;

namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// One plugin a <see cref="PluginRegistry"/> can build: its name, how its args are decoded from a profile's
/// <c>pluginConfig</c> (strictly, with defaults and validation), and its factory (upstream's PluginFactory).
/// </summary>
public sealed class PluginRegistration
{
    private readonly Func<ConfigNode?, object?> _decodeArgs;
    private readonly Func<object?, IPlugin> _create;

    internal PluginRegistration(string name, Func<ConfigNode?, object?> decodeArgs, Func<object?, IPlugin> create, bool takesArgs)
    {
        Name = name;
        _decodeArgs = decodeArgs;
        _create = create;
        TakesArgs = takesArgs;
        DefaultArgs = decodeArgs(null);
    }

    public string Name { get; }

    /// <summary>False for a plugin without an args type upstream: its <c>args</c> must be absent or empty.</summary>
    public bool TakesArgs { get; }

    /// <summary>The args a plugin gets when the profile configures none (upstream's defaulted args).</summary>
    public object? DefaultArgs { get; }

    /// <summary>Decodes and validates the args; throws <see cref="ConfigException"/> naming the path of the bad field.</summary>
    public object? DecodeArgs(ConfigNode? args) => _decodeArgs(args);

    /// <summary>A new instance with <paramref name="args"/> (from <see cref="DecodeArgs"/>), or the defaults when null.</summary>
    public IPlugin Create(object? args) => _create(args ?? DefaultArgs);
}
