namespace VolumeAwareScheduler.Core.Configuration;

/// <summary>
/// A configuration that cannot be used. Each problem is one sentence that starts with the field path
/// (<c>profiles[0].plugins.score.enabled[1].name: unknown plugin "Foo"</c>); whoever read the file puts its name in
/// front.
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException(IReadOnlyList<string> problems)
        : base(string.Join(Environment.NewLine, problems))
    {
        if (problems.Count == 0) throw new ArgumentException("A configuration error needs at least one problem.", nameof(problems));
        Problems = problems;
    }

    public ConfigException(string path, string problem)
        : this([ConfigPath.Describe(path, problem)])
    {
    }

    public IReadOnlyList<string> Problems { get; }
}
