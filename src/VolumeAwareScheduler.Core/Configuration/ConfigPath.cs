namespace VolumeAwareScheduler.Core.Configuration;

/// <summary>Field paths written as apimachinery's field.Path prints them: <c>profiles[0].plugins.score.enabled[1].name</c>.</summary>
public static class ConfigPath
{
    public static string Child(string path, string field) => path.Length == 0 ? field : $"{path}.{field}";

    public static string Index(string path, int index) => $"{path}[{index}]";

    /// <summary>"path: problem", or the problem alone at the root.</summary>
    public static string Describe(string path, string problem) => path.Length == 0 ? problem : $"{path}: {problem}";
}
