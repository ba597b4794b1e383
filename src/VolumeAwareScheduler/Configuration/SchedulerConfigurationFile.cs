using VolumeAwareScheduler.Core.Configuration;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Configuration;

/// <summary>
/// <c>--config FILE</c>: reads and decodes a KubeSchedulerConfiguration file (YAML or JSON). Every problem is one
/// sentence that starts with the file's name as given and the field's path:
/// <c>scheduler.yaml: profiles[0].plugins.score.enabled[1].name: unknown plugin "Foo"</c>.
/// </summary>
public static class SchedulerConfigurationFile
{
    /// <summary>The decoded configuration; throws <see cref="ConfigException"/> whose problems name the file.</summary>
    public static SchedulerConfiguration Load(string path, PluginRegistry? registry = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            var reason = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message.TrimEnd('.');
            throw new ConfigException([$"{path}: cannot read the file: {reason}"]);
        }
        return Parse(text, path, registry);
    }

    /// <summary>Decodes <paramref name="text"/> as if read from a file named <paramref name="source"/>.</summary>
    public static SchedulerConfiguration Parse(string text, string source, PluginRegistry? registry = null)
    {
        try
        {
            var configuration = SchedulerConfigurationDecoder.Decode(YamlConfigReader.Read(text), registry);
            return configuration with { Warnings = [.. configuration.Warnings.Select(w => $"{source}: {w}")] };
        }
        catch (ConfigException e)
        {
            throw new ConfigException([.. e.Problems.Select(p => $"{source}: {p}")]);
        }
    }
}
