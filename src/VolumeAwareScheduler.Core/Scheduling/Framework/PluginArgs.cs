using VolumeAwareScheduler.Core.Configuration;

namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>Reading a plugin's args (<c>pluginConfig[].args</c>), for the args decoders of the plugins.</summary>
public static class PluginArgs
{
    public const string ApiVersion = "kubescheduler.config.k8s.io/v1";

    /// <summary>
    /// The args as a map of <paramref name="fields"/>, plus the optional <c>apiVersion</c> and <c>kind</c>, which when
    /// given must be <see cref="ApiVersion"/> and <paramref name="kind"/> (upstream decodes the args as that kind).
    /// </summary>
    public static ConfigMap Open(ConfigNode args, string kind, params string[] fields)
    {
        var map = args.ExpectMap([.. fields, "apiVersion", "kind"]);
        if (map["apiVersion"] is { } apiVersion && apiVersion.ExpectString() != ApiVersion)
            throw new ConfigException([FieldError.Invalid(apiVersion.Path, apiVersion.Text, $"must be {FieldError.Quote(ApiVersion)}")]);
        if (map["kind"] is { } kindNode && kindNode.ExpectString() != kind)
            throw new ConfigException([FieldError.Invalid(kindNode.Path, kindNode.Text, $"must be {FieldError.Quote(kind)}")]);
        return map;
    }

    /// <summary>The error for an upstream field that the plugin here does not implement: never silently ignored.</summary>
    public static ConfigException NotSupportedYet(string path, string what) => new(path, $"not supported yet: {what}");
}
